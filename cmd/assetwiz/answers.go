package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// answerFlag is a flag that gives an answer, with its answers-file key.
type answerFlag struct {
	flag, key, usage string
	list             bool
}

// answerFlags are made from the steps' table: one flag per question that has one.
var answerFlags = func() []answerFlag {
	var out []answerFlag
	for _, q := range steps.Questions() {
		if q.Flag == "" {
			continue
		}
		usage := q.Usage()
		switch q.DefaultDoc {
		case "":
		case "required":
			usage += " (required)"
		default:
			usage += " (default: " + q.DefaultDoc + ")"
		}
		list := q.Kind == steps.KindList || q.Kind == steps.KindDirectories
		out = append(out, answerFlag{flag: q.Flag, key: q.Key, usage: usage, list: list})
	}
	return out
}()

// addAnswerFlags adds --answers and one flag per answer to a command that reads answers.
func addAnswerFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringP("answers", "f", "", "answers file (default "+steps.DefaultAnswersFile+" when it exists)")
	for _, af := range answerFlags {
		if af.list {
			f.StringArray(af.flag, nil, af.usage)
		} else {
			f.String(af.flag, "", af.usage)
		}
		if q, ok := steps.FindQuestion(af.key); ok && q.Choices != nil {
			_ = cmd.RegisterFlagCompletionFunc(af.flag, completeChoices(q))
		}
	}
	f.SortFlags = false
}

// completeChoices completes a flag's value from its question's choices in the table, for
// the answers the other flags on the line give (the regions of --provider).
func completeChoices(q steps.Question) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		a, _ := flagAnswers(cmd.Flags())
		if a.Mode == "" {
			a.Mode = steps.ModeTemporal // every technique offered
		}
		var out []cobra.Completion
		for _, c := range q.Choices(&a) {
			if strings.HasPrefix(c.Value, toComplete) {
				out = append(out, cobra.CompletionWithDesc(c.Value, c.Help))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// flagAnswers collects the answers given as flags; a flag not given answers nothing.
func flagAnswers(f *pflag.FlagSet) (steps.Answers, steps.Problems) {
	var a steps.Answers
	var problems steps.Problems
	for _, af := range answerFlags {
		if !f.Changed(af.flag) {
			continue
		}
		var err error
		if af.list {
			values, _ := f.GetStringArray(af.flag)
			if p, bad := commaInListFlag(af.flag, af.key, values); bad {
				problems = append(problems, p)
				continue
			}
			err = a.Set(af.key, joinList(values))
		} else {
			v, _ := f.GetString(af.flag)
			err = a.Set(af.key, v)
		}
		if err != nil {
			problems = append(problems, steps.Problem{Key: af.key, Message: fmt.Sprintf("%v (from --%s)", err, af.flag)})
		}
	}
	return a, problems
}

func joinList(values []string) string {
	out := ""
	for i, v := range values {
		if i > 0 {
			out += ","
		}
		out += v
	}
	return out
}

// answerOptions are the answers given on a command's line: --answers and the answer flags.
type answerOptions struct {
	// File is --answers: "" reads steps.DefaultAnswersFile when it exists.
	File string
	// Flags are the answers the answer flags give; a flag not given answers nothing.
	Flags steps.Answers
	// FlagProblems are answer flags whose value is wrong: said together with the problems of
	// the other sources, so that one run names them all.
	FlagProblems steps.Problems
}

// answerOptionsOf parses --answers and the answer flags (addAnswerFlags) of a command.
func answerOptionsOf(f *pflag.FlagSet) answerOptions {
	flags, problems := flagAnswers(f)
	path, _ := f.GetString("answers")
	return answerOptions{File: path, Flags: flags, FlagProblems: problems}
}

// loadAnswers reads the answers from every source for a command. Bad input comes back as
// an error with exit code 64 that lists every problem.
func (a *app) loadAnswers(in answerOptions) (steps.Loaded, error) {
	path := in.File
	// Loading only reads; on Ctrl-C or SIGTERM the run stops without waiting for it.
	loaded, err := provision.Interruptible(a.ctx, func() (steps.Loaded, error) {
		return steps.Load(steps.Sources{AnswersFile: path, Getenv: a.env.Getenv, Flags: in.Flags, Dir: a.env.Dir})
	})
	if a.ctx.Err() != nil {
		return loaded, a.ctx.Err()
	}
	a.redact(loaded.Answers.Secrets)
	var problems steps.Problems
	problems = append(problems, in.FlagProblems...)
	var ps steps.Problems
	switch {
	case errors.As(err, &ps):
		problems = append(problems, ps...)
	case err != nil:
		return loaded, badInput("%w", err)
	}
	for _, n := range loaded.Notes {
		a.note("%s", n)
	}
	if len(problems) > 0 {
		if loaded.AnswersFile == "" && path == "" && missingRequired(problems) {
			// No answers file: say that once, not every answer it would have given as missing.
			msg := "There is no " + steps.DefaultAnswersFile + " here: run `assetwiz` for the wizard, which asks and saves the answers,\n" +
				"or give them with -f FILE or flags (see docs/answers.md)."
			if rest := notMissing(problems); len(rest) > 0 {
				return loaded, badInput("%w\n%s", rest, msg)
			}
			return loaded, badInput("%s", msg)
		}
		return loaded, badInput("%w", problems)
	}
	return loaded, nil
}

// notMissing are the problems other than a required answer not given.
func notMissing(ps steps.Problems) steps.Problems {
	var out steps.Problems
	for _, p := range ps {
		if !strings.HasPrefix(p.Message, "is required") {
			out = append(out, p)
		}
	}
	return out
}

// missingRequired reports whether a required answer is missing (not merely wrong).
func missingRequired(ps steps.Problems) bool {
	for _, p := range ps {
		if strings.HasPrefix(p.Message, "is required") {
			return true
		}
	}
	return false
}

// note prints a message for the user on stderr.
func (a *app) note(format string, args ...any) {
	fmt.Fprintf(a.stderr, "assetwiz: "+format+"\n", args...)
}

// commaInListFlag refuses a comma in a repeatable flag's value: `--directory x,y` would
// silently become two answers, and no directory, subnet or security group name holds one.
func commaInListFlag(flag, key string, values []string) (steps.Problem, bool) {
	for _, v := range values {
		if strings.Contains(v, ",") {
			return steps.Problem{Key: key, Message: fmt.Sprintf("%q (from --%s) holds a comma, which no such name can hold; give one value per flag, repeating it (--%s a --%s b), or list them in the answers file",
				v, flag, flag, flag)}, true
		}
	}
	return steps.Problem{}, false
}

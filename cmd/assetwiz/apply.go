package main

import (
	"bufio"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/assetwiz/assetwiz/provision"
)

func (a *app) applyCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "apply",
		Short: "Carry the plan out: buckets, EFS, CDN rules, then the files",
		Long: `Carries the plan out: makes the buckets (versioned: they hold the only copy of the
uploads), the EFS file systems, the CDN rules, then writes the override exports and the
snippets. Shows the plan and asks for confirmation on a terminal; --yes skips the question.
Re-running it after success changes nothing.

In mode baseline or virgin, when the site's asset buckets already exist and hold objects, the
plan warns that a baseline build of the toolkit deletes them with every upload in them, and
apply refuses to run (exit 64) unless --i-understand-buckets-will-be-deleted is given as well;
--yes alone is not enough.`,
		Example: `  assetwiz apply -f assetwiz.yaml
  assetwiz apply --yes -f assetwiz.yaml   # in CI`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			yes, _ := cmd.Flags().GetBool("yes")
			if !yes && !a.env.IsTerminal() {
				return badInput("apply needs confirmation: run it on a terminal, or add --yes to apply without asking")
			}
			loaded, err := a.loadAnswers(cmd)
			if err != nil {
				return err
			}
			p, err := a.makePlan(cmd, &loaded.Answers, false)
			if err != nil {
				return err
			}
			if confirmed, _ := cmd.Flags().GetBool(dataLossFlag); len(p.DataLoss) > 0 && !confirmed {
				p.WriteText(a.stderr)
				return badInput("the plan warns of data loss (%s): read the warning above; to go ahead all the same, add --%s",
					strings.Join(p.DataLoss, ", "), dataLossFlag)
			}
			if !p.Changes() {
				p.WriteText(a.stderr)
				return nil
			}
			if !yes {
				p.WriteText(a.stderr)
				ok, err := a.confirm("Apply this plan?")
				if err != nil || !ok {
					a.note("nothing was changed")
					return silentExit(exitInterrupted)
				}
			}
			res := provision.Apply(a.ctx, p, provision.ApplyOptions{OnEvent: a.printEvent})
			return a.applyOutcome(res)
		},
	}
	addAnswerFlags(cmd)
	cmd.Flags().BoolP("yes", "y", false, "apply without asking for confirmation")
	cmd.Flags().Bool(dataLossFlag, false, "confirm the plan's data-loss warning: existing asset buckets holding uploads, which a baseline or virgin build of the toolkit deletes")
	return cmd
}

// dataLossFlag confirms a plan's DataLoss; --yes does not.
const dataLossFlag = "i-understand-buckets-will-be-deleted"

// printEvent logs apply progress on stderr, a line per finished action.
func (a *app) printEvent(e provision.Event) {
	switch e.Status {
	case provision.Done:
		fmt.Fprintf(a.stderr, "  ✓ %s %s\n", e.Action.Resource, e.Action.ID)
	case provision.Failed:
		fmt.Fprintf(a.stderr, "  ✗ %s %s: %v\n", e.Action.Resource, e.Action.ID, e.Err)
	}
}

// applyOutcome summarises apply and gives its exit code.
func (a *app) applyOutcome(res provision.Result) error {
	counts := map[provision.Status]int{}
	for i, s := range res.Status {
		if res.Actions[i].Op == provision.Noop && s == provision.Done {
			continue
		}
		counts[s]++
	}
	if a.ctx.Err() != nil {
		fmt.Fprintf(a.stderr, "Interrupted: %d done, %d not started. Run apply again to finish.\n", counts[provision.Done], counts[provision.Skipped])
		return silentExit(exitInterrupted)
	}
	if err := res.Err(); err != nil {
		fmt.Fprintf(a.stderr, "Apply failed: %d done, %d failed, %d not started. Fix the cause and run apply again: it carries on where this run stopped.\n",
			counts[provision.Done], counts[provision.Failed], counts[provision.Skipped])
		return failure(err)
	}
	fmt.Fprintf(a.stderr, "Apply complete: %d changes made.\n", counts[provision.Done])
	return nil
}

// confirm asks a yes/no question on the terminal.
func (a *app) confirm(question string) (bool, error) {
	fmt.Fprintf(a.stderr, "%s [y/N] ", question)
	line, err := bufio.NewReader(a.env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return false, errors.New("no answer")
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

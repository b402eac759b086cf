package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/assetwiz/assetwiz/provision/explain"
	"github.com/assetwiz/assetwiz/steps"
)

// Env is the outside world of one run, so tests can run commands in-process.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// IsTerminal reports whether stdin and stdout are a terminal; nil means they are not.
	IsTerminal func() bool
	// UIIsTerminal reports whether stdin and stderr, where the wizard draws, are a terminal;
	// nil: as IsTerminal.
	UIIsTerminal func() bool
	// Dir is the folder relative paths are read and written in (the answers file, the
	// override file, the snippets, --from); "" means the process's working directory.
	Dir string
}

// app is one run of assetwiz: its streams (secrets redacted) and the command tree.
type app struct {
	ctx    context.Context
	env    Env
	stdout *redactor // data
	stderr *redactor // messages and the UI
	// offlineFlag: the command running has --offline (plan), so a message may suggest it.
	offlineFlag bool
}

// withoutKeys is how a missing-keys message ends: plan offers --offline; the other commands
// have no such flag, so they do not suggest it.
func (a *app) withoutKeys(what string) string {
	if a.offlineFlag {
		return ", or plan without " + what + " using --offline"
	}
	return ""
}

// Main runs assetwiz with args and returns the exit code. A panic ends in exit 1 and one
// line saying it is a bug and where to report it, never in a stack trace and exit 2 (which
// plan --detailed-exitcode reserves for "changes").
func Main(ctx context.Context, args []string, env Env) (code int) {
	defer func() {
		if r := recover(); r != nil {
			if env.Stderr != nil {
				fmt.Fprintln(env.Stderr, bugMessage(r))
			}
			code = exitFailure
		}
	}()
	a := newApp(ctx, env)
	root := a.rootCommand()
	markUsageErrors(root)
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	code = exitCode(err)
	if ctx.Err() != nil && code != exitInterrupted {
		// Whatever failed after Ctrl-C failed because of it: say so, and exit as interrupted.
		fmt.Fprintln(a.stderr, "assetwiz: interrupted; run the command again to finish")
		return exitInterrupted
	}
	debug, _ := root.PersistentFlags().GetBool("debug")
	if msg := explain.Line(err, debug); msg != "" {
		fmt.Fprintln(a.stderr, "assetwiz: "+msg)
		if code == exitBadInput {
			fmt.Fprintln(a.stderr, "Nothing was changed. See 'assetwiz "+commandName(root, args)+"--help'.")
		}
	}
	return code
}

// commandName is "plan " for `assetwiz plan ...`, "" for the root, for the help hint: the
// command below the root that cobra runs for args, found in the tree as cobra finds it (an
// answer such as `--mode plan` names no command).
func commandName(root *cobra.Command, args []string) string {
	c, _, err := root.Find(args)
	if err != nil || c == nil {
		return ""
	}
	for c.HasParent() && c.Parent() != root {
		c = c.Parent()
	}
	if c == root {
		return ""
	}
	return c.Name() + " "
}

// newApp is one run of assetwiz in env, its defaults filled in.
func newApp(ctx context.Context, env Env) *app {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.IsTerminal == nil {
		env.IsTerminal = func() bool { return false }
	}
	if env.UIIsTerminal == nil {
		env.UIIsTerminal = env.IsTerminal
	}
	dir := ""
	if env.Dir != "" {
		dir = filepath.Clean(env.Dir) + string(filepath.Separator)
	}
	a := &app{ctx: ctx, env: env, stdout: &redactor{w: env.Stdout, dir: dir}, stderr: &redactor{w: env.Stderr, dir: dir}}
	// Secrets from the environment are redacted from the start, before any answer is read.
	envAnswers, _ := steps.FromEnv(env.Getenv)
	a.redact(envAnswers.Secrets)
	return a
}

// path is where a path the user gave is on disk: relative to the run's folder (Env.Dir).
// Messages keep the path as the user wrote it.
func (a *app) path(p string) string { return steps.InDir(a.env.Dir, p) }

func (a *app) redact(s steps.Secrets) {
	a.stdout.setSecrets(s.Values())
	a.stderr.setSecrets(s.Values())
}

func (a *app) rootCommand() *cobra.Command {
	wizard := &WizardOptions{app: a}
	var printVersion bool
	root := &cobra.Command{
		Use:   "assetwiz",
		Short: "Set up asset offloading and CDN caching for Agile Deployment Toolkit sites",
		Long: `assetwiz sets up shared, CDN-served storage for the uploads of a site built with the
Agile Deployment Toolkit (Joomla, WordPress, Drupal, Moodle on several web servers).

Run it on a terminal for the wizard. From scripts, write the answers to assetwiz.yaml
and use plan, apply, render and verify.`,
		Example: `  assetwiz                                  # the wizard
  assetwiz plan --offline -f assetwiz.yaml  # preview without touching anything
  assetwiz render --mode temporal --application wordpress \
      --website-url www.example.com --provider digitalocean --no-secrets`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          unknownCommand,
		// cobra's own default, which it sets only on the path it takes without Args.
		SuggestionsMinimumDistance: 2,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if printVersion {
				_, err := fmt.Fprintf(cmd.OutOrStdout(), "assetwiz %s\n", versionString())
				return err
			}
			parseWizardFlags(cmd, wizard)
			return wizardRun(wizard)
		},
	}
	root.PersistentFlags().Bool("debug", false, "show a provider error's whole chain as the SDK wrote it, not only its line")
	root.SetFlagErrorFunc(flagError)
	root.CompletionOptions.HiddenDefaultCmd = false
	addWizardFlags(root, wizard)
	// Our own --version, not cobra's Version field: cobra prints that one through text/template, and a
	// reachable template.Execute stops the linker from dropping unused methods — every operation of
	// the S3 and EFS clients stayed in the binary (+7 MB stripped;
	// TestReleaseBinaryLetsTheLinkerDropUnusedMethods).
	root.Flags().BoolVarP(&printVersion, "version", "v", false, "print the version, commit and build date")
	root.AddCommand(NewCmdInit(a, nil), NewCmdPlan(a, nil), NewCmdApply(a, nil), NewCmdRender(a, nil),
		NewCmdVerify(a, nil), NewCmdPresets(a, nil), a.versionCommand(), a.manCommand(), NewCmdSync(a, nil), NewCmdBackup(a, nil))
	a.addCompletionAndHelp(root)
	return root
}

// unknownCommand refuses an argument to the root, which takes none: it is a command
// misspelled, and cobra's suggestions (by edit distance and prefix) say which was meant.
func unknownCommand(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], c.CommandPath())
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return errors.New(msg)
}

package main

import (
	"context"
	"errors"
	"strings"

	"github.com/spf13/cobra"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/provision/cloudflare"
	"github.com/assetwiz/assetwiz/steps"
	"github.com/assetwiz/assetwiz/tui"
)

type wizardFlags struct {
	dryRun     bool
	accessible bool
}

func addWizardFlags(cmd *cobra.Command) {
	addAnswerFlags(cmd)
	cmd.Flags().Bool("dry-run", false, "end at the review: preview the plan and save the answers, change nothing else")
	cmd.Flags().Bool("accessible", false, "plain line prompts for screen readers (also ACCESSIBLE=1 or TERM=dumb)")
}

func wizardFlagsOf(cmd *cobra.Command) wizardFlags {
	var w wizardFlags
	w.dryRun, _ = cmd.Flags().GetBool("dry-run")
	w.accessible, _ = cmd.Flags().GetBool("accessible")
	return w
}

func (a *app) initCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init",
		Short: "The interactive wizard (the same as assetwiz with no command)",
		Long: `Walks you through the setup step by step, prefilled from --answers (or assetwiz.yaml)
and from an existing override file, and ends in a review of the plan. Needs a terminal.

The review's Apply is apply's own gate: it carries out only the live plan (when a provider
cannot be read it offers Retry, Edit the keys or Save instead), and a plan that would delete
uploads (DATA LOSS) only after you type the site's host.`,
		Example: "  assetwiz init\n  assetwiz init --dry-run\n  assetwiz init --accessible",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runWizard(cmd, wizardFlagsOf(cmd))
		},
	}
	addWizardFlags(cmd)
	return cmd
}

// accessibleWanted: --accessible, ACCESSIBLE set to a true value, or TERM=dumb.
func (a *app) accessibleWanted(w wizardFlags) bool {
	switch strings.ToLower(strings.TrimSpace(a.env.Getenv("ACCESSIBLE"))) {
	case "", "0", "false", "no", "off":
	default:
		return true
	}
	return w.accessible || a.env.Getenv("TERM") == "dumb"
}

func (a *app) runWizard(cmd *cobra.Command, w wizardFlags) error {
	// Line prompts asked for by name (--accessible, ACCESSIBLE=1) work from a pipe too, for
	// screen readers and scripted runs; TERM=dumb alone, as in CI, does not count.
	explicitlyAccessible := w.accessible || a.accessibleWanted(wizardFlags{}) && a.env.Getenv("ACCESSIBLE") != ""
	// The wizard draws on stderr and reads stdin (stdout may be redirected, as gum's habit).
	if !a.env.UIIsTerminal() && !explicitlyAccessible {
		return badInput("the wizard needs a terminal on stdin and stderr. Without one, write the answers to assetwiz.yaml and use\n" +
			"  assetwiz plan -f assetwiz.yaml        to preview,\n" +
			"  assetwiz apply --yes -f assetwiz.yaml to apply,\n" +
			"  assetwiz render -f assetwiz.yaml      to print the toolkit exports\n" +
			"or answer plain line prompts from a pipe or a screen reader with `assetwiz --accessible`.")
	}
	loaded, err := a.wizardAnswers(cmd)
	if err != nil {
		return err
	}
	path, _ := cmd.Flags().GetString("answers")
	if path == "" {
		path = steps.DefaultAnswersFile
	}
	opt := tui.Options{
		Loaded:      loaded,
		AnswersPath: path,
		Dir:         a.env.Dir,
		DryRun:      w.dryRun,
		Accessible:  a.accessibleWanted(w),
		Debug:       debugWanted(cmd),
		// The live plan of `assetwiz apply`, with its key checks and data-loss guard; the
		// wizard applies it through provision.ApplyGated, apply's gate.
		Plan: func(_ context.Context, ans *steps.Answers) (provision.Plan, error) {
			a.redact(ans.Secrets)
			return a.makePlan(cmd, ans, false)
		},
		// Shown as a preview when the live plan fails; never applied.
		OfflinePlan: func(_ context.Context, ans *steps.Answers) (provision.Plan, error) {
			return a.makePlan(cmd, ans, true)
		},
		// The S3 backend tests the keys; the Cloudflare backend checks the token and finds
		// the site's zone.
		CheckStorage: buckets.CheckAccess,
		CheckCDN: func(ctx context.Context, ans *steps.Answers) (string, error) {
			a.redact(ans.Secrets)
			return cloudflare.Check(ctx, ans, a.env.Getenv)
		},
		Getenv: a.env.Getenv,
		Input:  a.env.Stdin,
		// The UI goes to stderr (gum's habit), raw: the terminal itself, for its size.
		Output: a.env.Stderr,
	}
	err = tui.Run(a.ctx, opt)
	var applyErr tui.ApplyError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, tui.ErrInterrupted):
		return silentExit(exitInterrupted)
	case errors.As(err, &applyErr):
		return failure(applyErr.Err)
	default:
		return failure(err)
	}
}

func debugWanted(cmd *cobra.Command) bool {
	debug, _ := cmd.Flags().GetBool("debug")
	return debug
}

// wizardAnswers loads every source before the wizard. Answers that are missing or invalid
// are the wizard's to ask; a malformed answers file or flag is still bad input (exit 64).
func (a *app) wizardAnswers(cmd *cobra.Command) (steps.Loaded, error) {
	flags, flagProblems := flagAnswers(cmd.Flags())
	if len(flagProblems) > 0 {
		return steps.Loaded{}, badInput("%v", flagProblems)
	}
	path, _ := cmd.Flags().GetString("answers")
	file := path
	if file == "" {
		file = steps.DefaultAnswersFile
	}
	if _, err := steps.LoadFile(a.path(file)); err != nil {
		var ps steps.Problems
		if errors.As(err, &ps) || path != "" {
			return steps.Loaded{}, badInput("%v", err)
		}
	}
	loaded, _ := steps.Load(steps.Sources{AnswersFile: path, Getenv: a.env.Getenv, Flags: flags, Dir: a.env.Dir})
	a.redact(loaded.Answers.Secrets)
	return loaded, nil
}

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

// WizardOptions are the flags of the wizard (assetwiz, assetwiz init), parsed.
type WizardOptions struct {
	app        *app
	Answers    answerOptions
	DryRun     bool // --dry-run: end at the review
	Accessible bool // --accessible: plain line prompts
	Debug      bool // --debug
}

// addWizardFlags adds the wizard's flags to the root and to init.
func addWizardFlags(cmd *cobra.Command, opts *WizardOptions) {
	addAnswerFlags(cmd)
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "end at the review: preview the plan and save the answers, change nothing else")
	cmd.Flags().BoolVar(&opts.Accessible, "accessible", false, "plain line prompts for screen readers (also ACCESSIBLE=1 or TERM=dumb)")
}

// parseWizardFlags completes opts from the flags that are not bound to it.
func parseWizardFlags(cmd *cobra.Command, opts *WizardOptions) {
	opts.Answers = answerOptionsOf(cmd.Flags())
	opts.Debug, _ = cmd.Flags().GetBool("debug")
}

// NewCmdInit is the init command; runF, when given, runs instead of wizardRun (for tests).
func NewCmdInit(a *app, runF func(*WizardOptions) error) *cobra.Command {
	opts := &WizardOptions{app: a}
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
			parseWizardFlags(cmd, opts)
			if runF != nil {
				return runF(opts)
			}
			return wizardRun(opts)
		},
	}
	addWizardFlags(cmd, opts)
	return cmd
}

// accessibleWanted: --accessible, ACCESSIBLE set to a true value, or TERM=dumb.
func (a *app) accessibleWanted(flag bool) bool {
	switch strings.ToLower(strings.TrimSpace(a.env.Getenv("ACCESSIBLE"))) {
	case "", "0", "false", "no", "off":
	default:
		return true
	}
	return flag || a.env.Getenv("TERM") == "dumb"
}

func wizardRun(opts *WizardOptions) error {
	a := opts.app
	// Line prompts asked for by name (--accessible, ACCESSIBLE=1) work from a pipe too, for
	// screen readers and scripted runs; TERM=dumb alone, as in CI, does not count.
	explicitlyAccessible := opts.Accessible || a.accessibleWanted(false) && a.env.Getenv("ACCESSIBLE") != ""
	// The wizard draws on stderr and reads stdin (stdout may be redirected, as gum's habit).
	if !a.env.UIIsTerminal() && !explicitlyAccessible {
		return badInput("the wizard needs a terminal on stdin and stderr. Without one, write the answers to assetwiz.yaml and use\n" +
			"  assetwiz plan -f assetwiz.yaml        to preview,\n" +
			"  assetwiz apply --yes -f assetwiz.yaml to apply,\n" +
			"  assetwiz render -f assetwiz.yaml      to print the toolkit exports\n" +
			"or answer plain line prompts from a pipe or a screen reader with `assetwiz --accessible`.")
	}
	loaded, err := a.wizardAnswers(opts.Answers)
	if err != nil {
		return err
	}
	path := opts.Answers.File
	if path == "" {
		path = steps.DefaultAnswersFile
	}
	opt := tui.Options{
		Loaded:      loaded,
		AnswersPath: path,
		Dir:         a.env.Dir,
		DryRun:      opts.DryRun,
		Accessible:  a.accessibleWanted(opts.Accessible),
		Debug:       opts.Debug,
		// The live plan of `assetwiz apply`, with its key checks and data-loss guard; the
		// wizard applies it through provision.ApplyGated, apply's gate.
		Plan: func(_ context.Context, ans *steps.Answers) (provision.Plan, error) {
			a.redact(ans.Secrets)
			return a.makePlan(ans, false)
		},
		// Shown as a preview when the live plan fails; never applied.
		OfflinePlan: func(_ context.Context, ans *steps.Answers) (provision.Plan, error) {
			return a.makePlan(ans, true)
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

// wizardAnswers loads every source before the wizard. Answers that are missing or invalid
// are the wizard's to ask; a malformed answers file or flag is still bad input (exit 64).
func (a *app) wizardAnswers(in answerOptions) (steps.Loaded, error) {
	if len(in.FlagProblems) > 0 {
		return steps.Loaded{}, badInput("%w", in.FlagProblems)
	}
	path := in.File
	file := path
	if file == "" {
		file = steps.DefaultAnswersFile
	}
	if _, err := steps.LoadFile(a.path(file)); err != nil {
		var ps steps.Problems
		if errors.As(err, &ps) || path != "" {
			return steps.Loaded{}, badInput("%w", err)
		}
	}
	loaded, _ := steps.Load(steps.Sources{AnswersFile: path, Getenv: a.env.Getenv, Flags: in.Flags, Dir: a.env.Dir})
	a.redact(loaded.Answers.Secrets)
	return loaded, nil
}

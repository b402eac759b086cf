package main

import (
	"github.com/spf13/cobra"

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
and from an existing override file, and ends in a review of the plan. Needs a terminal.`,
		Example: "  assetwiz init\n  assetwiz init --dry-run\n  assetwiz init --accessible",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runWizard(cmd, wizardFlagsOf(cmd))
		},
	}
	addWizardFlags(cmd)
	return cmd
}

func (a *app) runWizard(cmd *cobra.Command, w wizardFlags) error {
	if !a.env.IsTerminal() {
		return badInput("the wizard needs a terminal. Without one, write the answers to assetwiz.yaml and use\n" +
			"  assetwiz plan -f assetwiz.yaml        to preview,\n" +
			"  assetwiz apply --yes -f assetwiz.yaml to apply,\n" +
			"  assetwiz render -f assetwiz.yaml      to print the toolkit exports")
	}
	return tui.Run(a.ctx, tui.Options{DryRun: w.dryRun, Accessible: w.accessible})
}

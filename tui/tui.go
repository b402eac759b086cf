// Package tui is the interactive wizard: one huh form per step, the review screen (the plan
// as `assetwiz plan` prints it) and the apply progress view.
package tui

import (
	"context"
	"errors"
)

// Options tune a wizard run.
type Options struct {
	DryRun     bool
	Accessible bool
}

// Run runs the wizard.
func Run(ctx context.Context, opt Options) error {
	return errors.New("the wizard is not built yet; use plan, apply and render")
}

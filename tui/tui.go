// Package tui draws the interactive wizard from the steps table: one question at a time under
// its step, the review (the plan as `assetwiz plan` prints it, and the exports) and the apply
// progress view, and the same questions as plain line prompts in accessible mode.
package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// ErrInterrupted is returned when the user quits the wizard (Ctrl-C, or the review's quit
// choice): nothing was changed. The command maps it to exit code 130.
var ErrInterrupted = errors.New("interrupted: nothing was changed")

// ApplyError is returned when apply ran and some action failed; the view has shown which.
type ApplyError struct{ Err error }

func (e ApplyError) Error() string { return e.Err.Error() }
func (e ApplyError) Unwrap() error { return e.Err }

// Options are what the wizard needs from the command: the answers loaded so far, where to
// save them, and the planning and applying of the provision package, as callbacks (the
// command knows the backends; the wizard does not).
type Options struct {
	// Loaded are the answers from every source before the wizard (defaults < override file
	// < answers file < environment < flags), completed; invalid or missing ones are asked.
	Loaded steps.Loaded
	// AnswersPath is where the answers are saved (assetwiz.yaml).
	AnswersPath string
	// Dir is the folder relative paths are read and written in (the answers file, the
	// override file); "" means Loaded.Answers.Dir, and that "" the process's working directory.
	Dir string
	// DryRun ends at the review: no apply choice, only the answers file is written.
	DryRun bool
	// Accessible asks plain line prompts instead of the full-screen forms.
	Accessible bool
	// Debug shows a provider error's whole chain, not only its line.
	Debug bool

	// Plan plans against the live state, exactly as `assetwiz apply` does: only its plan can
	// be applied, through provision.ApplyGated, the gate apply goes through. OfflinePlan
	// assumes nothing remote exists yet: it is shown as a preview when Plan fails, never
	// applied. Either may be nil (no Plan: nothing can be applied).
	Plan        func(ctx context.Context, a *steps.Answers) (provision.Plan, error)
	OfflinePlan func(ctx context.Context, a *steps.Answers) (provision.Plan, error)
	// ApplyOptions tune the apply (retries, parallelism); OnEvent is the wizard's own.
	ApplyOptions provision.ApplyOptions
	// CheckStorage tests the storage keys against the endpoint; nil: not available.
	CheckStorage func(ctx context.Context, a *steps.Answers) error
	// CheckCDN checks the Cloudflare token and finds the site's zone; nil: not available.
	CheckCDN func(ctx context.Context, a *steps.Answers) (zone string, err error)

	// Getenv reads the environment (to say where secrets came from; NO_COLOR).
	Getenv func(string) string
	// Input and Output are the terminal; default os.Stdin and os.Stderr.
	Input  io.Reader
	Output io.Writer
}

func (o *Options) defaults() {
	if o.Getenv == nil {
		o.Getenv = func(string) string { return "" }
	}
	if o.Input == nil {
		o.Input = os.Stdin
	}
	if o.Output == nil {
		o.Output = os.Stderr
	}
	if o.AnswersPath == "" {
		o.AnswersPath = steps.DefaultAnswersFile
	}
}

// Run runs the wizard until the answers are saved (and applied), or the user quits.
func Run(ctx context.Context, opt Options) error {
	opt.defaults()
	if opt.Getenv("NO_COLOR") != "" {
		lipgloss.SetColorProfile(termenv.Ascii)
	}
	if opt.Accessible {
		return runAccessible(ctx, opt)
	}
	m := newModel(ctx, opt)
	// The alternate screen keeps each step's frame whole whatever the terminal did before;
	// the last word (the apply summary, or what was saved) is printed after it, to stay.
	p := tea.NewProgram(m, tea.WithInput(opt.Input), tea.WithOutput(opt.Output), tea.WithContext(ctx), tea.WithAltScreen())
	final, err := p.Run()
	if err != nil {
		if errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, tea.ErrInterrupted) {
			fmt.Fprintln(opt.Output, "Quit: nothing was changed.")
			return ErrInterrupted
		}
		return err
	}
	fm := final.(*model)
	fmt.Fprint(opt.Output, fm.goodbye)
	return fm.err
}

package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"

	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/term"
	"github.com/muesli/termenv"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// lineReader hands out one byte per Read, so that each of huh's accessible prompts (which
// wraps the input in its own buffered scanner) reads its own line and no more.
type lineReader struct {
	r   io.Reader
	eof bool
	// def is the default of the prompt being asked: an empty line answers it, as if typed
	// (huh's accessible input would take the empty line itself, and refuse it).
	def     string
	first   bool   // the next byte starts the prompt's line
	pending []byte // the rest of a default being typed
}

// prompt readies the reader for the next prompt and its default ("" for none).
func (l *lineReader) prompt(def string) { l.def, l.first, l.pending = def, true, nil }

func (l *lineReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if len(l.pending) > 0 {
		p[0], l.pending = l.pending[0], l.pending[1:]
		return 1, nil
	}
	n, err := l.r.Read(p[:1])
	if errors.Is(err, io.EOF) {
		l.eof = true
	}
	if n == 1 && l.first {
		l.first = false
		if p[0] == '\n' && l.def != "" {
			p[0], l.pending = l.def[0], []byte(l.def[1:]+"\n")
		}
	}
	return n, err
}

var errInputEnded = errors.New("the input ended before the last question: nothing was changed")

// secretFields are the masked questions; without a terminal they are not asked.
var secretFields = map[string]string{
	"s3_access_key":        "S3_ACCESS_KEY",
	"s3_secret_key":        "S3_SECRET_KEY",
	"cloudflare_api_token": "CLOUDFLARE_API_TOKEN",
}

// runAccessible asks the same questions as plain line prompts, one at a time and only those
// that apply (huh's accessible mode would also ask hidden groups).
func runAccessible(ctx context.Context, opt Options) error {
	// Screen readers get plain text.
	lipgloss.SetColorProfile(termenv.Ascii)
	var applying atomic.Bool
	done := make(chan error, 1)
	go func() { done <- accessibleWizard(ctx, opt, &applying) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		if applying.Load() {
			return <-done // apply stops starting actions and reports what it did
		}
		fmt.Fprintln(opt.Output, "\nQuit: nothing was changed.")
		return ErrInterrupted
	}
}

func accessibleWizard(ctx context.Context, opt Options, applying *atomic.Bool) error {
	w := newWizard(opt)
	out := opt.Output
	in := &lineReader{r: opt.Input}
	f, isFile := opt.Input.(*os.File)
	tty := isFile && term.IsTerminal(f.Fd())

	ask := func(field huh.Field) error {
		var input io.Reader = in
		in.prompt("")
		if v, ok := field.GetValue().(string); ok && v != "" {
			if _, isInput := field.(*huh.Input); isInput {
				if _, secret := secretFields[field.GetKey()]; !secret {
					fmt.Fprintf(out, "(Press Enter for %s)\n", v)
					in.prompt(v)
				}
			}
		}
		if _, secret := secretFields[field.GetKey()]; secret {
			input = f // a masked prompt reads the terminal itself
		}
		form := huh.NewForm(huh.NewGroup(field)).WithAccessible(true).WithTheme(huh.ThemeBase()).
			WithInput(input).WithOutput(out)
		if err := form.RunWithContext(ctx); err != nil {
			return err
		}
		if in.eof {
			return errInputEnded
		}
		return nil
	}

	for i := 0; i < stepReview; {
		s := w.steps[i]
		if s.applies != nil && !s.applies(w) {
			i++
			continue
		}
		n, total := accessiblePosition(w, i)
		fmt.Fprintf(out, "\nStep %d of %d: %s\n%s\n\n", n, total, s.name, s.explain(w))
		for _, q := range s.questions(w) {
			if q.when != nil && !q.when() {
				continue
			}
			for _, field := range q.fields() {
				if env, secret := secretFields[field.GetKey()]; secret && !tty {
					fmt.Fprintf(out, "%s is not asked: there is no terminal for a masked prompt. %s\n",
						strings.ReplaceAll(field.GetKey(), "_", " "), secretSource(opt.Getenv, env))
					continue
				}
				if err := ask(field); err != nil {
					return err
				}
			}
		}
		s.commit(w)
		if i == stepStorage && opt.CheckStorage != nil {
			fmt.Fprintln(out, "Testing the keys …")
			if err := opt.CheckStorage(ctx, &w.ans); err != nil {
				fmt.Fprintln(out, "The keys do not work: "+err.Error()+". Apply will fail until they do.")
			} else {
				fmt.Fprintln(out, "The keys work.")
			}
		}
		if i == stepCDN && opt.CheckCDN != nil && w.ans.CDN.Provider == steps.CDNCloudflare {
			fmt.Fprintln(out, "Checking the Cloudflare token …")
			if zone, err := opt.CheckCDN(ctx, &w.ans); err != nil {
				fmt.Fprintln(out, "The token check failed: "+err.Error()+".")
			} else {
				fmt.Fprintln(out, "The token works; the site is in the zone "+zone+".")
			}
		}
		i++
	}

	n, total := accessiblePosition(w, stepReview)
	fmt.Fprintf(out, "\nStep %d of %d: Review\nPlanning …\n\n", n, total)
	msg := makePlan(ctx, opt, w.ans)
	fmt.Fprint(out, reviewText(w, msg))
	ok := msg.err == nil && len(msg.problems) == 0
	choice := "quit"
	var choices []huh.Option[string]
	if ok && !opt.DryRun {
		choices = append(choices, huh.NewOption("Apply this plan", "apply"))
	}
	if ok {
		choices = append(choices, huh.NewOption("Save the answers to "+opt.AnswersPath+" and quit", "save"))
	}
	choices = append(choices, huh.NewOption("Quit without saving", "quit"))
	if opt.DryRun {
		fmt.Fprintln(out, "\n--dry-run: nothing is applied; only the answers can be saved.")
	}
	fmt.Fprintln(out)
	if ok {
		choice = choices[0].Value
	}
	if err := ask(huh.NewSelect[string]().Key("review").Title("What now?").Options(choices...).Value(&choice)); err != nil {
		return err
	}
	switch choice {
	case "quit":
		fmt.Fprintln(out, "Quit: nothing was changed.")
		return ErrInterrupted
	case "save":
		if err := steps.Save(opt.AnswersPath, w.ans); err != nil {
			return err
		}
		fmt.Fprint(out, savedMessage(w))
		return nil
	}
	if err := steps.Save(opt.AnswersPath, w.ans); err != nil {
		return err
	}
	applying.Store(true)
	fmt.Fprintln(out, "Applying …")
	res := opt.Apply(ctx, msg.plan, func(e provision.Event) {
		switch e.Status {
		case provision.Done:
			fmt.Fprintf(out, "  done: %s %s\n", e.Action.Resource, e.Action.ID)
		case provision.Failed:
			fmt.Fprintf(out, "  failed: %s %s: %v\n", e.Action.Resource, e.Action.ID, e.Err)
		}
	})
	m := &model{w: w, rows: nil, interrupted: ctx.Err() != nil}
	for i, a := range res.Actions {
		if a.Op != provision.Noop {
			m.rows = append(m.rows, applyRow{action: a, status: res.Status[i], err: res.Errs[i]})
		}
	}
	fmt.Fprint(out, "\n"+m.summary())
	switch {
	case ctx.Err() != nil:
		return ErrInterrupted
	case res.Err() != nil:
		return ApplyError{res.Err()}
	}
	return nil
}

func accessiblePosition(w *wizard, i int) (n, total int) {
	for k, j := range w.applicable() {
		if j == i {
			n = k + 1
		}
		total = k + 1
	}
	return n, total
}

func secretSource(getenv func(string) string, env string) string {
	if getenv(env) != "" || (env == "S3_ACCESS_KEY" && getenv(steps.EnvS3AccessKeyFallback) != "") ||
		(env == "S3_SECRET_KEY" && getenv(steps.EnvS3SecretKeyFallback) != "") {
		return "Taken from the environment."
	}
	return "Set " + env + " in the environment before apply."
}

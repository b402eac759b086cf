package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/term"
	"github.com/muesli/termenv"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/explain"
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
		l.first = p[0] == '\n'
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
	if n == 1 && p[0] == '\n' {
		l.first = true // a prompt asked again after a refusal: an empty line takes the default again
	}
	return n, err
}

var errInputEnded = errors.New("the input ended before the last question: nothing was changed")

// readLine reads one line of the input itself (a secret from a pipe).
func (l *lineReader) readLine() (string, bool) {
	l.prompt("") // an empty line is an answer of its own here (keep the key), not a default typed
	var line []byte
	var b [1]byte
	for {
		n, err := l.Read(b[:])
		if n == 1 {
			if b[0] == '\n' {
				return strings.TrimRight(string(line), "\r"), true
			}
			line = append(line, b[0])
		}
		if err != nil {
			return string(line), len(line) > 0
		}
	}
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

// runForm runs one line prompt. huh's numbered list re-asks after a wrong number and, when
// the input then ends, indexes its options with -1: that is the input ending, not a bug to crash on.
func runForm(form *huh.Form, ctx context.Context, in *lineReader) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if !in.eof {
				panic(r)
			}
			err = errInputEnded
		}
	}()
	return form.RunWithContext(ctx)
}

func accessibleWizard(ctx context.Context, opt Options, applying *atomic.Bool) error {
	w := newWizard(opt)
	out := opt.Output
	in := &lineReader{r: opt.Input}
	f, isFile := opt.Input.(*os.File)
	tty := isFile && term.IsTerminal(f.Fd())

	// ask asks one field; an empty line takes def (an input's value, a list's number).
	// The question and its numbered choices are printed before anything is read: a screen
	// reader says them while the program waits. huh's line prompts take the end of the input
	// as an answer (or index a list with -1); in.eof, set by then, tells that apart.
	ask := func(field huh.Field, def, defLabel string) error {
		in.prompt(def)
		if def != "" {
			fmt.Fprintf(out, "(Press Enter for %s)\n", defLabel)
		}
		form := huh.NewForm(huh.NewGroup(field)).WithAccessible(true).WithTheme(huh.ThemeBase()).
			WithInput(in).WithOutput(out)
		if err := runForm(form, ctx, in); err != nil {
			return err
		}
		if in.eof {
			return errInputEnded
		}
		return nil
	}
	// askSecret asks a key: masked on a terminal, a plain line from a pipe; empty keeps it.
	askSecret := func(q steps.Question) error {
		note := w.describe(q)
		if !tty {
			fmt.Fprintf(out, "%s (read from the input, not shown; press Enter to keep it or leave it to %s)\n", q.Title, q.Env)
			line, ok := in.readLine()
			if !ok && in.eof {
				return errInputEnded
			}
			w.answer(q.Key, line)
			return nil
		}
		var v string
		fmt.Fprintln(out, note)
		field := huh.NewInput().Key(q.Key).Title(q.Title).EchoMode(huh.EchoModePassword).Validate(w.check(q)).Value(&v)
		form := huh.NewForm(huh.NewGroup(field)).WithAccessible(true).WithTheme(huh.ThemeBase()).WithInput(f).WithOutput(out)
		if err := form.RunWithContext(ctx); err != nil {
			return err
		}
		w.answer(q.Key, v)
		return nil
	}

	start := place{} // where the questions start: the first, or the step gone back to from the review
	if w.complete() {
		// Review now, as the full-screen wizard: a complete answers file needs no 20 Enters;
		// the review's "Go back to a step" lists every step.
		start = place{len(w.steps), 0}
		fmt.Fprintf(out, "The answers in %s are complete: the review comes first. Choose \"Go back to a step\" there to change any of them.\n", opt.Loaded.AnswersFile)
	}
questions:
	for p, ok := w.nextQuestion(start); ok; {
		st, stepAt := w.steps[p.s], p.s
		n, total := w.stepNumber(p.s) // as the full-screen wizard numbers it
		fmt.Fprintf(out, "\nStep %d of %d: %s\n%s\n\n", n, total, st.Title, w.explain(st))
		for ok && p.s == stepAt {
			q := st.Questions[p.q]
			if q.Kind == steps.KindSecret {
				if err := askSecret(q); err != nil {
					return err
				}
			} else {
				if q.Describe != nil {
					fmt.Fprintln(out, w.describe(q)) // huh's line prompts show no description
				}
				a := w.field(q)
				def, label := a.value(), a.value()
				if _, isSelect := a.fields[0].(*huh.Select[string]); isSelect {
					values := q.ChoiceValues(&w.ans)
					labels := values
					if q.Kind == steps.KindBool { // "Yes (recommended)", not "true"
						values, labels = nil, nil
						for _, o := range yesNo {
							values, labels = append(values, o.Value), append(labels, o.Key)
						}
					}
					if i := slices.Index(values, def); i >= 0 {
						def, label = strconv.Itoa(i+1), fmt.Sprintf("%d: %s", i+1, labels[i])
					} else {
						def, label = "", ""
					}
				}
				if err := ask(a.fields[0], def, label); err != nil {
					return err
				}
				w.answer(q.Key, a.value())
			}
			p, ok = w.nextQuestion(place{p.s, p.q + 1})
		}
		switch {
		case st.ID == steps.StepStorage && opt.CheckStorage != nil:
			fmt.Fprintln(out, "Testing the keys …")
			if err := opt.CheckStorage(ctx, &w.ans); err != nil {
				fmt.Fprintln(out, "The keys do not work: "+explain.Line(err, opt.Debug)+". The review will say so: nothing is applied until they work.")
			} else {
				fmt.Fprintln(out, "The keys work.")
			}
		case st.ID == steps.StepCDN && opt.CheckCDN != nil && w.ans.CDN.Provider == steps.CDNCloudflare:
			fmt.Fprintln(out, "Checking the Cloudflare token …")
			if zone, err := opt.CheckCDN(ctx, &w.ans); err != nil {
				fmt.Fprintln(out, "The token check failed: "+explain.Line(err, opt.Debug)+".")
			} else {
				fmt.Fprintln(out, "The token works; the site is in the zone "+zone+".")
			}
		}
	}

	review := w.stepIndex(steps.StepReview)
	for {
		n, total := w.stepNumber(review)
		fmt.Fprintf(out, "\nStep %d of %d: Review\nPlanning …\n\n", n, total)
		msg := makePlan(ctx, opt, w.ans)
		rev := w.review(msg)
		if rev.banner != "" {
			fmt.Fprint(out, rev.banner+"\n\n") // first: a plan that could not read, DATA LOSS
		}
		if rev.title != "" {
			fmt.Fprintln(out, rev.title)
		}
		fmt.Fprint(out, rev.body)
		if opt.DryRun {
			fmt.Fprintln(out, "\n--dry-run: nothing is applied; only the answers can be saved.")
		}
	choose:
		fmt.Fprintln(out)
		var choices []huh.Option[string]
		for _, it := range rev.items {
			choices = append(choices, huh.NewOption(it.label, it.id))
		}
		choice := rev.items[rev.def].id
		if err := ask(huh.NewSelect[string]().Key("review").Title("What now?").Options(choices...).Value(&choice),
			strconv.Itoa(rev.def+1), fmt.Sprintf("%d: %s", rev.def+1, rev.items[rev.def].label)); err != nil {
			return err
		}
		consent := provision.Consent{}
		switch choice {
		case choiceRetry:
			continue
		case choiceExports:
			fmt.Fprintln(out, "\n"+exportsText(w.ans))
			if note := exportsNote(w.ans); note != "" {
				fmt.Fprintln(out, "\n"+note)
			}
			goto choose
		case choiceKeys:
			start, _ = w.keysQuestion(msg)
			goto questions
		case choiceBack:
			var opts []huh.Option[string]
			for _, i := range w.applicable() {
				if w.steps[i].ID != steps.StepReview {
					// The step's own "Step n" beside it: the list numbers its entries 1–10,
					// the steps go to 8 (Storage and the others of Technique share its 5).
					n, _ := w.stepNumber(i)
					opts = append(opts, huh.NewOption(fmt.Sprintf("Step %d: %s", n, w.steps[i].Title), strconv.Itoa(i)))
				}
			}
			to := opts[0].Value
			fmt.Fprintln(out, "\nGo back to which step? The answers given so far are kept.")
			if err := ask(huh.NewSelect[string]().Key("step").Title("Step").Options(opts...).Value(&to), "1", "1: "+opts[0].Key); err != nil {
				return err
			}
			i, _ := strconv.Atoi(to)
			start = place{i, 0}
			goto questions
		case choiceQuit:
			fmt.Fprintln(out, "Quit: nothing was changed.")
			return ErrInterrupted
		case choiceSave:
			if err := steps.Save(opt.AnswersPath, w.ans); err != nil {
				return err
			}
			fmt.Fprint(out, savedMessage(w))
			return nil
		case choiceApply:
			if msg.plan.NeedsConsent() {
				// Enter alone never applies a data-loss plan: the site's host is typed.
				fmt.Fprintf(out, "To apply this plan, type the site's host, %s (anything else goes back to the choices):\n", w.ans.WebsiteURL)
				typed, ok := in.readLine()
				if !ok && in.eof {
					return errInputEnded
				}
				if !hostConfirms(typed, w.ans.WebsiteURL) {
					fmt.Fprintln(out, "Not confirmed: nothing was applied.")
					goto choose
				}
				consent = consentFor(typed, w.ans)
			}
		}
		if err := steps.Save(opt.AnswersPath, w.ans); err != nil {
			return err
		}
		applying.Store(true)
		fmt.Fprintln(out, "Applying …")
		opts := opt.ApplyOptions
		opts.OnEvent = func(e provision.Event) {
			switch e.Status {
			case provision.Done:
				fmt.Fprintf(out, "  done: %s %s\n", e.Action.Resource, e.Action.ID)
			case provision.Skipped:
				// The full-screen wizard's ⚠ line: which action the provider does not offer.
				fmt.Fprintf(out, "  skipped: %s %s: %v\n", e.Action.Resource, e.Action.ID, e.Err)
			case provision.Failed:
				fmt.Fprintf(out, "  failed: %s %s: %s\n", e.Action.Resource, e.Action.ID, explain.Line(e.Err, opt.Debug))
			}
		}
		// The gate `assetwiz apply` goes through.
		res, refused := provision.ApplyGated(ctx, msg.plan, consent, opts)
		if refused != nil {
			applying.Store(false)
			fmt.Fprintln(out, "Not applied: "+refused.Error())
			goto choose
		}
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
}

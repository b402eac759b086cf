package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/transfer"
	"github.com/assetwiz/assetwiz/steps"
)

type planMsg struct {
	plan     provision.Plan
	note     string
	err      error
	problems steps.Problems
}

// makePlan plans the answers: live, or offline with a note when the live plan fails.
func makePlan(ctx context.Context, opt Options, a steps.Answers) planMsg {
	a.Complete()
	if ps := a.Validate(); len(ps) > 0 {
		return planMsg{problems: ps}
	}
	if opt.Plan != nil {
		p, err := opt.Plan(ctx, &a)
		if err == nil {
			return planMsg{plan: p}
		}
		if opt.OfflinePlan == nil {
			return planMsg{err: err}
		}
		p, oerr := opt.OfflinePlan(ctx, &a)
		if oerr != nil {
			return planMsg{err: errors.Join(err, oerr)}
		}
		return planMsg{plan: p, note: "The live state could not be read (" + err.Error() + "); this is the offline plan, which assumes no remote resource exists yet."}
	}
	if opt.OfflinePlan != nil {
		p, err := opt.OfflinePlan(ctx, &a)
		return planMsg{plan: p, err: err, note: "This is the offline plan: it assumes no remote resource exists yet."}
	}
	return planMsg{err: errors.New("planning is not available")}
}

func (m *model) startPlanning() tea.Cmd {
	m.phase, m.status = phasePlanning, ""
	m.w.ans.Complete()
	a := m.w.ans
	opt := m.w.opt
	return tea.Batch(m.spinner.Tick, func() tea.Msg { return makePlan(m.ctx, opt, a) })
}

// reviewText is the review's scrolling part: the plan exactly as `assetwiz plan` prints it,
// then the override file's diff.
func reviewText(w *wizard, msg planMsg) string {
	var b strings.Builder
	switch {
	case len(msg.problems) > 0:
		b.WriteString(failStyle.Render("These answers cannot be planned yet; go back and fix them:") + "\n")
		for _, p := range msg.problems {
			b.WriteString("  " + p.String() + "\n")
		}
		return b.String()
	case msg.err != nil:
		b.WriteString(failStyle.Render("Planning failed: "+msg.err.Error()) + "\n")
		return b.String()
	}
	msg.plan.WriteText(&b)
	if msg.note != "" {
		b.WriteString("\n" + warnStyle.Render(wrap("Note: "+msg.note, 78)) + "\n")
	}
	if note := w.overrideNote(w.ans.Output.OverrideFile, 0); strings.HasPrefix(note, "It exists: ") {
		b.WriteString("\n" + sectionStyle.Render(w.ans.Output.OverrideFile+" (will be merged):") + "\n")
		_, diff, _ := strings.Cut(note, "\n")
		b.WriteString(diff + "\n")
	}
	return b.String()
}

func (m *model) showReview(msg planMsg) {
	m.phase = phaseReview
	m.plan, m.planErr, m.planNote, m.problems = msg.plan, msg.err, msg.note, msg.problems
	m.syncOffer = transfer.SyncOffer(&m.w.ans)
	m.reviewContent = strings.TrimRight(reviewText(m.w, msg), "\n")
	if m.syncOffer != "" && msg.err == nil && len(msg.problems) == 0 {
		m.reviewContent += "\n\n" + wrap("Uploads found: "+m.syncOffer, 78)
	}
	m.review.GotoTop()
	var items []item
	ok := msg.err == nil && len(msg.problems) == 0
	if ok && !m.w.opt.DryRun {
		items = append(items, item{"apply", "Apply this plan"})
	}
	if ok {
		items = append(items, item{"save", "Save the answers to " + m.w.opt.AnswersPath + " and quit"})
	}
	items = append(items, item{"back", "Go back and change an answer"}, item{"quit", "Quit without saving"})
	m.menu = newMenu(items...)
	m.layoutReview()
}

// layoutReview sizes the plan's viewport to what the header and the menu leave.
func (m *model) layoutReview() {
	m.review.Width = m.width
	// Long plan lines wrap rather than lose their end; the words are the plan's own.
	m.review.SetContent(hangingWrap(m.reviewContent, max(m.width-1, 20), "      "))
	fixed := 2 /* header */ + 1 /* title line */ + 1 + len(m.menu.items) + 1 /* help */ + 2
	if m.status != "" {
		fixed++
	}
	if m.w.opt.DryRun {
		fixed++
	}
	m.review.Height = max(min(m.height-fixed, lineCount(m.review.View())+50), 3)
	if lines := m.review.TotalLineCount(); lines > 0 && lines < m.review.Height {
		m.review.Height = lines
	}
}

func lineCount(s string) int { return strings.Count(s, "\n") + 1 }

func (m *model) updateReview(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch k.String() {
		case "pgup", "pgdown", "ctrl+u", "ctrl+d", "home", "end":
			var cmd tea.Cmd
			m.review, cmd = m.review.Update(msg)
			return cmd
		case "esc":
			return m.back()
		}
	}
	choice, ok := m.menu.update(msg)
	if !ok {
		return nil
	}
	switch choice {
	case "apply":
		if err := steps.Save(m.w.opt.AnswersPath, m.w.ans); err != nil {
			m.status = failStyle.Render("✗ " + err.Error())
			m.layoutReview()
			return nil
		}
		return m.startApply()
	case "save":
		if err := steps.Save(m.w.opt.AnswersPath, m.w.ans); err != nil {
			m.status = failStyle.Render("✗ " + err.Error())
			m.layoutReview()
			return nil
		}
		m.quitting = true
		m.goodbye = savedMessage(m.w)
		return tea.Quit
	case "back":
		return m.back()
	default:
		m.err = ErrInterrupted
		m.quitting = true
		m.goodbye = "Quit: nothing was changed.\n"
		return tea.Quit
	}
}

func savedMessage(w *wizard) string {
	path := w.opt.AnswersPath
	flag := ""
	if path != steps.DefaultAnswersFile {
		flag = " -f " + path
	}
	return fmt.Sprintf("Saved the answers to %s (no secrets). Repeat this setup with:\n"+
		"  assetwiz plan%s    to preview\n  assetwiz apply%s   to apply\n", path, flag, flag)
}

func (m *model) reviewView() string {
	var b strings.Builder
	b.WriteString(m.header())
	title := "The plan (as `assetwiz plan` prints it):"
	if m.review.TotalLineCount() > m.review.Height {
		title += helpStyle.Render(fmt.Sprintf("  %d%% · pgup/pgdn scroll", int(m.review.ScrollPercent()*100)))
	}
	b.WriteString(sectionStyle.Render(title) + "\n")
	b.WriteString(m.review.View() + "\n")
	if m.w.opt.DryRun {
		b.WriteString("\n" + warnStyle.Render("--dry-run: nothing is applied; only the answers can be saved.") + "\n")
	}
	if m.status != "" {
		b.WriteString(m.status + "\n")
	}
	b.WriteString("\n" + m.menu.view() + "\n")
	b.WriteString(helpStyle.Render("↑/↓ choose • enter confirm • esc previous step • ctrl+c quit"))
	return b.String()
}

// hangingWrap wraps each line at width, indenting the continuation lines so a plan line's
// detail stays visibly part of its action.
func hangingWrap(text string, width int, indent string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		parts := strings.SplitN(ansi.Wrap(line, width, ""), "\n", 2)
		out = append(out, parts[0])
		if len(parts) == 2 {
			rest := ansi.Wrap(strings.ReplaceAll(parts[1], "\n", " "), width-len(indent), "")
			for _, r := range strings.Split(rest, "\n") {
				out = append(out, indent+r)
			}
		}
	}
	return strings.Join(out, "\n")
}

package tui

import (
	"context"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/explain"
	"github.com/assetwiz/assetwiz/provision/override"
	"github.com/assetwiz/assetwiz/steps"
)

type applyRow struct {
	action provision.Action
	status provision.Status
	err    error
}

type eventMsg provision.Event
type applyDoneMsg struct {
	result provision.Result
	// refused: the gate did not let the plan through; nothing was started.
	refused error
}

// startApply carries the live plan out through the gate `assetwiz apply` goes through.
func (m *model) startApply(consent provision.Consent) tea.Cmd {
	m.phase = phaseApplying
	m.rows = nil
	for _, a := range m.plan.Actions {
		if a.Op != provision.Noop {
			m.rows = append(m.rows, applyRow{action: a, status: provision.Pending})
		}
	}
	ctx, cancel := context.WithCancel(m.ctx)
	m.applyCancel = cancel
	events := make(chan tea.Msg, 16)
	plan, opts := m.plan, m.w.opt.ApplyOptions
	opts.OnEvent = func(e provision.Event) { events <- eventMsg(e) }
	go func() {
		res, refused := provision.ApplyGated(ctx, plan, consent, opts)
		events <- applyDoneMsg{res, refused}
		close(events)
	}()
	m.events = events
	return tea.Batch(m.spinner.Tick, m.waitEvent())
}

func (m *model) waitEvent() tea.Cmd {
	ch := m.events
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return msg
	}
}

func (m *model) updateApply(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case eventMsg:
		for i := range m.rows {
			if m.rows[i].action.Key() == msg.Action.Key() {
				m.rows[i].status, m.rows[i].err = msg.Status, msg.Err
			}
		}
		return m.waitEvent()
	case applyDoneMsg:
		if msg.refused != nil {
			// Nothing was started: back to the review, saying why.
			m.phase = phaseReview
			m.status = failStyle.Render("✗ Not applied: " + msg.refused.Error())
			m.layoutReview()
			return nil
		}
		m.phase, m.result = phaseApplied, msg.result
		for i := range m.rows {
			for j, a := range msg.result.Actions {
				if a.Key() == m.rows[i].action.Key() {
					m.rows[i].status, m.rows[i].err = msg.result.Status[j], msg.result.Errs[j]
				}
			}
		}
		switch {
		case m.interrupted:
			m.err = ErrInterrupted
		case msg.result.Err() != nil:
			m.err = ApplyError{msg.result.Err()}
		}
		m.menu = newMenu(item{"exit", "Exit"})
		m.layoutApply()
		return nil
	case tea.KeyMsg:
		if m.phase != phaseApplied {
			return nil
		}
		switch msg.String() {
		case "enter", "q", "esc":
			m.quitting = true
			m.goodbye = m.applyView() + "\n"
			return tea.Quit
		case "home":
			m.applied.GotoTop()
		case "end":
			m.applied.GotoBottom()
		case "pgup", "pgdown", "up", "down", "k", "j", "ctrl+u", "ctrl+d", " ":
			var cmd tea.Cmd
			m.applied, cmd = m.applied.Update(msg)
			return cmd
		}
	}
	return nil
}

// layoutApply fills the Applied screen's scrolling part for this window: the title and the
// key help stay in sight whatever the length of the summary and the next steps.
func (m *model) layoutApply() {
	if m.phase != phaseApplied {
		return
	}
	m.applied.Width = m.width
	m.applied.SetContent(m.appliedContent())
	m.applied.Height = max(m.height-1-2-lineCount(m.applyHelp()), 3)
	if lines := m.applied.TotalLineCount(); lines < m.applied.Height {
		m.applied.Height = lines
	}
}

// appliedContent is what the apply did and what to do next, wrapped to the window.
func (m *model) appliedContent() string {
	width := max(m.width, 40)
	rows := hangingWrap(strings.Join(m.rowLines(max(m.height-6, 4)), "\n"), width, "    ")
	return rows + "\n\n" + strings.TrimRight(hangingWrap(m.summary(), width, "   "), "\n")
}

// applyHelp is the Applied screen's key help, with the scroll keys when it scrolls.
func (m *model) applyHelp() string {
	help := "enter exit"
	if m.applied.TotalLineCount() > m.applied.Height {
		help = fmt.Sprintf("%d%% · ↑/↓ pgup/pgdn scroll • ", int(m.applied.ScrollPercent()*100)) + help
	}
	return wrapAt(help, " • ", m.width)
}

func (m *model) applyView() string {
	var b strings.Builder
	title := "Applying"
	switch {
	case m.phase == phaseApplied && m.interrupted:
		title = "Stopped"
	case m.phase == phaseApplied && m.result.Err() != nil:
		title = "Apply failed"
	case m.phase == phaseApplied:
		title = "Applied"
	}
	b.WriteString(titleStyle.Render("assetwiz · "+title) + "\n\n")
	switch {
	case m.phase == phaseApplied && m.quitting:
		// The last frame, printed on the terminal after the wizard: all of it, no keys.
		b.WriteString(m.appliedContent())
	case m.phase == phaseApplied:
		b.WriteString(m.applied.View() + "\n" + helpStyle.Render(m.applyHelp()))
	default:
		b.WriteString(strings.Join(m.rowLines(m.height-6), "\n") + "\n")
		b.WriteString("\n" + helpStyle.Render(wrapAt("ctrl+c stop • running actions finish, no new one starts", " • ", m.width)))
	}
	return b.String()
}

// rowLines is a line per action, folding finished and waiting ones when they do not fit.
func (m *model) rowLines(room int) []string {
	room = max(room, 4)
	line := func(r applyRow) string {
		label := fmt.Sprintf("%s %s", r.action.Resource, r.action.ID)
		switch r.status {
		case provision.Running:
			return m.spinner.View() + " " + label + helpStyle.Render("  "+string(r.action.Op))
		case provision.Done:
			return okStyle.Render("✓") + " " + label
		case provision.Skipped:
			return helpStyle.Render("⚠ " + label + "  (not offered by the provider; skipped)")
		case provision.Failed:
			return failStyle.Render("✗ "+label) + "\n    " + failStyle.Render(errText(r))
		case provision.NotStarted:
			return helpStyle.Render("- " + label + "  (not started)")
		}
		return helpStyle.Render("· " + label)
	}
	var out []string
	for _, r := range m.rows {
		out = append(out, line(r))
	}
	if len(out) <= room {
		return out
	}
	done, waiting := 0, 0
	out = out[:0]
	for _, r := range m.rows {
		switch r.status {
		case provision.Done:
			done++
		case provision.Pending:
			waiting++
		default:
			out = append(out, line(r))
		}
	}
	if done > 0 {
		out = append([]string{okStyle.Render(fmt.Sprintf("✓ %d done", done))}, out...)
	}
	if waiting > 0 {
		out = append(out, helpStyle.Render(fmt.Sprintf("· %d waiting", waiting)))
	}
	return out
}

func errText(r applyRow) string {
	if r.err == nil {
		return ""
	}
	// The error names its resource already; keep only what went wrong.
	prefix := fmt.Sprintf("%s %s: ", r.action.Resource, r.action.ID)
	return strings.TrimPrefix(explain.Line(r.err, false), prefix)
}

// summary says what was made, which files were written, and what to do next.
func (m *model) summary() string {
	counts := map[provision.Status]int{}
	var files []string
	for _, r := range m.rows {
		counts[r.status]++
		if r.action.Resource == provision.File && r.status == provision.Done {
			files = append(files, r.action.ID)
		}
	}
	var b strings.Builder
	switch {
	case m.interrupted:
		fmt.Fprintf(&b, "Stopped: %d done, %d not started. Run `assetwiz apply` to finish.\n", counts[provision.Done], counts[provision.NotStarted]+counts[provision.Pending])
	case counts[provision.Failed] > 0:
		fmt.Fprintf(&b, "%s %d done, %d failed, %d not started. Fix the cause and run `assetwiz apply`: it carries on where this stopped.\n",
			failStyle.Render("Apply failed:"), counts[provision.Done], counts[provision.Failed], counts[provision.NotStarted])
	default:
		skipped := ""
		if n := counts[provision.Skipped]; n > 0 {
			skipped = fmt.Sprintf(", %d skipped (not offered by the provider)", n)
		}
		fmt.Fprintf(&b, "%s %s made%s. Answers saved to %s.\n", okStyle.Render("Done:"), plural(counts[provision.Done], "change"), skipped, m.w.opt.AnswersPath)
	}
	if len(files) > 3 { // a long list would push the next steps off the screen
		files = append(files[:2:2], fmt.Sprintf("and %d more", len(files)-2))
	}
	if len(files) > 0 {
		b.WriteString("Files written: " + strings.Join(files, ", ") + "\n")
	}
	if counts[provision.Failed] == 0 && !m.interrupted {
		b.WriteString("\n" + sectionStyle.Render("Next steps") + "\n")
		next := nextSteps(&m.w.ans)
		if m.syncOffer != "" {
			next = append(next[:1:1], append([]string{m.syncOffer}, next[1:]...)...)
		}
		for i, s := range next {
			fmt.Fprintf(&b, "%d. %s\n", i+1, s)
		}
	}
	return b.String()
}

// nextSteps are what the user does after apply (what `assetwiz apply` prints), with the
// exports' warnings repeated where the user acts on the file, and page rules named as such.
func nextSteps(a *steps.Answers) []string {
	var out []string
	for i, s := range override.NextSteps(a) {
		out = append(out, s)
		if i == 0 {
			for _, warning := range overrideWarnings(a) {
				out = append(out, "Mind: "+warning+".")
			}
		}
	}
	if a.CDN.Method == steps.MethodPageRules {
		for i := range out {
			out[i] = strings.ReplaceAll(out[i], "the cache rules apply", "the page rules apply")
		}
	}
	return out
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// overrideWarnings are the override exports' warnings (a DATASTORE_CHOICE left out), to
// repeat where the user acts on the file.
func overrideWarnings(a *steps.Answers) []string {
	_, warnings := override.Exports(a, false)
	return warnings
}

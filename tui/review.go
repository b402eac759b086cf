package tui

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/transfer"
	"github.com/assetwiz/assetwiz/steps"
)

func (m *model) startPlanning() tea.Cmd {
	m.phase, m.status = phasePlanning, ""
	m.w.ans.Complete()
	a := m.w.ans
	opt := m.w.opt
	return tea.Batch(m.spinner.Tick, func() tea.Msg { return makePlan(m.ctx, opt, a) })
}

// planContent is the review's scrolling part: the plan exactly as `assetwiz plan` prints it
// (or the offline preview, or the problems), and the uploads found in the webroot.
func (m *model) planContent() string {
	content := strings.TrimRight(m.rev.body, "\n")
	if m.syncOffer != "" && m.planned.err == nil && len(m.planned.problems) == 0 {
		content += "\n\n" + wrap("Uploads found: "+m.syncOffer, 78)
	}
	return content
}

func (m *model) showReview(msg planMsg) {
	m.phase = phaseReview
	m.planned, m.plan = msg, msg.plan
	m.rev = m.w.review(msg)
	m.reviewTab = "plan"
	m.syncOffer = transfer.SyncOffer(&m.w.ans)
	m.reviewContent = m.planContent()
	m.review.GotoTop()
	m.menu = newMenu(m.rev.items...)
	m.menu.cursor = m.rev.def
	m.layoutReview()
}

// toggleExports switches the review between the plan and the exports.
func (m *model) toggleExports() {
	for i, it := range m.menu.items {
		if it.id != "exports" {
			continue
		}
		if m.reviewTab == "plan" {
			m.reviewTab = "exports"
			m.reviewContent = exportsText(m.w.ans)
			m.menu.items[i].label = "Show the plan"
		} else {
			m.reviewTab = "plan"
			m.reviewContent = m.planContent()
			m.menu.items[i].label = "Show the exports for " + m.w.ans.Output.OverrideFile
		}
	}
	m.review.GotoTop()
	m.layoutReview()
}

// showSteps offers every step that applies, to go back to.
func (m *model) showSteps() {
	m.phase = phaseJump
	var items []item
	for _, i := range m.w.applicable() {
		if s := m.w.steps[i]; s.ID != steps.StepReview {
			items = append(items, item{string(s.ID), fmt.Sprintf("%d. %s", i+1, s.Title)})
		}
	}
	items = append(items, item{"review", "Back to the review"})
	m.menu = newMenu(items...)
	m.menu.cursor = len(items) - 1
}

// layoutReview sizes the plan's viewport to what the header and the menu leave.
func (m *model) layoutReview() {
	m.review.Width = m.width
	// Long plan lines wrap rather than lose their end; the words are the plan's own.
	m.review.SetContent(hangingWrap(m.reviewContent, max(m.width-1, 20), "      "))
	// The viewport gets what the header, the menu and the help leave, as they wrap at this
	// width: the last choice and the key help always show.
	top, bottom := m.reviewChrome()
	fixed := lineCount(m.fitWidth(top)) + lineCount(m.fitWidth(bottom)) + 1
	m.review.Height = max(m.height-fixed, 3)
	if lines := m.review.TotalLineCount(); lines > 0 && lines < m.review.Height {
		m.review.Height = lines
	}
}

// fitWidth wraps text to the window's width, as fit does.
func (m *model) fitWidth(s string) string {
	if m.width > 0 {
		return hangingWrap(strings.TrimRight(s, "\n"), m.width, "  ")
	}
	return strings.TrimRight(s, "\n")
}

// reviewChrome is what the review shows above and below the plan.
func (m *model) reviewChrome() (top, bottom string) {
	title := m.rev.title
	if m.reviewTab == "exports" {
		title = "The exports (secrets masked):"
	}
	top = m.header()
	if m.rev.banner != "" {
		// First, where it cannot scroll out of sight: a plan that could not read, DATA LOSS.
		top += m.rev.banner + "\n\n"
	}
	top += sectionStyle.Render(title)
	var b strings.Builder
	if m.w.opt.DryRun {
		b.WriteString("\n" + warnStyle.Render("--dry-run: nothing is applied; only the answers can be saved.") + "\n")
	}
	if m.status != "" {
		b.WriteString(m.status + "\n")
	}
	b.WriteString("\n" + m.menu.view() + "\n")
	help := "↑/↓ choose • enter confirm • esc back • ctrl+c quit"
	if m.review.TotalLineCount() > m.review.Height {
		help = fmt.Sprintf("%d%% · pgup/pgdn scroll • ", int(m.review.ScrollPercent()*100)) + help
	}
	b.WriteString(helpStyle.Render(help))
	return top, b.String()
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
			if m.reviewNow {
				m.showSteps() // opened on the review: every step is one choice away
				return nil
			}
			return m.back()
		}
	}
	choice, ok := m.menu.update(msg)
	if !ok {
		return nil
	}
	switch choice {
	case choiceApply:
		if m.plan.NeedsConsent() {
			return m.askConsent()
		}
		return m.saveAndApply(provision.Consent{})
	case choiceRetry:
		return m.startPlanning()
	case choiceKeys:
		if p, ok := m.w.keysQuestion(m.planned); ok {
			return m.enterQuestion(p)
		}
		return nil
	case "save":
		if err := steps.Save(m.w.opt.AnswersPath, m.w.ans); err != nil {
			m.status = failStyle.Render("✗ " + err.Error())
			m.layoutReview()
			return nil
		}
		m.quitting = true
		m.goodbye = savedMessage(m.w)
		return tea.Quit
	case "exports":
		m.toggleExports()
		return nil
	case "back":
		m.showSteps()
		return nil
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
	top, bottom := m.reviewChrome()
	return m.fitWidth(top) + "\n" + m.review.View() + "\n" + m.fitWidth(bottom)
}

// hangingWrap wraps each line at width, indenting the continuation lines so a plan line's
// detail stays visibly part of its action.
func hangingWrap(text string, width int, indent string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		parts := strings.SplitN(wordWrap(line, width), "\n", 2)
		out = append(out, parts[0])
		if len(parts) == 2 {
			rest := wordWrap(strings.ReplaceAll(parts[1], "\n", " "), width-len(indent))
			for _, r := range strings.Split(rest, "\n") {
				out = append(out, indent+r)
			}
		}
	}
	return strings.Join(out, "\n")
}

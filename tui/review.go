package tui

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

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
			n, _ := m.w.stepNumber(i) // as the step's header numbers it
			label := fmt.Sprintf("%d. %s", n, s.Title)
			if m.w.partOfStep(i) { // under the step whose number it has
				label = strings.Repeat(" ", len(fmt.Sprint(n))+2) + s.Title
			}
			items = append(items, item{string(s.ID), label})
		}
	}
	items = append(items, item{"review", "Back to the review"})
	m.menu = newMenu(items...)
	m.menu.cursor = len(items) - 1
}

// layoutReview sizes the plan's viewport to what the header, the banner and the menu leave.
func (m *model) layoutReview() {
	m.review.Width = m.width
	// The title scrolls with the plan: on a small window the plan gets its line.
	title := m.rev.title
	if m.reviewTab == "exports" {
		title = "The exports (secrets masked):"
	}
	width := max(m.width-1, 20)
	// The banner comes first, where it cannot scroll out of sight: a plan that could not
	// read, DATA LOSS. When it would leave the plan fewer than minPlan lines, its first lines
	// stay there and the rest of it opens the plan.
	var banner []string
	if m.rev.banner != "" {
		// Wrapped as prose: a line's continuation under its own text (a cause listed under
		// the first line stays one entry; a sentence is not indented).
		banner = strings.Split(indentWrap(strings.TrimRight(m.rev.banner, "\n"), width), "\n")
	}
	fixed := lineCount(m.fitWidth(m.header())) + 1 + lineCount(m.fitWidth(m.reviewBottom(true))) + 1
	if len(banner) > 0 {
		fixed += len(banner) + 1
	}
	// Long plan lines wrap rather than lose their end; the words are the plan's own. The
	// title is a sentence: wrapped flush, not under the plan's hanging indent.
	wrapped := hangingWrap(m.reviewContent, width, "      ")
	if title != "" {
		wrapped = wordWrap(sectionStyle.Render(title), width) + "\n" + wrapped
	}
	if m.reviewTab == "exports" {
		if note := exportsNote(m.w.ans); note != "" {
			wrapped += "\n\n" + wordWrap(note, width) // a sentence: wrapped flush
		}
	}
	const minPlan = 5
	if short := min(minPlan, lineCount(wrapped)) - (m.height - fixed); len(banner) > 0 && short > 0 {
		keep := max(len(banner)-short, 1)
		// The mark "…" goes on a line it fits on: one wrapped again by fit would push the
		// keys' help off the screen, and a line cut short would lose its words.
		for keep > 1 && ansi.StringWidth(strings.TrimRight(banner[keep-1], " "))+2 > width {
			keep--
		}
		wrapped = strings.Join(banner[keep:], "\n") + "\n\n" + wrapped
		fixed -= len(banner) - keep
		banner = banner[:keep]
		banner[keep-1] = ansi.Truncate(strings.TrimRight(banner[keep-1], " "), width-2, "") + " …"
	}
	m.bannerShown = strings.Join(banner, "\n")
	m.review.SetContent(wrapped)
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
	top = m.header()
	if m.bannerShown != "" {
		top += m.bannerShown + "\n\n"
	}
	return top, m.reviewBottom(m.review.TotalLineCount() > m.review.Height)
}

// reviewBottom is what the review shows under the plan: the menu and its keys, with the
// scroll keys when the plan scrolls.
func (m *model) reviewBottom(scrolls bool) string {
	var b strings.Builder
	if m.w.opt.DryRun {
		b.WriteString("\n" + warnStyle.Render("--dry-run: nothing is applied; the answers can be saved.") + "\n")
	}
	if m.status != "" {
		b.WriteString(m.status + "\n")
	}
	b.WriteString("\n" + m.menu.view() + "\n")
	help := "↑/↓ choose • enter confirm • shift+tab/esc back • ctrl+c quit"
	if scrolls {
		help = fmt.Sprintf("%d%% · pgup/pgdn scroll • ", int(m.review.ScrollPercent()*100)) + help
	}
	b.WriteString(helpStyle.Render(wrapAt(help, " • ", m.width)))
	return b.String()
}

func lineCount(s string) int { return strings.Count(s, "\n") + 1 }

func (m *model) updateReview(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch k.String() {
		case "pgup", "pgdown", "ctrl+u", "ctrl+d":
			var cmd tea.Cmd
			m.review, cmd = m.review.Update(msg)
			return cmd
		case "home":
			m.review.GotoTop()
			return nil
		case "end":
			m.review.GotoBottom()
			return nil
		case "esc", "shift+tab": // back to the last question, as on every other screen
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
	return m.fitWidth(top) + "\n\n" + m.review.View() + "\n" + m.fitWidth(bottom)
}

// hangingWrap wraps each line at width, indenting the continuation lines so a plan line's
// detail stays visibly part of its action. Words are kept whole (wordWrap). A continuation
// that starts further in (the detail, after the id's padding) keeps its rows under it.
func hangingWrap(text string, width int, indent string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		rows := wrapLine(line, width, max(width-len(indent), 1))
		out = append(out, rows[0])
		under := indent
		for _, r := range rows[1:] {
			if lead := len(r) - len(strings.TrimLeft(r, " ")); lead > 0 {
				under = indent + strings.Repeat(" ", lead)
				out = append(out, indent+r)
				continue
			}
			out = append(out, under+r)
		}
	}
	return strings.Join(out, "\n")
}

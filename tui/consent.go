package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// A data-loss plan is applied only once the user types the site's host, as GitHub asks for a
// repository's name before deleting it: Enter alone never deletes uploads.

func (m *model) askConsent() tea.Cmd {
	m.phase, m.status = phaseConsent, ""
	m.consent = textinput.New()
	m.consent.Prompt = "> "
	m.consent.Placeholder = ""
	m.consent.CharLimit = 253 // a host's longest
	m.consent.Width = max(m.contentWidth()-4, 20)
	return m.consent.Focus()
}

func (m *model) updateConsent(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		m.status = "" // a refusal stays until the next key (not the cursor's blink)
		switch k.String() {
		case "esc":
			m.phase, m.status = phaseReview, ""
			m.menu.cursor = m.rev.def // back on the review's default, never on Apply
			m.layoutReview()
			return nil
		case "enter":
			typed := m.consent.Value()
			if !hostConfirms(typed, m.w.ans.WebsiteURL) {
				m.status = failStyle.Render("✗ That is not " + m.w.ans.WebsiteURL + ": nothing was applied. Type it exactly, or esc to go back.")
				m.consent.SetValue("")
				return nil
			}
			return m.saveAndApply(consentFor(typed, m.w.ans))
		}
	}
	var cmd tea.Cmd
	m.consent, cmd = m.consent.Update(msg)
	return cmd
}

func (m *model) consentView() string {
	var b strings.Builder
	b.WriteString(m.header())
	if m.rev.banner != "" {
		b.WriteString(m.rev.banner + "\n\n")
	}
	b.WriteString(sectionStyle.Render("To apply this plan, type the site's host, "+m.w.ans.WebsiteURL+":") + "\n")
	b.WriteString(m.consent.View() + "\n")
	if m.status != "" {
		b.WriteString(m.status + "\n")
	}
	b.WriteString("\n" + helpStyle.Render("enter apply • esc back to the review • ctrl+c quit"))
	return b.String()
}

// saveAndApply saves the answers, then applies the live plan through the gate.
func (m *model) saveAndApply(c provision.Consent) tea.Cmd {
	if err := steps.Save(m.w.opt.AnswersPath, m.w.ans); err != nil {
		m.phase = phaseReview
		m.status = failStyle.Render("✗ " + err.Error())
		m.layoutReview()
		return nil
	}
	return m.startApply(c)
}

package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

type phase int

const (
	phaseForm     phase = iota
	phaseChecking       // a check (keys, token) runs behind a spinner
	phaseChecked        // its result, with retry / edit / continue
	phasePlanning
	phaseReview
	phaseApplying
	phaseApplied
)

// Indexes of allSteps with a check and the review.
const (
	stepStorage = 5
	stepCDN     = 8
	stepReview  = 10
)

// model is the full-screen wizard: a header, the current step's form, the review and the
// apply view.
type model struct {
	ctx context.Context
	w   *wizard

	cur        int // index into w.steps
	form       *huh.Form
	firstField huh.Field
	phase      phase

	width, height int
	spinner       spinner.Model

	// syncOffer is the sync command offered for uploads already in the webroot (transfer.SyncOffer).
	syncOffer string

	menu       menu
	checkLabel string // what the check does ("Testing the keys ...")
	checkErr   error
	checkOK    string

	plan     provision.Plan
	planErr  error
	planNote string
	problems steps.Problems
	review   viewport.Model
	// reviewContent is the review's text before wrapping to the window.
	reviewContent string
	status        string // a line under the review (a save error, ...)

	rows        []applyRow
	events      chan tea.Msg
	applyCancel context.CancelFunc
	interrupted bool
	result      provision.Result

	quitting bool
	goodbye  string // the last thing shown when the wizard ends
	err      error  // what Run returns
}

func newModel(ctx context.Context, opt Options) *model {
	opt.defaults()
	m := &model{ctx: ctx, w: newWizard(opt), width: 80, height: 24}
	m.spinner = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	m.review = viewport.New(m.width, 10)
	return m
}

func (m *model) Init() tea.Cmd { return m.enterStep(0) }

// enterStep shows step i: its form, or the review.
func (m *model) enterStep(i int) tea.Cmd {
	m.cur = i
	if i == stepReview {
		return m.startPlanning()
	}
	m.phase = phaseForm
	var groups []*huh.Group
	m.firstField = nil
	for _, q := range m.w.steps[i].questions(m.w) {
		fields := q.fields()
		if m.firstField == nil && (q.when == nil || q.when()) {
			m.firstField = fields[0]
		}
		g := huh.NewGroup(fields...)
		if q.when != nil {
			g = g.WithHideFunc(func() bool { return !q.when() })
		}
		groups = append(groups, g)
	}
	m.form = huh.NewForm(groups...).WithTheme(formTheme()).WithKeyMap(keyMap()).
		WithShowHelp(true).WithWidth(m.contentWidth())
	return m.form.Init()
}

func (m *model) contentWidth() int { return max(min(m.width, 100)-2, 40) }

// position is the step's number among those that apply, and how many apply.
func (m *model) position() (n, total int) {
	app := m.w.applicable()
	for k, i := range app {
		if i == m.cur {
			n = k + 1
		}
	}
	return n, len(app)
}

func (m *model) next() tea.Cmd {
	for _, i := range m.w.applicable() {
		if i > m.cur {
			return m.enterStep(i)
		}
	}
	return m.enterStep(stepReview)
}

func (m *model) back() tea.Cmd {
	app := m.w.applicable()
	for k := len(app) - 1; k >= 0; k-- {
		if app[k] < m.cur {
			return m.enterStep(app[k])
		}
	}
	return nil // the first step: nowhere to go back to
}

// stepDone commits the step's answers and runs its check, when it has one.
func (m *model) stepDone() tea.Cmd {
	m.w.steps[m.cur].commit(m.w)
	switch {
	case m.cur == stepStorage && m.w.opt.CheckStorage != nil:
		m.checkLabel = "Testing the keys against " + m.w.ans.EndpointURL() + " …"
		return m.startCheck(func(ctx context.Context, a *steps.Answers) (string, error) {
			return "", m.w.opt.CheckStorage(ctx, a)
		})
	case m.cur == stepCDN && m.w.opt.CheckCDN != nil && m.w.ans.CDN.Provider == steps.CDNCloudflare:
		m.checkLabel = "Checking the Cloudflare token and finding the zone of " + m.w.ans.WebsiteURL + " …"
		return m.startCheck(m.w.opt.CheckCDN)
	}
	return m.next()
}

type checkMsg struct {
	found string
	err   error
}

func (m *model) startCheck(check func(context.Context, *steps.Answers) (string, error)) tea.Cmd {
	m.phase = phaseChecking
	a := m.w.ans
	return tea.Batch(m.spinner.Tick, func() tea.Msg {
		found, err := check(m.ctx, &a)
		return checkMsg{found, err}
	})
}

func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layoutReview()
	case tea.KeyMsg:
		if msg.String() == "ctrl+c" {
			return m, m.interrupt()
		}
	case spinner.TickMsg:
		if m.phase == phaseChecking || m.phase == phasePlanning || m.phase == phaseApplying {
			var cmd tea.Cmd
			m.spinner, cmd = m.spinner.Update(msg)
			return m, cmd
		}
		return m, nil
	}
	switch m.phase {
	case phaseForm:
		return m, m.updateForm(msg)
	case phaseChecking:
		if msg, ok := msg.(checkMsg); ok {
			m.phase, m.checkErr, m.checkOK = phaseChecked, msg.err, ""
			if msg.err == nil {
				m.checkOK = "✓ The keys work."
				if m.cur == stepCDN {
					m.w.zoneFound = msg.found
					m.checkOK = "✓ The token works; the site is in the zone " + msg.found + "."
				}
				m.menu = newMenu(item{"continue", "Continue"}, item{"edit", "Edit the answers"})
			} else {
				m.menu = newMenu(item{"retry", "Retry"}, item{"edit", "Edit the answers"}, item{"continue", "Continue anyway"})
			}
		}
	case phaseChecked:
		if choice, ok := m.menu.update(msg); ok {
			switch choice {
			case "retry":
				return m, m.stepDone()
			case "edit":
				return m, m.enterStep(m.cur)
			default:
				return m, m.next()
			}
		}
	case phasePlanning:
		if msg, ok := msg.(planMsg); ok {
			m.showReview(msg)
		}
	case phaseReview:
		return m, m.updateReview(msg)
	case phaseApplying, phaseApplied:
		return m, m.updateApply(msg)
	}
	return m, nil
}

func (m *model) updateForm(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case k.String() == "esc":
			return m.back()
		case k.String() == "shift+tab" && m.form.GetFocusedField() == m.firstField:
			return m.back()
		}
	}
	f, cmd := m.form.Update(msg)
	m.form = f.(*huh.Form)
	if m.form.State == huh.StateCompleted {
		return m.stepDone()
	}
	return cmd
}

func (m *model) interrupt() tea.Cmd {
	if m.phase == phaseApplying {
		// Running actions finish; no new one starts. The result says what was done.
		m.interrupted = true
		m.applyCancel()
		return nil
	}
	m.err = ErrInterrupted
	m.quitting = true
	m.goodbye = "Quit: nothing was changed.\n"
	return tea.Quit
}

// ---- views ----

func (m *model) View() string {
	if m.quitting {
		return m.goodbye
	}
	return m.screen()
}

// screen is what the wizard shows now, fitted to the window's height.
func (m *model) screen() string {
	var body string
	switch m.phase {
	case phaseForm:
		body = m.form.View()
	case phaseChecking, phasePlanning:
		label := m.checkLabel
		if m.phase == phasePlanning {
			label = "Planning: looking at what exists …"
		}
		body = m.spinner.View() + " " + label
	case phaseChecked:
		if m.checkErr != nil {
			body = failStyle.Render(wrap("✗ "+m.checkErr.Error(), m.contentWidth())) + "\n\n" + m.menu.view()
		} else {
			body = okStyle.Render(wrap(m.checkOK, m.contentWidth())) + "\n\n" + m.menu.view()
		}
	case phaseReview:
		return m.fit(m.reviewView())
	case phaseApplying, phaseApplied:
		return m.fit(m.applyView())
	}
	var b strings.Builder
	b.WriteString(m.header())
	if explain := m.w.steps[m.cur].explain; explain != nil && m.phase == phaseForm {
		b.WriteString(wrap(explain(m.w), m.contentWidth()) + "\n\n")
	}
	b.WriteString(body)
	b.WriteString("\n" + helpStyle.Render(m.footer()))
	return m.fit(b.String())
}

func (m *model) footer() string {
	switch m.phase {
	case phaseForm:
		return "esc previous step • ctrl+c quit (nothing is changed)"
	case phaseChecked:
		return "↑/↓ choose • enter confirm • ctrl+c quit"
	}
	return "ctrl+c quit"
}

func (m *model) header() string {
	n, total := m.position()
	left := titleStyle.Render("assetwiz · " + m.w.steps[m.cur].name)
	right := stepStyle.Render(fmt.Sprintf("Step %d of %d", n, total))
	gap := max(m.contentWidth()-lipgloss.Width(left)-lipgloss.Width(right), 2)
	return left + strings.Repeat(" ", gap) + right + "\n\n"
}

func wrap(s string, width int) string {
	return lipgloss.NewStyle().Width(width).Render(s)
}

// fit wraps a view to the window's width and cuts it to its height: a line wider than the
// terminal would wrap there, and throw the renderer's line count (and the screen) off.
func (m *model) fit(s string) string {
	s = strings.TrimRight(s, "\n")
	if m.width > 0 {
		s = hangingWrap(s, m.width, "  ")
	}
	// One line short of the window: a frame of its full height scrolls the terminal by the
	// line the command was typed on, and the renderer's count goes off by that line.
	lines := strings.Split(s, "\n")
	if room := m.height - 1; m.height > 0 && len(lines) > room {
		lines = lines[:room]
	}
	return strings.Join(lines, "\n")
}

// ---- a small menu: the review's and the checks' choices ----

type item struct{ id, label string }

type menu struct {
	items  []item
	cursor int
}

func newMenu(items ...item) menu { return menu{items: items} }

// update moves the cursor, and reports the choice on enter.
func (u *menu) update(msg tea.Msg) (string, bool) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return "", false
	}
	switch k.String() {
	case "up", "k", "shift+tab":
		u.cursor = (u.cursor + len(u.items) - 1) % len(u.items)
	case "down", "j", "tab":
		u.cursor = (u.cursor + 1) % len(u.items)
	case "enter":
		return u.items[u.cursor].id, true
	}
	return "", false
}

func (u menu) view() string {
	var b strings.Builder
	for i, it := range u.items {
		if i == u.cursor {
			b.WriteString(selectStyle.Render("> "+it.label) + "\n")
		} else {
			b.WriteString("  " + it.label + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/explain"
	"github.com/assetwiz/assetwiz/steps"
)

type phase int

const (
	phaseForm     phase = iota
	phaseChecking       // a check (keys, token) runs behind a spinner
	phaseChecked        // its result, with retry / edit / continue
	phasePlanning
	phaseReview
	phaseConsent // the site's host typed to apply a data-loss plan
	phaseJump    // the steps to go back to, from the review
	phaseApplying
	phaseApplied
)

// model is the full-screen wizard: a header, the current question's form under its step,
// the review and the apply view.
type model struct {
	ctx context.Context
	w   *wizard

	cur   place // the question asked, or the step shown (the review, a check)
	ask   asked
	form  *huh.Form
	phase phase
	// refused is why the field refused Enter, shown until the next key (huh's own error
	// footer is off; a field's error left from leaving it would be stale once it is shown again).
	refused error

	width, height int
	spinner       spinner.Model

	// syncOffer is the sync command offered for uploads already in the webroot (transfer.SyncOffer).
	syncOffer string

	menu       menu
	checkLabel string // what the check does ("Testing the keys ...")
	checkErr   error
	checkOK    string

	// planned is the last plan made; plan its live plan, the one apply carries out; rev
	// what the review shows of it (gate.go).
	planned planMsg
	plan    provision.Plan
	rev     reviewed
	// consent is the site's host, typed to confirm a data-loss plan.
	consent textinput.Model
	review  viewport.Model
	// reviewContent is the review's text before wrapping to the window.
	reviewContent string
	// bannerShown is the review's banner as it fits above the plan (layoutReview).
	bannerShown string
	// reviewTab is what the review shows: the plan, or the exports.
	reviewTab string
	status    string // a line under the review (a save error, ...)

	rows        []applyRow
	events      chan tea.Msg
	applyCancel context.CancelFunc
	interrupted bool
	result      provision.Result
	// applied is the Applied screen's scrolling part: the actions and the summary.
	applied viewport.Model

	// reviewNow: the wizard opened on the review (a complete answers file); esc there lists
	// every step to go back to.
	reviewNow bool

	quitting bool
	goodbye  string // the last thing shown when the wizard ends
	err      error  // what Run returns
}

func newModel(ctx context.Context, opt Options) *model {
	opt.defaults()
	m := &model{ctx: ctx, w: newWizard(opt), width: 80, height: 24}
	m.spinner = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	m.review = viewport.New(m.width, 10)
	m.applied = viewport.New(m.width, 10)
	return m
}

func (m *model) Init() tea.Cmd {
	if m.w.complete() {
		// Review now: a re-run with a complete answers file needs no 20 Enters.
		m.reviewNow = true
		m.cur = place{m.w.stepIndex(steps.StepReview), 0}
		return m.startPlanning()
	}
	return m.enterStep(0)
}

// step is the step shown.
func (m *model) step() steps.Step { return m.w.steps[m.cur.s] }

// enterStep shows the first question of step i (or of the next step that applies).
func (m *model) enterStep(i int) tea.Cmd { return m.enterQuestion(place{i, 0}) }

// enterStepID shows a step by name.
func (m *model) enterStepID(id steps.StepID) tea.Cmd { return m.enterStep(m.w.stepIndex(id)) }

// enterQuestion asks the first question asked at or after p; the review when none is left.
func (m *model) enterQuestion(p place) tea.Cmd {
	next, ok := m.w.nextQuestion(p)
	if !ok {
		m.cur = place{m.w.stepIndex(steps.StepReview), 0}
		return m.startPlanning()
	}
	m.cur = next
	m.phase = phaseForm
	var cmd tea.Cmd
	// A list shows every entry when the window holds them all: huh's scrolling list keeps
	// its cursor's entry on its first line, so the entries above the cursor are out of sight
	// (the provider list opened on digitalocean, aws hidden above it). Only where the window
	// is too small does a list scroll, listHeight entries at a time.
	for _, rows := range []int{0, listHeight} {
		m.w.listRows = rows
		m.w.labelWidth = m.optionWidth()
		m.ask = m.w.field(m.step().Questions[next.q])
		m.form = huh.NewForm(huh.NewGroup(m.ask.fields...)).WithTheme(formTheme()).WithKeyMap(keyMap()).
			WithShowHelp(true).WithShowErrors(false).WithWidth(m.contentWidth())
		cmd = m.form.Init()
		if m.ask.relabel != nil {
			m.ask.relabel(m.optionWidth())
		}
		m.fitForm()
		if m.height == 0 || m.formFits() {
			break
		}
	}
	return cmd
}

// fitForm grows the form to its fields as they are now: huh sizes a group once, and a
// description that grows (a check's message) would push the input line out of sight.
func (m *model) fitForm() {
	h := 0
	for i, f := range m.ask.fields {
		if i > 0 {
			h++ // the gap between fields
		}
		h += lipgloss.Height(f.View())
	}
	m.form.WithHeight(h + 1) // and huh's key help
}

// contentWidth is the width text is wrapped to: the window's, less a margin.
func (m *model) contentWidth() int { return max(m.width-2, 40) }

// optionWidth is the width of a list's entry in a form of contentWidth: huh's field frame
// (the bar and its gap) and the cursor ("> ") take two columns each.
func (m *model) optionWidth() int { return m.contentWidth() - 4 }

// position is the step's number and how many steps there are (stepNumber).
func (m *model) position() (n, total int) { return m.w.stepNumber(m.cur.s) }

// next asks the question after the current one; after the last, the review.
func (m *model) next() tea.Cmd { return m.enterQuestion(place{m.cur.s, m.cur.q + 1}) }

// nextStep goes on with the step after the current one.
func (m *model) nextStep() tea.Cmd { return m.enterStep(m.cur.s + 1) }

// back asks the question before the current one, in this step or the one before.
func (m *model) back() tea.Cmd {
	if p, ok := m.w.prevQuestion(m.cur); ok {
		return m.enterQuestion(p)
	}
	return nil // the first question: nowhere to go back to
}

// backStep goes to the first question of the step before.
func (m *model) backStep() tea.Cmd {
	p, ok := m.w.prevQuestion(place{m.cur.s, 0})
	if !ok {
		return nil
	}
	return m.enterStep(p.s)
}

// questionDone records the answer, then asks the next question; at the end of a step with
// a check (the keys, the token), the check runs first.
func (m *model) questionDone() tea.Cmd {
	m.w.answer(m.ask.q.Key, m.ask.value())
	if _, more := m.w.nextQuestion(place{m.cur.s, m.cur.q + 1}); more {
		if p, _ := m.w.nextQuestion(place{m.cur.s, m.cur.q + 1}); p.s == m.cur.s {
			return m.next()
		}
	}
	return m.stepDone()
}

// stepDone runs the step's check, when it has one, then goes on.
func (m *model) stepDone() tea.Cmd {
	switch {
	case m.step().ID == steps.StepStorage && m.w.opt.CheckStorage != nil:
		m.checkLabel = "Testing the keys against " + m.w.ans.EndpointURL() + " …"
		return m.startCheck(func(ctx context.Context, a *steps.Answers) (string, error) {
			return "", m.w.opt.CheckStorage(ctx, a)
		})
	case m.step().ID == steps.StepBackup && m.w.opt.CheckStorage != nil && m.w.ans.HasBackup():
		// The second copy's keys are checked as the storage keys are, against its endpoint.
		target := m.w.ans.BackupTarget()
		m.checkLabel = "Testing the backup keys against " + target.EndpointURL() + " …"
		return m.startCheck(func(ctx context.Context, _ *steps.Answers) (string, error) {
			if err := m.w.ans.KeysNotSet(steps.BackupKeys); err != nil {
				// As the plan says it: the storage check would name the storage keys' variables.
				return "", err
			}
			return "", m.w.opt.CheckStorage(ctx, &target)
		})
	case m.step().ID == steps.StepCDN && m.w.opt.CheckCDN != nil && m.w.ans.CDN.Provider == steps.CDNCloudflare:
		m.checkLabel = "Checking the Cloudflare token and finding the zone of " + m.w.ans.WebsiteURL + " …"
		return m.startCheck(m.w.opt.CheckCDN)
	}
	return m.nextStep()
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
		if m.form != nil { // huh wraps its lists to the width it was given when made
			m.form.WithWidth(m.contentWidth())
			if m.phase == phaseForm && m.ask.relabel != nil {
				m.ask.relabel(m.optionWidth())
			}
			m.fitForm()
			if m.phase == phaseForm && m.w.listRows == 0 && m.ask.q.Kind == steps.KindChoice && !m.formFits() {
				// The window shrank under a list shown whole: drawn again, it scrolls.
				return m, m.enterQuestion(m.cur)
			}
		}
		m.layoutReview()
		m.layoutApply()
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
				if m.step().ID == steps.StepCDN {
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
				return m, m.enterStep(m.cur.s)
			default:
				return m, m.nextStep()
			}
		}
	case phasePlanning:
		if msg, ok := msg.(planMsg); ok {
			m.showReview(msg)
		}
	case phaseReview:
		return m, m.updateReview(msg)
	case phaseConsent:
		return m, m.updateConsent(msg)
	case phaseJump:
		if choice, ok := m.menu.update(msg); ok {
			if choice == "review" {
				return m, m.enterStepID(steps.StepReview)
			}
			return m, m.enterStepID(steps.StepID(choice))
		}
		if k, ok := msg.(tea.KeyMsg); ok && k.String() == "esc" {
			return m, m.enterStepID(steps.StepReview)
		}
	case phaseApplying, phaseApplied:
		return m, m.updateApply(msg)
	}
	return m, nil
}

func (m *model) updateForm(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case k.String() == "esc":
			return m.backStep()
		case k.String() == "shift+tab" && m.form.GetFocusedField() == m.ask.fields[0]:
			return m.back()
		}
	}
	k, isKey := msg.(tea.KeyMsg)
	if isKey {
		m.refused = nil
	}
	f, cmd := m.form.Update(msg)
	m.form = f.(*huh.Form)
	if m.form.State == huh.StateCompleted {
		return m.questionDone()
	}
	if isKey && k.String() == "enter" {
		if field := m.form.GetFocusedField(); field != nil {
			m.refused = field.Error()
		}
	}
	m.fitForm()
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
	case phaseJump:
		body = "Go back to which step? The answers given so far are kept.\n\n" + m.menu.view()
	case phaseChecked:
		if m.checkErr != nil {
			body = failStyle.Render(wrap("✗ "+explain.Line(m.checkErr, m.w.opt.Debug), m.contentWidth())) + "\n\n" + m.menu.view()
		} else {
			body = okStyle.Render(wrap(m.checkOK, m.contentWidth())) + "\n\n" + m.menu.view()
		}
	case phaseReview:
		return m.fit(m.reviewView())
	case phaseConsent:
		return m.fit(m.consentView())
	case phaseApplying, phaseApplied:
		return m.fit(m.applyView())
	}
	explain := ""
	if m.phase == phaseForm {
		if e := m.w.explain(m.step()); e != "" {
			explain = indentWrap(e, m.contentWidth())
		}
	}
	// The question, its choices and the keys always show: the explanation gets the lines
	// they leave, cut short with "…" on a small window.
	rest := m.under(body)
	return m.fit(m.header() + fitLines(explain, m.room(rest)) + rest)
}

// under is everything under the step's explanation: the answers given in the step, body, a
// refused answer's reason and the keys.
func (m *model) under(body string) string {
	var rest strings.Builder
	if m.phase == phaseForm {
		rest.WriteString(m.answeredInStep())
	}
	rest.WriteString(body)
	if m.phase == phaseForm && m.refused != nil && !shownAlready(body, m.refused.Error()) {
		rest.WriteString("\n" + failStyle.Render(wrap("✗ "+m.refused.Error(), m.contentWidth())) + "\n")
	}
	footer := m.footer()
	if strings.Contains(ansi.Strip(body), "shift+tab back") { // huh's own help line says it already
		footer = strings.Replace(footer, "shift+tab back • ", "", 1)
	}
	if m.phase != phaseForm { // a form's own key help sets the footer apart already
		rest.WriteString("\n")
	}
	rest.WriteString("\n" + helpStyle.Render(wrapAt(footer, " • ", m.width)))
	return rest.String()
}

// room is how many lines the window leaves for the step's explanation above under; less
// than 0 when the header and under do not fit.
func (m *model) room(under string) int {
	return m.height - 1 - lineCount(m.fitWidth(m.header()+under))
}

// formFits reports whether the question, its choices and the keys fit the window, as screen
// lays them out (the step's explanation is cut to what they leave; they are not).
func (m *model) formFits() bool { return m.room(m.under(m.form.View())) >= 0 }

// fitLines is text and the blank line after it in at most room lines: cut, its last line
// ending in "…", when longer; nothing when fewer than two lines are left.
func fitLines(text string, room int) string {
	if text == "" {
		return ""
	}
	lines := strings.Split(text, "\n")
	if len(lines)+1 <= room {
		return text + "\n\n"
	}
	if room < 2 {
		return ""
	}
	lines = lines[:room-1]
	lines[len(lines)-1] = strings.TrimRight(lines[len(lines)-1], " ") + " …"
	return strings.Join(lines, "\n") + "\n\n"
}

// indentWrap wraps text to width, a line's continuation indented under its own text (an
// indented entry of a list stays visibly one entry).
func indentWrap(text string, width int) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		lead := line[:len(line)-len(strings.TrimLeft(line, " "))]
		indent := lead
		if lead != "" {
			indent += "  "
		}
		rows := wrapLine(line, width, max(width-len(indent), 10))
		out = append(out, rows[0])
		for _, r := range rows[1:] {
			out = append(out, indent+r)
		}
	}
	return strings.Join(out, "\n")
}

// wrapAt wraps a list of keys joined by sep between its entries, never inside one.
func wrapAt(s, sep string, width int) string {
	if width <= 0 {
		return s
	}
	var lines []string
	cur := ""
	for _, part := range strings.Split(s, sep) {
		switch {
		case cur == "":
			cur = part
		case ansi.StringWidth(cur+sep+part) <= width:
			cur += sep + part
		default:
			lines = append(lines, cur)
			cur = part
		}
	}
	return strings.Join(append(lines, cur), "\n")
}

// shownAlready reports whether a field's own description already shows the message (the
// website URL's live check), wrapped: its start is enough to know.
func shownAlready(body, msg string) bool {
	r := []rune(msg)
	return strings.Contains(body, "✗ "+string(r[:min(len(r), 24)]))
}

func (m *model) footer() string {
	switch m.phase {
	case phaseForm:
		if _, ok := m.w.prevQuestion(place{m.cur.s, 0}); ok {
			return "shift+tab back • esc previous step • ctrl+c quit (nothing is changed)"
		}
		if _, ok := m.w.prevQuestion(m.cur); ok {
			return "shift+tab back • ctrl+c quit (nothing is changed)"
		}
		return "ctrl+c quit (nothing is changed)"
	case phaseChecked, phaseJump:
		return "↑/↓ choose • enter confirm • ctrl+c quit"
	}
	return "ctrl+c quit"
}

func (m *model) header() string {
	n, total := m.position()
	left := titleStyle.Render("assetwiz · " + m.step().Title)
	right := stepStyle.Render(fmt.Sprintf("Step %d of %d", n, total))
	gap := max(m.contentWidth()-lipgloss.Width(left)-lipgloss.Width(right), 2)
	return left + strings.Repeat(" ", gap) + right + "\n\n"
}

// answeredInStep lists the questions of the step already answered, one line each, so the
// step's answers stay in sight.
func (m *model) answeredInStep() string {
	var b strings.Builder
	for _, q := range m.step().Questions[:m.cur.q] {
		if !q.Asked(&m.w.ans) {
			continue
		}
		v := m.w.ans.Get(q.Key)
		if q.Kind == steps.KindSecret {
			v = "(set)"
			if m.w.ans.Get(q.Key) == "" {
				v = "(not set)"
			}
		}
		if q.Kind == steps.KindBool { // as the question offered it, not as the answers file spells it
			v = map[string]string{"true": "Yes", "false": "No"}[v]
		}
		b.WriteString(okStyle.Render("✓ ") + q.Title + ": " + v + "\n")
	}
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	return b.String()
}

func wrap(s string, width int) string { return wordWrap(s, width) }

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

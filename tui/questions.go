package tui

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/x/ansi"

	"github.com/assetwiz/assetwiz/presets"
	"github.com/assetwiz/assetwiz/provision/override"
	"github.com/assetwiz/assetwiz/steps"
)

// The wizard walks steps.Steps(): the questions, their order, when each is asked, their
// choices, checks and the rules between answers all come from that table. This file only
// draws a question as a huh field.

// place is a question of the table: step s, question q of it.
type place struct{ s, q int }

// wizard is the state shared by the full-screen and the accessible wizards.
type wizard struct {
	// mu guards the value being typed, which huh's *Func callbacks read from goroutines of
	// their own while the form writes it.
	mu    sync.Mutex
	opt   Options
	ans   steps.Answers
	steps []steps.Step
	// chosen are the answers given by the user (here, or in the answers file): they no
	// longer follow the answers they default from (the technique the mode).
	chosen map[string]bool
	// toolkitFromOverride: the toolkit generation was read from the existing override file.
	toolkitFromOverride bool
	// dropped are answers of the sources that are not offered (a typo in assetwiz.yaml).
	dropped steps.Problems
	// zoneFound is the Cloudflare zone the CDN check found.
	zoneFound string
	// accessible: plain line prompts, where a list is typed rather than ticked.
	accessible bool
	// listRows is how many entries a list shows at once; 0: all of them (see enterQuestion).
	listRows int
	// labelWidth is the width of a list's entry on the screen, the cursor's columns included
	// (0: not wrapped, as in accessible mode).
	labelWidth int
	// envSecrets: which secrets the environment gives; overrideSecrets: which the override
	// file gives (any other known secret was typed earlier in this run).
	envSecrets, overrideSecrets map[string]bool
}

func newWizard(opt Options) *wizard {
	opt.defaults()
	if opt.Loaded.Answers.Dir == "" {
		opt.Loaded.Answers.Dir = opt.Dir // the answers carry it to every backend and to Save
	}
	w := &wizard{opt: opt, ans: opt.Loaded.Answers, accessible: opt.Accessible, steps: wizardSteps(),
		chosen: map[string]bool{}, envSecrets: map[string]bool{}, overrideSecrets: map[string]bool{}}
	w.dropped = w.ans.Settle()
	// What the answers file gives was chosen: it does not follow other answers. The files
	// are not read again here: steps.Load read them, through its guards (no FIFO, no device,
	// nothing over the size limit), and hands over what it found.
	if opt.Loaded.AnswersFile != "" {
		for _, q := range steps.Questions() {
			w.chosen[q.Key] = opt.Loaded.FileAnswers.Get(q.Key) != ""
		}
	}
	if opt.Loaded.OverrideFound {
		from := opt.Loaded.OverrideAnswers
		w.toolkitFromOverride = from.Toolkit != ""
		for _, q := range steps.Questions() {
			w.overrideSecrets[q.Key] = q.Kind == steps.KindSecret && from.Get(q.Key) != ""
		}
	}
	env, _ := steps.FromEnv(opt.Getenv)
	for _, q := range steps.Questions() {
		if q.Kind == steps.KindSecret {
			w.envSecrets[q.Key] = env.Get(q.Key) != ""
		}
	}
	return w
}

// wizardSteps are the steps with a question the wizard asks, and the review.
func wizardSteps() []steps.Step {
	var out []steps.Step
	for _, s := range steps.Steps() {
		if s.ID == steps.StepReview || slices.ContainsFunc(s.Questions, func(q steps.Question) bool { return !q.Advanced }) {
			out = append(out, s)
		}
	}
	return out
}

// stepIndex is the index of a step in the table.
func (w *wizard) stepIndex(id steps.StepID) int {
	for i, s := range w.steps {
		if s.ID == id {
			return i
		}
	}
	panic("tui: no step " + string(id))
}

// applicable lists the indexes of the steps that apply to the answers so far.
func (w *wizard) applicable() []int {
	var out []int
	for i, s := range w.steps {
		if s.AppliesTo(&w.ans) {
			out = append(out, i)
		}
	}
	return out
}

// stepNumber is step i's "Step n of total", in both wizards. A step that applies only to some
// answers (Storage, EFS: the table's Applies) is part of the step before it that always
// applies, and has its number: so the total is the same whatever the answers, and a walk
// forward never skips a number (technique local skips four steps, efs two, s3fs one).
func (w *wizard) stepNumber(i int) (n, total int) {
	for j, s := range w.steps {
		if s.Applies == nil || j == 0 {
			total++
		}
		if j == i {
			n = total
		}
	}
	return n, total
}

// partOfStep reports whether step i shares the number of the step before it (stepNumber).
func (w *wizard) partOfStep(i int) bool { return i > 0 && w.steps[i].Applies != nil }

// nextQuestion is the first question asked at or after p, in an applicable step; ok is
// false when only the review is left.
func (w *wizard) nextQuestion(p place) (place, bool) {
	for s := p.s; s < len(w.steps); s++ {
		st := w.steps[s]
		if st.ID == steps.StepReview || !st.AppliesTo(&w.ans) {
			continue
		}
		q := 0
		if s == p.s {
			q = p.q
		}
		for ; q < len(st.Questions); q++ {
			if st.Questions[q].Asked(&w.ans) {
				return place{s, q}, true
			}
		}
	}
	return place{}, false
}

// prevQuestion is the last question asked before p.
func (w *wizard) prevQuestion(p place) (place, bool) {
	for s := p.s; s >= 0; s-- {
		st := w.steps[s]
		if st.ID == steps.StepReview || !st.AppliesTo(&w.ans) {
			continue
		}
		q := len(st.Questions) - 1
		if s == p.s {
			q = p.q - 1
		}
		for ; q >= 0; q-- {
			if st.Questions[q].Asked(&w.ans) {
				return place{s, q}, true
			}
		}
	}
	return place{}, false
}

// answer records the answer to a question, then the rules of the table: answers that
// depend on it are dropped, answers that follow it (until chosen) too, and the defaults
// are filled again.
func (w *wizard) answer(key, raw string) {
	before := w.ans.Get(key)
	// Text the user typed (an endpoint) survives a change of what it depends on; a choice
	// among the old answer's options (a region, a period) does not.
	_ = w.ans.Answer(key, raw, func(k string) bool {
		q, _ := steps.FindQuestion(k)
		return w.chosen[k] && q.Kind == steps.KindText
	})
	w.chosen[key] = true
	if q, _ := steps.FindQuestion(key); q.Kind == steps.KindSecret && strings.TrimSpace(raw) != "" {
		w.envSecrets[key], w.overrideSecrets[key] = false, false // typed now: no longer the source's
	}
	if w.ans.Get(key) != before {
		for _, q := range steps.Questions() {
			if slices.Contains(q.Follows, key) && !w.chosen[q.Key] {
				_ = w.ans.Answer(q.Key, "", nil)
			}
		}
	}
	w.ans.Settle()
}

// ---- drawing a question ----

// guarded is a value behind the wizard's lock (see wizard.mu).
type guarded struct {
	mu *sync.Mutex
	p  *string
}

func (g guarded) Get() string  { g.mu.Lock(); defer g.mu.Unlock(); return *g.p }
func (g guarded) Set(v string) { g.mu.Lock(); defer g.mu.Unlock(); *g.p = v }

func (w *wizard) guard(p *string) guarded { return guarded{&w.mu, p} }

// get reads a value that a form may be writing.
func (w *wizard) get(p *string) string { return w.guard(p).Get() }

// asked is one question being asked: the huh fields that draw it, and how to read the
// answer back as text.
type asked struct {
	q      steps.Question
	fields []huh.Field
	value  func() string
	// relabel wraps a list's entries to the width huh gives them, once the form has its width
	// and again when the window's changes; nil: nothing to wrap.
	relabel func(width int)
}

// yesNo are a yes/no question's entries, in both wizards.
var yesNo = []huh.Option[string]{huh.NewOption("Yes (recommended)", "true"), huh.NewOption("No", "false")}

// optionLabels are a list's entries: each value, then its help in a column of its own,
// wrapped between words to width (0: as they are) with the help's next lines under the help.
// huh wraps a label too wide for it at '-', '.' or ',' (wintersys- / projects): a label
// wrapped here fits, and huh leaves it as it is. A list that scrolls (oneLine) gets one line
// an entry, since huh scrolls by entries: the help then closer to its value, else shortened.
func optionLabels(cs []steps.Choice, width int, oneLine bool) []huh.Option[string] {
	col := 0
	for _, c := range cs {
		col = max(col, len(c.Value))
	}
	opts := make([]huh.Option[string], 0, len(cs))
	for _, c := range cs {
		label := c.Value
		if c.Help != "" {
			label = fmt.Sprintf("%-*s  %s", col, c.Value, c.Help)
		}
		switch {
		case c.Help == "" || width <= 0 || ansi.StringWidth(label) <= width:
		case oneLine:
			if label = c.Value + "  " + c.Help; ansi.StringWidth(label) > width {
				label = ansi.Truncate(label, width, "…")
			}
		default:
			rows := wrapLine(c.Help, max(width-col-2, 12), max(width-col-2, 12))
			label = fmt.Sprintf("%-*s  %s", col, c.Value, strings.Join(rows, "\n"+strings.Repeat(" ", col+2)))
		}
		opts = append(opts, huh.NewOption(label, c.Value))
	}
	return opts
}

// current is the value a question starts from: the answer so far, else the table's default
// for the answers so far, else its suggestion.
func (w *wizard) current(q steps.Question) string {
	if q.Kind == steps.KindSecret {
		return "" // a secret is never shown; Enter keeps the one known
	}
	v := w.ans.Get(q.Key)
	if q.Kind == steps.KindChoice && q.IsTyped(&w.ans) && q.Default != nil && v == q.Default(&w.ans) {
		return "" // typed over an empty line: the title says Enter takes the default
	}
	if q.Suggest != nil && !w.chosen[q.Key] && !w.given(q.Key) {
		// Nobody chose it: start on the advice (the plugin), not on the answers file's default.
		if s := q.Suggest(&w.ans); s != "" {
			return s
		}
	}
	if v == "" && q.Default != nil {
		v = q.Default(&w.ans)
	}
	return v
}

// complete reports whether the answers file gave a complete, valid set of answers: the
// wizard then opens on the review ("review now"), every step one esc away. Secrets are not
// in the file: a missing key is the review's to ask for (Edit the keys).
func (w *wizard) complete() bool {
	if w.opt.Loaded.AnswersFile == "" || len(w.dropped) > 0 {
		return false
	}
	for _, p := range w.ans.Validate() {
		if q, ok := steps.FindQuestion(strings.SplitN(p.Key, "[", 2)[0]); !ok || q.Kind != steps.KindSecret {
			return false
		}
	}
	return true
}

// given reports whether a source before the wizard gave the answer at key (when Load did
// not say, whether the answers it was handed hold one).
func (w *wizard) given(key string) bool {
	if g := w.opt.Loaded.Given; g != nil {
		return g[key]
	}
	return w.opt.Loaded.Answers.Get(key) != ""
}

// title is a question's title, with what Enter does for a typed answer.
func (w *wizard) title(q steps.Question, v string) string {
	t := q.TitleOf(&w.ans)
	if q.Kind == steps.KindChoice && q.IsTyped(&w.ans) && q.Placeholder != nil && v == "" {
		t += " (press Enter for " + q.Placeholder(&w.ans) + ")"
	}
	return t
}

// check is a question's check as a huh validator: the table's verdict, the same check and
// rules Validate runs, against the answers so far (a copy: the form may call it from
// goroutines of its own, and the answers do not change while it is shown).
func (w *wizard) check(q steps.Question) func(string) error {
	a := w.ans
	return func(s string) error { return q.Verdict(&a, s) }
}

// liveNote is the line under a typed answer as it is typed: why it would be refused, or the
// value it becomes (a scheme stripped, case folded). The value the input starts with (the
// default, the answer known) is on the input's line already: "✓ 30" above "> 30" is not said.
func (w *wizard) liveNote(q steps.Question, value *string, desc string) func() string {
	a := w.ans
	start := strings.TrimSpace(w.get(value))
	return func() string {
		s := strings.TrimSpace(w.get(value))
		if s == "" || q.Kind == steps.KindSecret {
			return desc
		}
		if err := q.Verdict(&a, s); err != nil {
			return "✗ " + err.Error()
		}
		if taken := q.Taken(&a, s); s != start || taken != s {
			return "✓ " + taken
		}
		return desc
	}
}

// listHeight is how many choices a list shows at once where the window cannot hold them all.
const listHeight = 7

// field draws one question for the answers so far.
func (w *wizard) field(q steps.Question) asked {
	v := w.current(q)
	value := &v
	out := asked{q: q, value: func() string { return w.get(value) }}
	desc := w.describe(q)
	switch {
	case q.Kind == steps.KindDirectories:
		return w.directoriesField(q)
	case q.Kind == steps.KindBool:
		// A list with a cursor rather than huh's Confirm: its Yes/No differ only by colour,
		// invisible with NO_COLOR.
		sel := huh.NewSelect[string]().Key(q.Key).Title(q.Title).Description(desc).
			Options(yesNo...).Accessor(w.guard(value))
		out.fields = []huh.Field{sel}
	case q.Kind == steps.KindChoice && !q.IsTyped(&w.ans):
		cs := q.Offered(&w.ans)
		opts := optionLabels(cs, 0, false)
		scrolls := w.listRows > 0 && len(opts) > w.listRows
		if !slices.Contains(q.ChoiceValues(&w.ans), v) && len(cs) > 0 {
			*value = cs[0].Value
		}
		if scrolls {
			// huh's list shows no sign of the entries below its last line.
			desc = strings.TrimSpace(desc + fmt.Sprintf(" %d choices: ↓ scrolls to the rest, / filters.", len(opts)))
		}
		sel := huh.NewSelect[string]().Key(q.Key).Title(w.title(q, v)).Description(desc).Options(opts...)
		if scrolls {
			sel = sel.Height(w.listRows + 2) // the title and description take two of the lines
		}
		sel = sel.Accessor(w.guard(value))
		out.fields = []huh.Field{sel}
		out.relabel = func(width int) {
			v := w.get(value)
			sel.Options(optionLabels(cs, width, scrolls)...)
			// huh scrolls its list by entries as if each were one line: an entry wrapped to two
			// would push the first ones out of sight. Scrolled to the top, the cursor put back
			// on its value, and a key huh has no use for scrolls only the cursor's entry into sight.
			sel.Update(tea.KeyMsg{Type: tea.KeyHome})
			w.guard(value).Set(v)
			sel.Accessor(w.guard(value))
			sel.Update(tea.KeyMsg{Type: tea.KeyF20})
		}
	default:
		in := huh.NewInput().Key(q.Key).Title(w.title(q, v)).Validate(w.check(q)).Accessor(w.guard(value))
		if q.Placeholder != nil {
			in = in.Placeholder(q.Placeholder(&w.ans))
		}
		if q.Kind == steps.KindSecret {
			in = in.EchoMode(huh.EchoModePassword)
		}
		switch {
		case q.Kind == steps.KindSecret:
			in = in.Description(desc) // nothing about a secret is told as it is typed
		case q.Key == "output.override_file":
			// The merge preview needs provision/override, which steps (below it) cannot call.
			in = in.DescriptionFunc(func() string { return w.overrideNote(strings.TrimSpace(w.get(value)), 6) }, value)
		default:
			in = in.DescriptionFunc(w.liveNote(q, value, desc), value)
		}
		out.fields = []huh.Field{in}
	}
	return out
}

// describe is the line under a question: where a secret comes from, the plugin to use.
func (w *wizard) describe(q steps.Question) string {
	switch {
	case q.Kind == steps.KindSecret && w.ans.Get(q.Key) != "":
		// Say where it really came from: a key typed earlier in this run is not the file's.
		from := "typed earlier"
		switch {
		case w.envSecrets[q.Key]:
			from = "taken from " + q.Env + " in the environment"
		case w.overrideSecrets[q.Key]:
			from = "known from the override file"
		}
		return "Already " + from + ": press Enter to keep it, or type another. Shown masked, never saved in " + steps.DefaultAnswersFile + "."
	}
	if q.Describe != nil {
		return q.Describe(&w.ans)
	}
	return ""
}

// directoriesField draws the asset directories: the application's and those chosen,
// ticked, and a line for more. In accessible mode, one line with them all.
func (w *wizard) directoriesField(q steps.Question) asked {
	if w.accessible {
		v := strings.Join(w.ans.Directories, ", ")
		var names []string
		for _, d := range w.ans.Directories {
			names = append(names, w.bucketLabel(d))
		}
		verdict := w.check(q)
		in := huh.NewInput().Key(q.Key).Title(q.Title + " (comma-separated)").
			Description("Now: " + strings.Join(names, "; ")).Validate(func(s string) error {
			if strings.TrimSpace(s) == "" {
				s = strings.Join(w.ans.Directories, ",") // Enter keeps them, if the check takes them
			}
			return verdict(s)
		}).Accessor(w.guard(&v))
		return asked{q: q, fields: []huh.Field{in}, value: func() string {
			if s := strings.TrimSpace(w.get(&v)); s != "" {
				return s
			}
			return strings.Join(w.ans.Directories, ",")
		}}
	}
	app, _ := presets.FindApplication(w.ans.Application)
	choices := slices.Clone(app.Directories)
	for _, d := range w.ans.Directories {
		if !slices.Contains(choices, d) {
			choices = append(choices, d)
		}
	}
	labels := func(width int) (opts []huh.Option[string], lines int) {
		for _, d := range choices {
			label := w.bucketLabel(d)
			if width > 0 {
				// Between words (before the bucket's name), not at a hyphen inside it; the
				// tick box ("[•] ") takes four columns more than a list's cursor.
				label = strings.Join(wrapLine(label, width-4, width-4), "\n")
			}
			lines += strings.Count(label, "\n") + 1
			opts = append(opts, huh.NewOption(label, d))
		}
		return opts, lines
	}
	opts, lines := labels(w.labelWidth)
	ticked := slices.Clone(w.ans.Directories)
	verdict := w.check(q)
	var extra string
	all := func() string {
		w.mu.Lock()
		defer w.mu.Unlock()
		return strings.Join(append(slices.Clone(ticked), steps.SplitDirectories(extra)...), ",")
	}
	list := huh.NewMultiSelect[string]().Key(q.Key).Title(q.Title).
		Description("space or x ticks and unticks; enter goes on to add more").
		Options(opts...).Value(&ticked).Height(min(lines+2, 8))
	relabel := func(width int) {
		opts, lines := labels(width)
		list.Options(opts...).Height(min(lines+2, 8)) // the ticks are read back from ticked
	}
	return asked{q: q, value: all, relabel: relabel, fields: []huh.Field{
		list,
		huh.NewInput().Key("more_directories").Title("More directories (comma-separated, optional)").
			Placeholder(q.Placeholder(&w.ans)).
			DescriptionFunc(func() string {
				var lines []string
				for _, d := range steps.SplitDirectories(w.get(&extra)) {
					if err := steps.CheckDirectory(d); err != nil {
						lines = append(lines, "✗ "+err.Error())
					} else {
						lines = append(lines, w.bucketLabel(d))
					}
				}
				return strings.Join(lines, "\n")
			}, &extra).
			Validate(func(s string) error {
				w.mu.Lock()
				joined := strings.Join(append(slices.Clone(ticked), steps.SplitDirectories(s)...), ",")
				w.mu.Unlock()
				return verdict(joined)
			}).Accessor(w.guard(&extra)),
	}}
}

// bucketLabel is a directory with the bucket it gets, and a warning when the name is bad.
func (w *wizard) bucketLabel(d string) string {
	if !w.ans.MakesBuckets() && w.ans.Technique != "" && w.ans.Technique != steps.TechniqueLocal {
		return d
	}
	label := d + "  → " + w.ans.BucketName(d)
	if msg := w.ans.BucketNameProblem(d); msg != "" {
		if n := len(w.ans.BucketName(d)); n > 63 {
			label += fmt.Sprintf("  ! %d characters, too long", n)
		} else {
			label += "  ! bad bucket name"
		}
	}
	return label
}

// explain is a step's explanation, with what the wizard noticed about the answers.
func (w *wizard) explain(s steps.Step) string {
	if s.Explain == nil {
		return ""
	}
	text := s.Explain(&w.ans)
	if s.ID == steps.StepToolkit {
		if w.toolkitFromOverride {
			text += "\n\nDetected from your existing " + w.ans.Output.OverrideFile + ": " + w.ans.Toolkit + "."
		} else if w.opt.Loaded.OverrideFound {
			text += "\n\n" + w.ans.Output.OverrideFile + " exists; its exports prefill these answers."
		}
	}
	if s.ID == steps.StepStorage && w.opt.CheckStorage == nil {
		text += "\nTesting the keys is not available in this build: apply reports a key problem."
	}
	if s.ID == steps.StepCDN && w.opt.CheckCDN == nil {
		text += "\nChecking the token is not available in this build: apply reports a token problem."
	}
	for _, p := range w.dropped {
		if q, ok := steps.FindQuestion(p.Key); ok && slices.ContainsFunc(s.Questions, func(x steps.Question) bool { return x.Key == q.Key }) {
			text += "\n\n! " + sourceName(w) + ": " + p.String()
		}
	}
	return text
}

func sourceName(w *wizard) string {
	if w.opt.Loaded.AnswersFile != "" {
		return w.opt.Loaded.AnswersFile
	}
	return "the answers given"
}

// overrideNote says whether the override file will be made or merged, with the diff.
func (w *wizard) overrideNote(path string, maxLines int) string {
	if path == "" {
		return ""
	}
	a := w.ans
	a.Output.OverrideFile = path
	current, desired, exists, _, _, err := override.Desired(&a, false)
	switch {
	case err != nil:
		return "✗ " + err.Error()
	case !exists:
		return "It does not exist yet: it will be made, mode 0600."
	case current == desired:
		return "It exists and already holds these exports: unchanged."
	}
	d := diffLines(current, desired)
	if maxLines > 0 && len(d) > maxLines {
		d = append(d[:maxLines], fmt.Sprintf("  … and %d more lines", len(d)-maxLines))
	}
	return "It exists: assetwiz's exports will be merged, every other line kept:\n" + strings.Join(d, "\n")
}

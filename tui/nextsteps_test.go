package tui

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// The next steps say where the exports go, repeat the exports' warning, and name the kind
// of Cloudflare rule chosen.
func TestNextStepsAreConcrete(t *testing.T) {
	t.Parallel()
	a := steps.Answers{Toolkit: "classic", Mode: "temporal", Application: "wordpress", WebsiteURL: "www.example.com",
		Technique: "plugin", Storage: steps.Storage{Provider: "wasabi"}, CDN: steps.CDN{Provider: "cloudflare", Method: "page-rules"}}
	a.Complete()
	got := strings.Join(nextSteps(&a), "\n")
	for _, want := range []string{"/root/Environment.env", "Mind: the classic toolkit has no DATASTORE_CHOICE", "so the page rules apply"} {
		if !strings.Contains(got, want) {
			t.Errorf("next steps lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "cache rules") {
		t.Errorf("page rules called cache rules:\n%s", got)
	}
}

// After Ctrl-C during apply the header says Stopped, and one change is "1 change".
func TestApplyHeaderAndCounts(t *testing.T) {
	t.Parallel()
	m := newModel(t.Context(), testOptions(t))
	m.phase, m.interrupted = phaseApplied, true
	if v := m.applyView(); !strings.Contains(v, "assetwiz · Stopped") || strings.Contains(v, "Applied") {
		t.Errorf("after Ctrl-C:\n%s", v)
	}
	m.interrupted = false
	m.rows = []applyRow{{action: provision.Action{Resource: provision.Bucket, ID: "b"}, status: provision.Done}}
	if s := m.summary(); !strings.Contains(s, "1 change made") {
		t.Errorf("summary: %s", s)
	}
}

// A list longer than the screen says that more entries follow.
func TestLongListsSayMoreFollow(t *testing.T) {
	t.Parallel()
	m := formIn(t, steps.StepStorage, steps.Answers{Mode: "temporal", Application: "wordpress", WebsiteURL: "www.example.com", Technique: "plugin"}, 80, 14)
	if s := m.screen(); !strings.Contains(s, "choices: ↓ scrolls to the rest") {
		t.Errorf("no sign of more providers:\n%s", s)
	}
}

// huh's scrolling list keeps its cursor's entry on its first line: the provider list opened on
// digitalocean with aws out of sight above it, and on custom (the last) with empty lines under
// it. Where the window holds the whole list, it does not scroll: every entry is in sight.
func TestAListTheWindowHoldsShowsEveryEntry(t *testing.T) {
	t.Parallel()
	for _, provider := range []string{"", "custom"} {
		a := steps.Answers{Mode: "temporal", Application: "wordpress", WebsiteURL: "www.example.com", Technique: "plugin"}
		a.Storage.Provider = provider
		m := formIn(t, steps.StepStorage, a, 80, 24)
		s := m.screen()
		for _, name := range []string{"aws", "digitalocean", "scaleway", "custom"} {
			if !strings.Contains(s, "  "+name+" ") && !strings.Contains(s, "> "+name+" ") {
				t.Errorf("provider %q: %s out of sight:\n%s", provider, name, s)
			}
		}
		if strings.Contains(s, "scrolls to the rest") || lipgloss.Height(s) > 24 {
			t.Errorf("provider %q: the list scrolls or the screen is taller than the window:\n%s", provider, s)
		}
		// The window shrinks: the list scrolls now, its keys still in sight.
		send(m, tea.WindowSizeMsg{Width: 80, Height: 14})
		if s := m.screen(); !strings.Contains(s, "scrolls to the rest") || !strings.Contains(s, "enter submit") {
			t.Errorf("provider %q at 80×14: the list does not scroll or its keys are cut:\n%s", provider, s)
		}
	}
}

// formIn is formAt in a window of w×h, sized (as a terminal is, after the first step) before the step is drawn.
func formIn(t *testing.T, id steps.StepID, a steps.Answers, w, h int) *model {
	t.Helper()
	opt := testOptions(t)
	opt.Loaded.Answers = a
	m := newModel(context.Background(), opt)
	run(m, m.Init())
	send(m, tea.WindowSizeMsg{Width: w, Height: h})
	run(m, m.enterStepID(id))
	return m
}

// A refused answer shows its reason once, and the input line stays in sight under it.
func TestARefusedAnswerShowsOnceWithTheInput(t *testing.T) {
	t.Parallel()
	m := formAt(t, steps.StepApplication, steps.Answers{})
	send(m, enter, typed("example"), enter)
	s := m.screen()
	if at(m) != steps.StepApplication || strings.Count(s, "has no dot") != 1 || !strings.Contains(s, "> example") {
		t.Errorf("step %s:\n%s", at(m), s)
	}
}

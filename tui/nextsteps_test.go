package tui

import (
	"strings"
	"testing"

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
	m := formAt(t, steps.StepStorage, steps.Answers{Mode: "temporal", Application: "wordpress", WebsiteURL: "www.example.com", Technique: "plugin"})
	if s := m.screen(); !strings.Contains(s, "choices: ↓ scrolls to the rest") {
		t.Errorf("no sign of more providers:\n%s", s)
	}
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

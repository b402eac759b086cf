package tui

import (
	"errors"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// The review's choices for each kind of plan, the same in both wizards: Enter (the default)
// never applies a plan that could not read, warns of data loss, or changes nothing.
func TestReviewChoicesFollowThePlan(t *testing.T) {
	t.Parallel()
	create := provision.Action{Resource: provision.Bucket, ID: "b", Op: provision.Create}
	noop := provision.Action{Resource: provision.File, ID: "override.tmpl", Op: provision.Noop}
	opt := testOptions(t)
	opt.Loaded.Answers = steps.Answers{Mode: steps.ModeBaseline, WebsiteURL: "www.example.com", Technique: steps.TechniquePlugin,
		Storage: steps.Storage{Provider: "digitalocean"}}
	w := newWizard(opt)
	for _, tc := range []struct {
		name, banner, def string
		msg               planMsg
		apply             bool
	}{
		{"changes", "", choiceApply, planMsg{plan: provision.Plan{Actions: []provision.Action{create}, Warnings: []string{"a note"}}}, true},
		{"nothing to do", "Nothing to do", choiceSave, planMsg{plan: provision.Plan{Actions: []provision.Action{noop}}}, false},
		{"could not read", "could not read a provider", choiceRetry, planMsg{err: errors.New("access denied")}, false},
		{"data loss", "DATA LOSS:", choiceBack, planMsg{plan: provision.Plan{Actions: []provision.Action{create}, DataLoss: []string{"b"},
			DataLossObjects: map[string]int{"b": 411}}}, true},
		{"guard unread", "DATA LOSS NOT RULED OUT", choiceRetry, planMsg{plan: provision.Plan{Actions: []provision.Action{create}, GuardUnread: []string{"b: access denied"}}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := w.review(tc.msg)
			if got := r.items[r.def].id; got != tc.def {
				t.Errorf("Enter takes %q, want %q", got, tc.def)
			}
			hasApply := false
			for _, it := range r.items {
				hasApply = hasApply || it.id == choiceApply
			}
			if hasApply != tc.apply || !strings.Contains(r.banner, tc.banner) {
				t.Errorf("apply offered %v (want %v), banner %q", hasApply, tc.apply, r.banner)
			}
		})
	}
	if r := w.review(planMsg{plan: provision.Plan{Actions: []provision.Action{create}, DataLoss: []string{"b"}, DataLossObjects: map[string]int{"b": 411}}}); !strings.Contains(r.banner, "b  holds 411 objects") {
		t.Errorf("the data-loss banner does not count the objects: %q", r.banner)
	}
}

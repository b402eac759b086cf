package tui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// A failing action shows as ✗ with its error; what depended on it is not started; the summary
// says to re-run, and the wizard ends with the apply error.
func TestApplyViewShowsAFailure(t *testing.T) {
	opt := testOptions(t)
	opt.Plan = func(ctx context.Context, a *steps.Answers) (provision.Plan, error) {
		p, err := offlinePlan(ctx, a)
		for i := range p.Actions {
			if p.Actions[i].Resource == provision.Bucket {
				p.Actions[i].Do = func(context.Context) error {
					return errors.New("the name is taken by another account")
				}
			}
		}
		return p, err
	}
	d := start(t, opt)
	d.toReview()
	d.send(enter)
	d.waitFor("Apply failed")
	d.send(enter)
	m := d.final()
	screen := m.View()
	for _, want := range []string{"✗ bucket www-example-com-assets-wp-content-uploads", "the name is taken by another account",
		"not started", "Apply failed: 0 done, 1 failed, 3 not started"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the apply view lacks %q:\n%s", want, screen)
		}
	}
	if strings.Contains(screen, "✓") || strings.Contains(screen, "changes made") {
		t.Errorf("a failed apply shows something done:\n%s", screen)
	}
	if _, err := os.Stat(filepath.Join(opt.Dir, steps.DefaultOverrideFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the override file was written though its bucket failed: %v", err)
	}
	var applyErr ApplyError
	if !errors.As(m.err, &applyErr) {
		t.Errorf("err = %v, want an ApplyError", m.err)
	}
}

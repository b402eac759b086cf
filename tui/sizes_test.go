package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
)

// The sizes a newcomer's terminal has, and colour or NO_COLOR.
var sizes = []struct{ w, h int }{{60, 20}, {80, 24}, {120, 40}, {200, 50}}

func eachLook(t *testing.T, f func(t *testing.T, w, h int)) {
	for _, colour := range []bool{false, true} {
		for _, s := range sizes {
			name := fmt.Sprintf("%dx%d", s.w, s.h)
			if colour {
				name += "-colour"
			} else {
				name += "-NO_COLOR"
			}
			t.Run(name, func(t *testing.T) {
				if colour {
					lipgloss.SetColorProfile(termenv.ANSI)
					t.Cleanup(func() { lipgloss.SetColorProfile(termenv.Ascii) })
				}
				f(t, s.w, s.h)
			})
		}
	}
}

func startSized(t *testing.T, opt Options, w, h int) *driver {
	t.Helper()
	m := newModel(context.Background(), opt)
	return &driver{t: t, tm: teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))}
}

// The Backups step: which of Yes and No is chosen shows without colour (a cursor), and
// the review shows every choice and the key help at every size.
func TestScreensAtEverySize(t *testing.T) {
	eachLook(t, func(t *testing.T, w, h int) {
		opt := testOptions(t)
		opt.DryRun = true
		d := startSized(t, opt, w, h)
		d.toBackups()
		d.send(down) // No
		d.waitFor("> No")
		d.send(up)
		d.waitFor("> Yes")
		d.send(enter, enter)
		d.waitFor("Serve uploads")
		d.send(enter) // none
		d.waitFor("Override file")
		d.send(enter, enter)
		d.waitFor("Show the exports")
		d.send(down, enter) // the exports
		d.waitFor("The exports (secrets masked)")
		d.send(ctrlC)
		m := d.final()
		screen := m.screen()
		requireGolden(t, screen)
		lines := strings.Split(screen, "\n")
		if len(lines) >= h {
			t.Errorf("%d lines on a screen of %d", len(lines), h)
		}
		for _, want := range []string{"Save the answers", "Show the plan", "Go back to a step", "Quit without saving", "ctrl+c quit"} {
			if !strings.Contains(screen, want) {
				t.Errorf("the review lacks %q at %dx%d:\n%s", want, w, h, screen)
			}
		}
		for _, l := range lines {
			if lipgloss.Width(l) > w {
				t.Errorf("a line wider than %d: %q", w, l)
			}
		}
	})
}

package tui

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// fits fails when a screen is taller than the window (less the line the renderer keeps) or
// a line is wider.
func fits(t *testing.T, screen string, w, h int) {
	t.Helper()
	lines := strings.Split(screen, "\n")
	if len(lines) >= h {
		t.Errorf("%d lines on a screen of %d:\n%s", len(lines), h, screen)
	}
	for _, l := range lines {
		if lipgloss.Width(l) > w {
			t.Errorf("a line wider than %d: %q", w, l)
		}
	}
}

// toPlanReview answers a WordPress temporal s3fs site up to the review of its plan.
func (d *driver) toPlanReview() {
	d.toBackups()
	d.send(enter, enter) // versioning on, 30 days
	d.waitFor("Serve uploads")
	d.send(enter) // none
	d.waitFor("Override file")
	d.send(enter, enter)
	d.waitFor("Go back to a step")
}

// The review of a plan at every size, in a --dry-run as a newcomer's first walk is: the
// plan gets the lines the menu leaves (at 60×20, 8 rather than 6), every choice and the
// key help show.
func TestReviewAtEverySize(t *testing.T) {
	eachLook(t, func(t *testing.T, w, h int) {
		opt := testOptions(t)
		opt.DryRun = true
		d := startSized(t, opt, w, h)
		d.toPlanReview()
		d.send(ctrlC)
		m := d.final()
		screen := m.screen()
		requireGolden(t, screen)
		fits(t, screen, w, h)
		for _, want := range []string{"--dry-run", "Save the answers", "Show the exports", "Go back to a step", "Quit without saving", "ctrl+c quit"} {
			if !strings.Contains(screen, want) {
				t.Errorf("the review lacks %q:\n%s", want, screen)
			}
		}
		if want := min(m.review.TotalLineCount(), h*2/5); m.review.Height < want {
			t.Errorf("the plan has %d lines of a %d-line window, want %d or more", m.review.Height, h, want)
		}
	})
}

// The Applied screen at every size, with uploads in the webroot (the sync offer makes the
// next steps longer than 80×24 holds): its key help shows under the summary, and the
// summary's last line is reached by scrolling.
func TestAppliedAtEverySize(t *testing.T) {
	webroot := uploadsInWebroot(t)
	eachLook(t, func(t *testing.T, w, h int) {
		opt := testOptions(t)
		opt.Loaded.Answers.Webroot = webroot
		d := startSized(t, opt, w, h)
		d.toPlanReview()
		d.send(enter) // Apply this plan
		d.waitFor("enter exit")
		d.send(enter)
		m := d.final()
		m.quitting = false // the live frame, not the last word printed after the wizard
		screen := m.screen()
		requireGolden(t, strings.ReplaceAll(screen, webroot, "/tmp/assetwiz-webroot-XXXXXXXX"))
		fits(t, screen, w, h)
		if !strings.Contains(screen, "assetwiz · Applied") || !strings.Contains(screen, "enter exit") {
			t.Errorf("no title or key help:\n%s", screen)
		}
		m.Update(tea.KeyMsg{Type: tea.KeyEnd})
		if end := m.screen(); !strings.Contains(end, "assetwiz verify") || !strings.Contains(end, "enter exit") {
			t.Errorf("the end of the summary is out of reach:\n%s", end)
		}
	})
}

// The exports view never splits a name: every directory, host and value of the override
// file is whole on one line of the wrapped view, at every width (at 80 columns the Drupal
// site's `sites/default/files/inline-images` came out as `…/files/in` / `line-i mages`).
func TestExportsWrapBetweenValues(t *testing.T) {
	t.Parallel()
	a := steps.Answers{Toolkit: "current", Mode: "temporal", Application: "drupal", WebsiteURL: "www.example.com",
		Technique: "s3fs", Storage: steps.Storage{Provider: "digitalocean", Region: "ams3"}}
	a.Complete()
	raw := ansi.Strip(exportsText(a))
	atom := regexp.MustCompile(`[^\s:/=,."]+`)
	for _, s := range sizes {
		opt := testOptions(t)
		opt.Loaded.Answers = a
		m := newModel(t.Context(), opt)
		m.width, m.height = s.w, s.h
		m.showReview(planMsg{plan: provision.Plan{Actions: []provision.Action{{Resource: provision.Bucket, ID: "b", Op: provision.Create}}}})
		m.toggleExports()
		if m.reviewTab != "exports" {
			t.Fatal("the review offers no exports")
		}
		m.review.Height = 1000 // all of it
		view := ansi.Strip(m.review.View())
		lines := strings.Split(view, "\n")
		for _, word := range atom.FindAllString(raw, -1) {
			whole := false
			for _, l := range lines {
				whole = whole || strings.Contains(l, word)
			}
			if !whole {
				t.Errorf("at %d columns %q is split:\n%s", s.w, word, view)
			}
		}
		if !strings.Contains(view, "inline-images") {
			t.Fatalf("the exports lack the directory:\n%s", view)
		}
	}
}

// At 60×20 every option of the first question shows, with the key help under it, and the
// cursor is seen on the last one.
func TestEveryOptionShowsOnASmallWindow(t *testing.T) {
	t.Parallel()
	m := newModel(t.Context(), testOptions(t))
	run(m, m.Init())
	send(m, tea.WindowSizeMsg{Width: 60, Height: 20})
	send(m, down, down)
	screen := ansi.Strip(m.screen())
	fits(t, screen, 60, 20)
	for _, want := range []string{"current", "classic", "> original", "enter submit", "ctrl+c quit"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the toolkit question lacks %q at 60×20:\n%s", want, screen)
		}
	}
}

// shift+tab at the review goes back to the last question, as on every other screen; it
// does not move the menu's cursor (onto "Quit without saving").
func TestShiftTabAtTheReviewGoesBack(t *testing.T) {
	d := start(t, testOptions(t))
	d.toPlanReview()
	d.send(shiftTab)
	d.waitFor("Snippets folder")
	d.send(ctrlC)
	if m := d.final(); m.phase != phaseForm || at(m) != steps.StepOutput {
		t.Errorf("shift+tab at the review: phase %v at %s", m.phase, at(m))
	}
}

// uploadsInWebroot is a webroot holding three uploads, at a path of fixed length so that
// wrapped screens are the same on every run.
func uploadsInWebroot(t *testing.T) string {
	t.Helper()
	suffix := make([]byte, 4)
	rand.Read(suffix)
	webroot := filepath.Join("/tmp", "assetwiz-webroot-"+hex.EncodeToString(suffix))
	t.Cleanup(func() { os.RemoveAll(webroot) })
	for name, size := range map[string]int{"2024/01/a.jpg": 1500, "2024/01/b.png": 500, "c.pdf": 1000} {
		path := filepath.Join(webroot, "wp-content", "uploads", filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return webroot
}

// A data-loss review at every size: DATA LOSS opens the screen under the header, every
// choice shows, and the banner's words are all there (its first lines above the plan, the
// rest opening the plan); the typed-host screen fits too.
func TestDataLossBannerAtEverySize(t *testing.T) {
	t.Parallel()
	a := steps.Answers{Toolkit: "current", Mode: "baseline", Application: "wordpress", WebsiteURL: "www.example.com",
		Technique: "plugin", Storage: steps.Storage{Provider: "digitalocean", Region: "ams3"}}
	a.Complete()
	bucket := "www-example-com-assets-wp-content-uploads"
	for _, s := range sizes {
		opt := testOptions(t)
		opt.Loaded.Answers = a
		m := newModel(t.Context(), opt)
		m.width, m.height = s.w, s.h
		p, err := offlinePlan(t.Context(), &a)
		if err != nil {
			t.Fatal(err)
		}
		p.DataLoss, p.DataLossObjects = []string{bucket}, map[string]int{bucket: 411}
		m.showReview(planMsg{plan: p})
		screen := ansi.Strip(m.screen())
		fits(t, screen, s.w, s.h)
		if lines := strings.Split(screen, "\n"); !strings.HasPrefix(lines[2], "DATA LOSS:") {
			t.Errorf("at %dx%d DATA LOSS is not first:\n%s", s.w, s.h, screen)
		}
		for _, want := range []string{"Go back to a step", "Apply this plan", "Quit without saving"} {
			if !strings.Contains(screen, want) {
				t.Errorf("at %dx%d the review lacks %q:\n%s", s.w, s.h, want, screen)
			}
		}
		m.review.Height = 1000
		all := strings.Join(strings.Fields(m.bannerShown+" "+ansi.Strip(m.review.View())), " ")
		if !strings.Contains(all, bucket+" holds 411 objects") || !strings.Contains(all, "Apply asks you to type www.example.com") {
			t.Errorf("at %dx%d the banner lost words:\n%s", s.w, s.h, all)
		}
		m.layoutReview()
		m.askConsent()
		m.phase = phaseConsent
		fits(t, ansi.Strip(m.screen()), s.w, s.h)
	}
}

package tui

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/assetwiz/assetwiz/steps"
)

func key(t tea.KeyType) tea.KeyMsg { return tea.KeyMsg{Type: t} }

var (
	enter    = key(tea.KeyEnter)
	down     = key(tea.KeyDown)
	up       = key(tea.KeyUp)
	esc      = key(tea.KeyEsc)
	ctrlC    = key(tea.KeyCtrlC)
	shiftTab = key(tea.KeyShiftTab)
)

func typed(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// driver runs the whole wizard in a teatest program at 80×24.
type driver struct {
	t  *testing.T
	tm *teatest.TestModel
}

// The tests that walk the wizard through a driver stay serial (no t.Parallel): the keys are
// sent on a typist's pauses, not on the frames, and beside other walks under -race they
// outpaced the screen (a key sent before its field had the focus).
func start(t *testing.T, opt Options) *driver {
	t.Helper()
	m := newModel(context.Background(), opt)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	return &driver{t: t, tm: tm}
}

// How long a keystroke takes to settle, and how long a screen may take to show: long enough
// for -race on two CPUs shared at a load average of 13 (at 5 s a frame sometimes came late).
var typistPause, screenWait = 15 * time.Millisecond, 30 * time.Second

// waitFor waits until the screen shows text.
func (d *driver) waitFor(text string) {
	d.t.Helper()
	teatest.WaitFor(d.t, d.tm.Output(), func(b []byte) bool { return strings.Contains(ansi.Strip(string(b)), text) },
		teatest.WithDuration(screenWait), teatest.WithCheckInterval(10*time.Millisecond))
}

func (d *driver) send(msgs ...tea.Msg) {
	for _, m := range msgs {
		d.tm.Send(m)
		time.Sleep(typistPause) // let huh's own commands settle, as a typist would
	}
}

func (d *driver) final() *model {
	return d.tm.FinalModel(d.t, teatest.WithFinalTimeout(screenWait)).(*model)
}

// toBackups answers a WordPress temporal s3fs site at DigitalOcean up to the Backups step.
func (d *driver) toBackups() { d.toBackupsWithKeys("AKIAXYZZY", "plughplugh") }

// toBackupsWithKeys is toBackups typing these keys ("": Enter, none typed).
func (d *driver) toBackupsWithKeys(access, secret string) {
	d.waitFor("Step 1 of")
	d.send(enter) // current
	d.waitFor("Deployment mode")
	d.send(enter) // temporal (the default)
	d.waitFor("temporal backup")
	d.send(enter) // hourly
	d.waitFor("Application and site")
	d.send(down, enter) // wordpress
	// Type only once the input has the focus (huh moves it with a command of its own); the
	// placeholder already reads "www.example.com", so the screen cannot tell typed text apart.
	d.waitFor("┃ Website URL")
	d.send(typed("www.example.com"), enter)
	d.waitFor("Asset directories")
	d.send(enter, enter)
	d.waitFor("Technique")
	d.send(down, enter) // s3fs (the cursor starts on plugin, the advice)
	d.waitFor("DATASTOREMOUNTTOOL:rclone:binary")
	d.send(enter) // rclone, the generation's own
	d.waitFor("Storage provider")
	d.send(enter) // digitalocean (current has no AWS: the cursor starts past aws)
	d.waitFor("Region at")
	d.send(enter) // ams3
	// Each key is typed once its input has the focus (huh moves it with a command of its own):
	// typed before, the secret went into the access key's input under -race.
	for _, k := range []string{"┃ Access key", access, "┃ Secret key", secret} {
		if strings.HasPrefix(k, "┃ ") {
			d.waitFor(k)
			continue
		}
		if k != "" {
			d.send(typed(k))
		}
		d.send(enter)
	}
	d.waitFor("Keep a second copy elsewhere?")
	d.send(enter) // none (optional; the cursor starts there)
	d.waitFor("Keep old versions")
}

// toReview answers a WordPress temporal s3fs site at DigitalOcean up to the review.
func (d *driver) toReview() {
	d.toBackups()
	d.send(enter, enter) // versioning on, 30 days
	d.waitFor("Serve uploads")
	d.send(enter) // none
	d.waitFor("Override file")
	d.send(enter, enter)
	d.waitFor("Plan:")
}

func TestWordPressTemporalS3fsToReview(t *testing.T) {
	opt := testOptions(t)
	opt.DryRun = true
	d := start(t, opt)
	d.toReview()
	d.send(ctrlC)
	m := d.final()
	requireGolden(t, m.screen())
	a := m.w.ans
	if a.Mode != "temporal" || a.Application != "wordpress" || a.Technique != "s3fs" || a.Storage.Provider != "digitalocean" ||
		a.Storage.Region != "ams3" || a.WebsiteURL != "www.example.com" {
		t.Errorf("answers %+v", a)
	}
	if a.MountTool != "" || a.MountToolUsed() != "rclone" {
		t.Errorf("mount tool %q (used %q): the generation's own, chosen, stays open", a.MountTool, a.MountToolUsed())
	}
	if a.Secrets.S3AccessKey != "AKIAXYZZY" || strings.Contains(m.screen(), "plugh") {
		t.Error("the keys were not bound, or were shown")
	}
}

func TestCtrlCAtReviewLeavesNoFiles(t *testing.T) {
	opt := testOptions(t)
	dir := opt.Dir
	d := start(t, opt)
	d.toReview()
	d.send(ctrlC)
	m := d.final()
	if !errors.Is(m.err, ErrInterrupted) {
		t.Errorf("err = %v, want ErrInterrupted", m.err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("files were left: %v", entries)
	}
	if got := m.View(); !strings.Contains(got, "nothing was changed") {
		t.Errorf("last view %q", got)
	}
}

func TestSaveAtReviewWritesAnswersOnly(t *testing.T) {
	opt := testOptions(t)
	dir := opt.Dir
	opt.DryRun = true
	d := start(t, opt)
	d.toReview()
	d.send(enter) // the first choice with --dry-run: save and quit
	m := d.final()
	if m.err != nil {
		t.Fatal(m.err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 || entries[0].Name() != steps.DefaultAnswersFile {
		t.Errorf("files: %v", entries)
	}
	loaded, err := steps.Load(steps.Sources{Dir: opt.Dir})
	if err != nil {
		t.Fatal(err)
	}
	want := m.w.ans
	want.Secrets = steps.Secrets{}
	if loaded.Answers.Technique != "s3fs" || loaded.Answers.Storage.Region != "ams3" || loaded.Answers.WebsiteURL != want.WebsiteURL {
		t.Errorf("loaded %+v", loaded.Answers)
	}
}

func TestBackFromStep5ToStep2ChangingTheMode(t *testing.T) {
	d := start(t, testOptions(t))
	d.waitFor("Step 1 of")
	d.send(enter)
	d.waitFor("Deployment mode")
	d.send(enter, enter) // temporal, hourly
	d.waitFor("Application and site")
	d.send(down, enter) // wordpress
	// Type only once the input has the focus (huh moves it with a command of its own); the
	// placeholder already reads "www.example.com", so the screen cannot tell typed text apart.
	d.waitFor("┃ Website URL")
	d.send(typed("www.example.com"), enter)
	d.waitFor("Asset directories")
	d.send(enter, enter)
	d.waitFor("Step 5 of")
	d.send(esc) // directories
	d.waitFor("Step 4 of")
	d.send(esc) // application, URL kept
	d.waitFor("Step 3 of")
	d.send(esc) // mode
	d.waitFor("Step 2 of")
	d.send(up, enter) // baseline: no period asked
	d.waitFor("Application and site")
	d.send(enter, enter) // WordPress and the URL, kept
	d.waitFor("Asset directories")
	d.send(enter, enter)
	d.waitFor("Technique")
	d.send(ctrlC)
	m := d.final()
	requireGolden(t, m.screen())
	if m.w.ans.Mode != "baseline" || m.w.ans.Period != "" || m.w.ans.WebsiteURL != "www.example.com" || m.w.ans.Application != "wordpress" {
		t.Errorf("answers %+v", m.w.ans)
	}
	if m.w.ans.Technique != steps.TechniqueLocal {
		t.Errorf("technique %q, want local (the baseline default)", m.w.ans.Technique)
	}
}

// Unticking every directory is refused at the "more" line, with the reason on the screen;
// going back and ticking one again clears it: it does not stay as if still true.
// toDirectories walks a new wizard to the asset directories of a temporal WordPress site.
func (d *driver) toDirectories() {
	d.waitFor("Step 1 of")
	d.send(enter)
	d.waitFor("Deployment mode")
	d.send(enter, enter) // temporal, hourly
	d.waitFor("Application and site")
	d.send(down, enter) // wordpress
	// Type only once the input has the focus (huh moves it with a command of its own); the
	// placeholder already reads "www.example.com", so the screen cannot tell typed text apart.
	d.waitFor("┃ Website URL")
	d.send(typed("www.example.com"), enter)
	d.waitFor("Asset directories")
}

func TestDirectoriesErrorGoesAfterReticking(t *testing.T) {
	d := start(t, testOptions(t))
	d.toDirectories()
	d.send(typed("x"), enter) // untick wp-content/uploads, on to the "more" line
	// Enter only once the "more" line has the focus: sent before, under -race on a loaded
	// machine it was lost and the error never came.
	d.waitFor("┃ More directories")
	d.send(enter) // nothing more typed
	d.waitFor("✗ directories: is empty; choose or list at least one directory")
	d.send(shiftTab) // back to the list
	// Tick only once the list has the focus (huh moves it with a command of its own): typed
	// before, the "x" went into the "more" line under load.
	d.waitFor("┃ Asset directories")
	d.send(typed("x"), enter) // tick it again, on to the "more" line
	d.waitFor("┃ More directories")
	d.send(ctrlC)
	m := d.final()
	if s := m.screen(); strings.Contains(s, "at least one directory") || !strings.Contains(s, "More directories") {
		t.Errorf("the error stayed after re-ticking, or the \"more\" line is not shown:\n%s", s)
	}
}

// An answered yes/no question stays in sight as the user chose it ("Yes"), not as the answers
// file spells it ("true").
func TestAnsweredYesNoReadsAsChosen(t *testing.T) {
	opt := testOptions(t)
	opt.DryRun = true
	d := start(t, opt)
	d.toBackups()
	d.send(enter)                                   // Yes (recommended)
	d.waitFor("Keep old versions of uploads?: Yes") // above the next question, "Days to keep"
	d.send(key(tea.KeyCtrlC))
	d.final()
}

// On a step's second field huh's own help line says "shift+tab back"; the footer does not
// say it again.
func TestShiftTabBackIsSaidOnce(t *testing.T) {
	d := start(t, testOptions(t))
	d.toDirectories()
	d.send(enter) // on to the "more" line
	d.waitFor("┃ More directories")
	d.send(ctrlC)
	s := d.final().screen()
	if !strings.Contains(s, "More directories") {
		t.Fatalf("the \"more\" line is not shown:\n%s", s)
	}
	if n := strings.Count(s, "shift+tab back"); n != 1 {
		t.Errorf("\"shift+tab back\" is shown %d times; want once:\n%s", n, s)
	}
}

package tui

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// sizedAt is the full-screen wizard at a window of w×h, showing step id.
func sizedAt(t *testing.T, id steps.StepID, a steps.Answers, w, h int) *model {
	t.Helper()
	opt := testOptions(t)
	opt.Loaded.Answers = a
	m := newModel(context.Background(), opt)
	run(m, m.enterStepID(id))
	send(m, tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// Issue 22: a typed answer showed its value twice, "✓ 30" above "> 30". The value is said
// once; the note under the input still says what a value typed becomes when that differs.
func TestTypedValueIsShownOnce(t *testing.T) {
	t.Parallel()
	m := sizedAt(t, steps.StepBackups, temporal(steps.ToolkitCurrent, steps.TechniqueS3fs), 80, 24)
	send(m, enter) // keep old versions: yes
	screen := ansi.Strip(m.screen())
	if !strings.Contains(screen, "Days to keep an old version") {
		t.Fatalf("not at the days:\n%s", screen)
	}
	if n := strings.Count(screen, "30"); n != 1 {
		t.Errorf("the default 30 is shown %d times:\n%s", n, screen)
	}
	m = sizedAt(t, steps.StepApplication, steps.Answers{}, 80, 24)
	send(m, enter) // joomla
	send(m, typed("https://WWW.Example.com"))
	if screen := ansi.Strip(m.screen()); !strings.Contains(screen, "✓ www.example.com") {
		t.Errorf("what the URL becomes is not said:\n%s", screen)
	}
}

// Issue 22: at 60 columns huh wrapped a choice inside "wintersys-projects"; every entry is
// wrapped between words, its help's next lines under the help, and every entry in sight.
func TestListEntriesWrapBetweenWordsAt60Columns(t *testing.T) {
	t.Parallel()
	m := sizedAt(t, steps.StepToolkit, steps.Answers{}, 60, 20)
	screen := ansi.Strip(m.screen())
	for _, want := range []string{"(wintersys-projects main)", "(wintersys-projects .orig / .new)", "(agile-infrastructure-*)"} {
		if !strings.Contains(screen, want) {
			t.Errorf("%q is not on one line:\n%s", want, screen)
		}
	}
	for _, l := range strings.Split(screen, "\n") {
		if strings.HasPrefix(l, "┃") && strings.HasSuffix(strings.TrimRight(l, " "), "-") {
			t.Errorf("an entry wraps at a hyphen: %q", l)
		}
		if ansi.StringWidth(l) > 60 {
			t.Errorf("a line wider than the window: %q", l)
		}
	}
	// Entries of two lines: every one in sight, the first included, the cursor on the advice.
	m = sizedAt(t, steps.StepTechnique, temporal(steps.ToolkitCurrent, ""), 60, 20)
	screen = ansi.Strip(m.screen())
	for _, want := range []string{"┃   local   keep uploads", "┃ > plugin  the WordPress plugin", "┃   s3fs    mount the bucket", "┃           buckets)"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the technique list lacks %q at 60×20:\n%s", want, screen)
		}
	}
	// A directory's bucket name is not cut at a hyphen either.
	dirs := sizedAt(t, steps.StepDirectories, temporal(steps.ToolkitCurrent, steps.TechniqueS3fs), 60, 20)
	if screen := ansi.Strip(dirs.screen()); !strings.Contains(screen, "www-example-com-assets-wp-content-uploads") {
		t.Errorf("the bucket's name is cut:\n%s", screen)
	}
	// A change of width wraps them again, the cursor where it was.
	send(m, down) // s3fs
	send(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	screen = ansi.Strip(m.screen())
	if !strings.Contains(screen, "┃ > s3fs    mount the bucket as a folder on every web server (rclone by default for toolkit current;") {
		t.Errorf("at 120 columns:\n%s", screen)
	}
}

// Issue 22 item 4 in accessible mode: a complete, valid answers file opens on the review, and
// its "Go back to a step" reaches every step, as esc does in the full-screen wizard.
func TestAccessibleOpensOnTheReviewForACompleteFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	yaml := "mode: temporal\napplication: wordpress\nwebsite_url: www.example.com\ntechnique: s3fs\nstorage:\n  provider: digitalocean\n"
	if err := os.WriteFile(filepath.Join(dir, "assetwiz.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	loaded, err := steps.Load(steps.Sources{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	script := strings.Join([]string{
		"3",                  // review: go back to a step
		"8",                  // Old versions (the 8th listed: EFS does not apply)
		"", "21", "", "", "", // versioning, 21 days, no cdn, override file, snippets folder
		"", // review: save
	}, "\n") + "\n"
	var out bytes.Buffer
	opt := testOptions(t)
	opt.Dir = dir
	opt.Loaded, opt.DryRun, opt.Accessible = loaded, true, true
	opt.Input, opt.Output = strings.NewReader(script), &out
	if err := Run(context.Background(), opt); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	first := strings.Index(text, "Step ")
	if !strings.HasPrefix(text[first:], "Step 8 of 8: Review") {
		t.Errorf("the wizard did not open on the review:\n%s", text)
	}
	// Each entry carries its step's own number: the list counts 1–10, the steps go to 8.
	for _, want := range []string{"1. Step 1: Toolkit generation", "5. Step 5: Technique", "6. Step 5: Storage", "9. Step 6: CDN", "10. Step 7: Output"} {
		if !strings.Contains(text, want) {
			t.Errorf("going back does not offer %q:\n%s", want, text)
		}
	}
	saved, err := steps.Load(steps.Sources{Dir: dir})
	if err != nil || saved.Answers.Storage.NoncurrentVersionDays == nil || *saved.Answers.Storage.NoncurrentVersionDays != 21 {
		t.Errorf("saved %+v (%v)\n%s", saved.Answers.Storage, err, text)
	}
	if n := strings.Count(text, "Step 8 of 8: Review"); n != 2 {
		t.Errorf("the review was shown %d times:\n%s", n, text)
	}
}

// noKeys is what `assetwiz`'s live plan says with no key at all (cmd/assetwiz's backends,
// one line a missing key), for a plugin site with a second copy and Cloudflare.
var noKeys = errors.New("S3_ACCESS_KEY and S3_SECRET_KEY: not set; export the storage keys of digitalocean (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)\n" +
	"BACKUP_S3_ACCESS_KEY and BACKUP_S3_SECRET_KEY: not set; export the keys of the backup target (wasabi)\n" +
	"CLOUDFLARE_API_TOKEN: not set; export a Cloudflare API token with Zone > Zone > Read and Zone > Cache Rules > Edit, Zone > DNS > Edit and Zone > Origin Rules > Edit (the CDN host in front of the bucket)")

// noKeysReview is the review of a plugin site with no keys at all: the live plan fails, the
// offline one (provision's own, with its warnings) is the preview.
func noKeysReview(t *testing.T, w, h int) *model {
	t.Helper()
	a := temporal(steps.ToolkitCurrent, steps.TechniquePlugin)
	a.Backup.Provider = "wasabi"
	a.CDN.Provider = steps.CDNCloudflare
	opt := testOptions(t)
	opt.Loaded.Answers = a
	opt.Plan = func(context.Context, *steps.Answers) (provision.Plan, error) { return provision.Plan{}, noKeys }
	opt.OfflinePlan = offlinePlan
	m := newModel(context.Background(), opt)
	m.width, m.height = w, h
	m.cur = place{m.w.stepIndex(steps.StepReview), 0}
	m.w.ans.Complete()
	m.showReview(makePlan(context.Background(), m.w.opt, m.w.ans))
	return m
}

// Issue 22's "three warnings about missing keys": the banner names the storage keys, and the
// preview's warnings said each of them again. Each missing key is said on one line.
func TestNoKeysReviewSaysEachMissingKeyOnce(t *testing.T) {
	t.Parallel()
	m := noKeysReview(t, 80, 400) // tall enough for the whole plan
	screen := ansi.Strip(m.screen())
	count := 0
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(strings.ReplaceAll(l, "BACKUP_S3_ACCESS_KEY", ""), "S3_ACCESS_KEY") {
			count++
		}
	}
	if count != 1 || !strings.Contains(screen, "Warnings:") {
		t.Errorf("S3_ACCESS_KEY is on %d lines:\n%s", count, screen)
	}
}

// Issue 22: at 80 columns the no-keys banner wrapped its last sentence under a hanging indent
// and the preview's title under the plan's. Each cause is an entry of its own, wrapped under
// its text; sentences and the title wrap flush; nothing is wider than the window, and the
// keys' help is on the screen.
func TestNoKeysBannerWrapsToTheWidth(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{80, 24}, {60, 20}, {120, 40}} {
		m := noKeysReview(t, size[0], size[1])
		lines := strings.Split(ansi.Strip(m.screen()), "\n")
		for i, l := range lines {
			lines[i] = strings.TrimRight(l, " ")
			if ansi.StringWidth(l) > size[0] {
				t.Errorf("%dx%d: a line wider than the window: %q", size[0], size[1], l)
			}
		}
		screen := strings.Join(lines, "\n")
		if !strings.HasSuffix(screen, "quit") || len(lines) >= size[1] {
			t.Errorf("%dx%d: %d lines, the keys' help not last:\n%s", size[0], size[1], len(lines), screen)
		}
		if !strings.Contains(screen, "✗ The plan could not read a provider:\n  S3_ACCESS_KEY and S3_SECRET_KEY: not set;") {
			t.Errorf("%dx%d: the causes are not listed one a line:\n%s", size[0], size[1], screen)
		}
		// The whole review, scrolled through: no sentence or title continued under an indent.
		m = noKeysReview(t, size[0], 400)
		all := ansi.Strip(m.screen())
		all = regexp.MustCompile(` +\n`).ReplaceAllString(all, "\n")
		for _, start := range []string{"Nothing can be applied", "Offline preview"} {
			i := strings.Index(all, start)
			if i < 0 {
				t.Fatalf("%dx%d: no %q:\n%s", size[0], size[1], start, all)
			}
			if next := strings.SplitN(all[i:], "\n", 3)[1]; strings.HasPrefix(next, " ") {
				t.Errorf("%dx%d: %q continues indented: %q", size[0], size[1], start, next)
			}
		}
	}
}

// Issue 22: S3_LOCATION="US" for a site in Frankfurt, without a note. The exports view says
// why US is right (s3cmd's bucket_location, US in every template; the region is the host).
func TestExportsViewSaysWhyS3LocationIsUS(t *testing.T) {
	t.Parallel()
	a := temporal(steps.ToolkitCurrent, steps.TechniqueS3fs)
	a.Storage.Region = "fra1"
	a.Secrets = steps.Secrets{S3AccessKey: "AKIAXYZZY", S3SecretKey: "plughplugh"}
	opt := testOptions(t)
	opt.Loaded.Answers = a
	m := newModel(context.Background(), opt)
	m.width, m.height = 80, 60
	m.w.ans.Complete()
	m.showReview(makePlan(context.Background(), m.w.opt, m.w.ans))
	m.toggleExports()
	screen := ansi.Strip(m.screen())
	if !strings.Contains(screen, `export S3_LOCATION="US"`) || !strings.Contains(screen, "bucket_location") ||
		!strings.Contains(screen, "S3_HOST_BASE (fra1.digitaloceanspaces.com)") {
		t.Errorf("no note on S3_LOCATION:\n%s", screen)
	}
	if strings.Contains(exportsText(m.w.ans), "bucket_location") {
		t.Error("the note is in the exports themselves")
	}
}

// Found walking issue 22's no-keys wizard: the second copy's check said "set S3_ACCESS_KEY and
// S3_SECRET_KEY", the storage keys' variables. It names the backup's own.
func TestBackupCheckNamesTheBackupKeys(t *testing.T) {
	t.Parallel()
	a := temporal(steps.ToolkitCurrent, steps.TechniqueS3fs)
	a.Backup.Provider = "wasabi"
	opt := testOptions(t)
	opt.Loaded.Answers = a
	opt.CheckStorage = func(context.Context, *steps.Answers) error {
		return errors.New("no storage keys: set S3_ACCESS_KEY and S3_SECRET_KEY") // what buckets.CheckAccess says
	}
	m := newModel(context.Background(), opt)
	run(m, m.enterStepID(steps.StepBackup))
	m.cur = place{m.w.stepIndex(steps.StepBackup), 0}
	// The check's own message, without the spinner's ticks (run would follow them for ever).
	for _, c := range m.stepDone()().(tea.BatchMsg) {
		if msg, ok := c().(checkMsg); ok {
			m.Update(msg)
		}
	}
	screen := ansi.Strip(m.screen())
	if !strings.Contains(screen, steps.EnvBackupAccessKey+" and "+steps.EnvBackupSecretKey+": not set") || strings.Contains(screen, "set S3_ACCESS_KEY") {
		t.Errorf("the backup check:\n%s", screen)
	}
}

// At 60 columns a plan line's detail wraps under itself: its second line was indented less
// than its first ("for /wp-content/uploads (custom us-east-1," then "127.0.0.1:9431)" four
// columns further left), as if it were another part of the action.
func TestPlanDetailWrapsUnderItself(t *testing.T) {
	const indent = "      "
	line := "  + bucket             www-walk3-example-com-assets-wp-content-uploads  for /wp-content/uploads (custom us-east-1, 127.0.0.1:9431)"
	col := func(r string) int { return len(r) - len(strings.TrimLeft(r, " ")) }
	seen := false
	for width := 50; width <= 64; width++ {
		rows := strings.Split(hangingWrap(line, width, indent), "\n")
		detail := -1 // the first row that starts further in than the hanging indent
		for i := 1; i < len(rows) && detail < 0; i++ {
			if col(rows[i]) > len(indent) {
				detail = i
			}
		}
		if detail < 0 || detail == len(rows)-1 {
			continue
		}
		seen = true
		for _, r := range rows[detail+1:] {
			if col(r) != col(rows[detail]) {
				t.Errorf("width %d: the detail's rows start at columns %d then %d:\n%s", width, col(rows[detail]), col(r), strings.Join(rows, "\n"))
			}
		}
		for _, r := range rows {
			if len(r) > width {
				t.Errorf("width %d: row wider than the window: %q", width, r)
			}
		}
	}
	if !seen {
		t.Fatal("no width between 50 and 64 put the detail on rows of its own: the case is not tested")
	}
}

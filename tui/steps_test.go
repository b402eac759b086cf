package tui

import (
	"context"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/assetwiz/assetwiz/steps"
)

// formAt builds the model at step id with answers a, as after the earlier steps.
func formAt(t *testing.T, id steps.StepID, a steps.Answers) *model {
	t.Helper()
	opt := testOptions(t)
	opt.Loaded.Answers = a
	m := newModel(context.Background(), opt)
	run(m, m.enterStepID(id))
	return m
}

// at is the step the model shows.
func at(m *model) steps.StepID { return m.step().ID }

func TestWebsiteURLIsValidatedAsTyped(t *testing.T) {
	t.Parallel()
	m := formAt(t, steps.StepApplication, steps.Answers{})
	send(m, enter) // Joomla
	send(m, typed("example.com"))
	if !strings.Contains(m.screen(), "has no subdomain") {
		t.Errorf("no reason shown while typing:\n%s", m.screen())
	}
	send(m, enter)
	if at(m) != steps.StepApplication {
		t.Fatal("an invalid URL was accepted")
	}
	send(m, tea.KeyMsg{Type: tea.KeyCtrlA})
	send(m, typed("https://WWW."))
	send(m, enter)
	if at(m) != steps.StepDirectories || m.w.ans.WebsiteURL != "www.example.com" || m.w.ans.Application != "joomla" {
		t.Errorf("step %s, answers %+v", at(m), m.w.ans)
	}
}

func TestPeriodIsAskedForTemporalOnly(t *testing.T) {
	t.Parallel()
	m := formAt(t, steps.StepMode, steps.Answers{})
	send(m, down, enter) // virgin (the list wraps from temporal)
	if at(m) != steps.StepApplication || m.w.ans.Mode != "virgin" || m.w.ans.Period != "" {
		t.Errorf("step %s, answers %+v", at(m), m.w.ans)
	}
	m = formAt(t, steps.StepMode, steps.Answers{})
	send(m, enter)
	if at(m) != steps.StepMode || !strings.Contains(m.screen(), "temporal backup") {
		t.Errorf("period not asked:\n%s", m.screen())
	}
	send(m, down, enter)
	if at(m) != steps.StepApplication || m.w.ans.Period != "daily" {
		t.Errorf("step %s, answers %+v", at(m), m.w.ans)
	}
}

func TestTechniquesOfferedFollowTheAnswers(t *testing.T) {
	t.Parallel()
	m := formAt(t, steps.StepTechnique, steps.Answers{Mode: "baseline", Application: "joomla", WebsiteURL: "www.example.com"})
	if s := m.screen(); strings.Contains(s, "s3fs") && strings.Contains(s, "efs     ") {
		t.Errorf("s3fs/efs offered for baseline:\n%s", s)
	}
	m = formAt(t, steps.StepTechnique, steps.Answers{Mode: "temporal", Toolkit: "current", Application: "joomla", WebsiteURL: "www.example.com"})
	if s := m.screen(); !strings.Contains(s, "s3fs") || strings.Contains(s, "AWS EFS") {
		t.Errorf("current temporal:\n%s", s)
	}
}

func TestHiddenSteps(t *testing.T) {
	t.Parallel()
	names := func(a steps.Answers) []string {
		w := newWizard(Options{Loaded: steps.Loaded{Answers: a}, Getenv: func(string) string { return "" }})
		var out []string
		for _, i := range w.applicable() {
			out = append(out, w.steps[i].Title)
		}
		return out
	}
	local := names(steps.Answers{Mode: "virgin", Technique: "local"})
	if slices.Contains(local, "Storage") || slices.Contains(local, "Old versions") || slices.Contains(local, "EFS") {
		t.Errorf("local asks %v", local)
	}
	efs := names(steps.Answers{Mode: "temporal", Technique: "efs", Toolkit: "original"})
	if !slices.Contains(efs, "EFS") || slices.Contains(efs, "Old versions") || !slices.Contains(efs, "Storage") {
		t.Errorf("efs asks %v", efs)
	}
	s3fs := names(steps.Answers{Mode: "temporal"})
	if len(s3fs) != 11 || !slices.Contains(s3fs, "Old versions") || !slices.Contains(s3fs, "Second copy") {
		t.Errorf("s3fs asks %v", s3fs)
	}
}

func TestDirectoriesShowBucketNamesAndWarnWhenTooLong(t *testing.T) {
	t.Parallel()
	m := formAt(t, steps.StepDirectories, steps.Answers{Mode: "temporal", Application: "wordpress", WebsiteURL: "www.a-rather-long-site-name-for-testing.example.com"})
	s := m.screen()
	if !strings.Contains(s, "characters, too long") {
		t.Errorf("no warning:\n%s", s)
	}
	m = formAt(t, steps.StepDirectories, steps.Answers{Mode: "temporal", Application: "wordpress", WebsiteURL: "www.example.com"})
	send(m, enter, typed("media/x"), enter)
	if at(m) != steps.StepTechnique || !slices.Equal(m.w.ans.Directories, []string{"wp-content/uploads", "media/x"}) {
		t.Errorf("step %s, directories %v", at(m), m.w.ans.Directories)
	}
}

func TestStorageBindsProviderRegionAndKeys(t *testing.T) {
	t.Parallel()
	m := formAt(t, steps.StepStorage, steps.Answers{Mode: "temporal", Application: "wordpress", WebsiteURL: "www.example.com", Technique: "plugin"})
	send(m, enter)       // digitalocean (current has no AWS: the cursor starts past aws)
	send(m, down, enter) // nyc3
	send(m, typed("AK"), enter, typed("SK"), enter)
	a := m.w.ans
	if a.Storage.Provider != "digitalocean" || a.Storage.Region != "nyc3" || a.Storage.Endpoint != "nyc3.digitaloceanspaces.com" ||
		a.Secrets.S3AccessKey != "AK" || a.Secrets.S3SecretKey != "SK" {
		t.Errorf("answers %+v", a)
	}
}

func TestShiftTabOnTheFirstFieldGoesBackAStep(t *testing.T) {
	t.Parallel()
	m := formAt(t, steps.StepApplication, steps.Answers{Mode: "virgin"})
	send(m, shiftTab)
	if at(m) != steps.StepMode {
		t.Errorf("step %s, want mode", at(m))
	}
}

// A temporal site nobody chose a technique for starts on the plugin, the advice; the
// provider starts on one the toolkit generation supports.
func TestCursorsStartOnTheAdvice(t *testing.T) {
	t.Parallel()
	opt := testOptions(t)
	opt.Loaded.Answers = steps.Answers{Toolkit: "current", Mode: "temporal", Application: "wordpress", WebsiteURL: "www.example.com"}
	opt.Loaded.Given = map[string]bool{"toolkit": true, "mode": true, "application": true, "website_url": true}
	m := newModel(context.Background(), opt)
	run(m, m.enterStepID(steps.StepTechnique))
	if !strings.Contains(m.screen(), "> plugin") {
		t.Errorf("the cursor is not on plugin:\n%s", m.screen())
	}
	send(m, enter)
	if m.w.ans.Technique != "plugin" || at(m) != steps.StepStorage {
		t.Fatalf("technique %q at %s", m.w.ans.Technique, at(m))
	}
	if !strings.Contains(m.screen(), "> digitalocean") {
		t.Errorf("the provider cursor is not on one current supports:\n%s", m.screen())
	}
	// Given by a source (the answers file's s3fs), the answer is kept.
	opt.Loaded.Answers.Technique = "s3fs"
	opt.Loaded.Given["technique"] = true
	m = newModel(context.Background(), opt)
	run(m, m.enterStepID(steps.StepTechnique))
	if !strings.Contains(m.screen(), "> s3fs") {
		t.Errorf("the given s3fs was not kept:\n%s", m.screen())
	}
}

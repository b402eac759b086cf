package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/assetwiz/assetwiz/steps"
)

// The second copy is asked after Storage: provider, region, keys; its keys are checked as
// the storage keys are, against the backup's own endpoint; the next steps say how to run it.
func TestSecondCopyIsAskedAndItsKeysChecked(t *testing.T) {
	var checked []string
	opt := testOptions(t)
	opt.CheckStorage = func(_ context.Context, a *steps.Answers) error {
		checked = append(checked, a.EndpointURL()+" "+a.Secrets.S3AccessKey)
		return nil
	}
	opt.Loaded.Answers = steps.Answers{Toolkit: "current", Mode: "temporal", Application: "wordpress", WebsiteURL: "www.example.com",
		Technique: "s3fs", Storage: steps.Storage{Provider: "digitalocean", Region: "ams3"},
		Secrets: steps.Secrets{S3AccessKey: "AKSTORE", S3SecretKey: "SKSTORE"}}
	m := newModel(context.Background(), opt)
	d := &driver{t: t, tm: teatest.NewTestModel(t, atStep{m, steps.StepBackup}, teatest.WithInitialTermSize(80, 24))}
	d.waitFor("Keep a second copy elsewhere?")
	d.send(down, down, down, enter) // none, aws, digitalocean, linode
	d.waitFor("gb-lon-1.linodeobjects.com")
	d.send(enter) // the first region
	d.waitFor("Backup access key")
	d.send(typed("AKBACKUP"), enter)
	d.waitFor("Backup secret key")
	d.send(typed("SKBACKUP"), enter)
	d.waitFor("The keys work")
	d.send(ctrlC)
	d.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if len(checked) != 1 || !strings.Contains(checked[0], "linodeobjects.com AKBACKUP") {
		t.Errorf("the backup keys were checked as %v, want once against linode with the backup key", checked)
	}
	a := m.w.ans
	if a.Secrets.BackupS3AccessKey != "AKBACKUP" || a.Secrets.BackupS3SecretKey != "SKBACKUP" || a.Backup.Region == "" {
		t.Errorf("backup answers %+v", a.Backup)
	}
	a.Complete()
	next := strings.Join(nextSteps(&a), "\n")
	for _, want := range []string{"assetwiz-backup.timer", "systemctl enable --now assetwiz-backup.timer", "BACKUP_S3_ACCESS_KEY", "first backup now: `assetwiz backup`"} {
		if !strings.Contains(next, want) {
			t.Errorf("next steps lack %q:\n%s", want, next)
		}
	}
}

// none is no backup: the answers file's own words.
func TestBackupProviderNoneIsNoBackup(t *testing.T) {
	t.Parallel()
	a := steps.Answers{Mode: "temporal", Application: "wordpress", WebsiteURL: "www.example.com", Technique: "s3fs",
		Storage: steps.Storage{Provider: "digitalocean"}, Backup: steps.Backup{Provider: "none"}}
	a.Complete()
	if a.HasBackup() || len(a.Validate()) != 0 {
		t.Errorf("backup.provider none: has backup %v, problems %v", a.HasBackup(), a.Validate())
	}
	if next := strings.Join(nextSteps(&a), "\n"); !strings.Contains(next, "only copy of the uploads") {
		t.Errorf("next steps without a backup do not say the buckets hold the only copy:\n%s", next)
	}
}

// Where a secret lives is said truly: the Cloudflare token is never saved, and a key typed
// earlier in this run is not "known from the override file".
func TestSecretClaimsAreTrue(t *testing.T) {
	t.Parallel()
	m := formAt(t, steps.StepCDN, steps.Answers{Mode: "temporal", Application: "wordpress", WebsiteURL: "www.example.com",
		Technique: "s3fs", Storage: steps.Storage{Provider: "digitalocean"}, CDN: steps.CDN{Provider: "cloudflare"}})
	send(m, enter, enter) // cloudflare, cache rules
	s := m.screen()
	if !strings.Contains(s, "Cloudflare API token") || strings.Contains(s, "saved only in the override file") || !strings.Contains(s, "never saved") {
		t.Errorf("the token's line:\n%s", s)
	}
	m = formAt(t, steps.StepStorage, steps.Answers{Mode: "temporal", Application: "wordpress", WebsiteURL: "www.example.com", Technique: "plugin"})
	send(m, enter, enter, typed("AKTYPED"), enter, typed("SKTYPED"), enter)
	run(m, m.enterStepID(steps.StepStorage))
	send(m, enter, enter)
	if s := m.screen(); strings.Contains(s, "known from the override file") || !strings.Contains(s, "Already typed earlier") {
		t.Errorf("a key typed in this run is said to come from elsewhere:\n%s", s)
	}
}

// atStep is the wizard opened at a step (the tests' shortcut past the steps before it).
type atStep struct {
	*model
	id steps.StepID
}

func (s atStep) Init() tea.Cmd { return s.enterStepID(s.id) }

func (s atStep) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := s.model.Update(msg)
	return s, cmd
}

// A re-run with a complete, valid answers file opens on the review; esc lists every step.
func TestCompleteAnswersFileOpensOnTheReview(t *testing.T) {
	opt := testOptions(t)
	yaml := "mode: temporal\napplication: wordpress\nwebsite_url: www.example.com\ntechnique: s3fs\nstorage:\n  provider: digitalocean\n"
	if err := os.WriteFile(filepath.Join(opt.Dir, "assetwiz.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	loaded, err := steps.Load(steps.Sources{Dir: opt.Dir})
	if err != nil {
		t.Fatal(err)
	}
	opt.Loaded, opt.DryRun = loaded, true
	d := start(t, opt)
	d.waitFor("Plan:")
	d.send(esc)
	d.waitFor("Go back to which step?")
	d.send(ctrlC)
	m := d.final()
	if m.phase != phaseJump || !strings.Contains(m.menu.view(), "1. Toolkit generation") || !strings.Contains(m.menu.view(), "Old versions") {
		t.Errorf("esc at the review opened:\n%s", m.screen())
	}
	// An incomplete file starts at step 1, as before.
	if err := os.WriteFile(filepath.Join(opt.Dir, "assetwiz.yaml"), []byte("mode: temporal\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	loaded, _ = steps.Load(steps.Sources{Dir: opt.Dir})
	opt.Loaded = loaded
	m = newModel(context.Background(), opt)
	m.Init()
	if m.phase != phaseForm || m.cur.s != 0 {
		t.Errorf("an incomplete file opened at phase %d step %d", m.phase, m.cur.s)
	}
}

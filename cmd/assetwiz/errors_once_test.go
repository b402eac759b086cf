package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Errors once: a file that cannot be read, a missing file, a bad --mode each say their own
// problem, not a pile of answers reported missing or an unrelated rule.
func TestErrorsAreSaidOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir+"/assetwiz.yaml", "mode: temporal\n  application: [wordpress\n")
	r := runCLI(t, dir, nil, "plan", "--offline")
	if r.code != 64 || !strings.Contains(r.stderr, "not valid YAML") || strings.Contains(r.stderr, "is required") {
		t.Errorf("YAML syntax error: exit %d\n%s", r.code, r.stderr)
	}
	r = runCLI(t, t.TempDir(), nil, "plan", "--offline")
	if r.code != 64 || !strings.Contains(r.stderr, "There is no assetwiz.yaml here") || strings.Contains(r.stderr, "mode: is required") {
		t.Errorf("no answers file: exit %d\n%s", r.code, r.stderr)
	}
	dir = t.TempDir()
	writeFile(t, dir+"/assetwiz.yaml", goodAnswers)
	r = runCLI(t, dir, nil, "plan", "--offline", "--mode", "prod")
	if r.code != 64 || !strings.Contains(r.stderr, `"prod" is not a deployment mode`) || strings.Contains(r.stderr, "technique") {
		t.Errorf("bad --mode: exit %d\n%s", r.code, r.stderr)
	}
	r = runCLI(t, dir, nil, "plan", "--offline", "--provider", "digitalocen")
	if r.code != 64 || !strings.Contains(r.stderr, "did you mean digitalocean?") {
		t.Errorf("misspelled provider: exit %d\n%s", r.code, r.stderr)
	}
}

// apply in an empty folder says there are no answers, not that it needs --yes.
func TestApplyInAnEmptyFolderSaysThereAreNoAnswers(t *testing.T) {
	t.Parallel()
	r := runCLI(t, t.TempDir(), nil, "apply")
	if r.code != 64 || !strings.Contains(r.stderr, "There is no assetwiz.yaml here") || strings.Contains(r.stderr, "--yes") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
}

// Only plan has --offline: verify and backup never suggest it; plan does.
func TestOnlyPlanSuggestsOffline(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir+"/assetwiz.yaml", goodAnswers)
	for _, cmd := range []string{"verify", "backup"} {
		r := runCLI(t, dir, nil, cmd)
		if strings.Contains(r.stderr, "--offline") {
			t.Errorf("%s suggests --offline (exit %d):\n%s", cmd, r.code, r.stderr)
		}
	}
	if r := runCLI(t, dir, nil, "plan"); !strings.Contains(r.stderr, "--offline") {
		t.Errorf("plan without keys does not offer --offline:\n%s", r.stderr)
	}
}

// Without a terminal, the wizard's error names --accessible too.
func TestNoTerminalMentionsAccessible(t *testing.T) {
	t.Parallel()
	r := runCLI(t, t.TempDir(), nil, "init")
	if r.code != 64 || !strings.Contains(r.stderr, "--accessible") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
}

// Completions complete flag values from the table's choices (cobra's __complete, which the
// bash, zsh and fish scripts call).
func TestCompletionsCompleteFlagValues(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := runCLI(t, dir, nil, "__complete", "plan", "--technique", "")
	for _, want := range []string{"local", "plugin", "s3fs", "efs"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--technique completes without %s:\n%s", want, r.stdout)
		}
	}
	r = runCLI(t, dir, nil, "__complete", "plan", "--provider", "linode", "--region", "eu")
	if !strings.Contains(r.stdout, "eu-central-1") || strings.Contains(r.stdout, "ams3") {
		t.Errorf("--region after --provider linode completes:\n%s", r.stdout)
	}
}

// Every command that needs the keys says the same: the ones missing (only those), where to
// set them; exit 64 before any call. backup names both pairs at once.
func TestEveryCommandSaysTheSameKeysNotSet(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir+"/assetwiz.yaml", goodAnswers+"backup:\n  provider: linode\n")
	webroot := t.TempDir()
	if err := os.MkdirAll(filepath.Join(webroot, "wp-content", "uploads"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"S3_ACCESS_KEY": "AKONLYTHEACCESSKEY"}
	storage := "S3_SECRET_KEY: not set; export the storage keys of digitalocean (or AWS_SECRET_ACCESS_KEY)"
	backup := "BACKUP_S3_ACCESS_KEY and BACKUP_S3_SECRET_KEY: not set; export the keys of the backup target (linode)"
	for _, args := range [][]string{{"plan"}, {"apply", "--yes"}, {"verify"}, {"sync", "--from", webroot}, {"backup"}} {
		r := runCLI(t, dir, env, args...)
		if r.code != 64 || !strings.Contains(r.stderr, storage) || strings.Contains(r.stderr, ": S3_ACCESS_KEY and") {
			t.Errorf("%s: exit %d, want 64 and %q:\n%s", args[0], r.code, storage, r.stderr)
		}
		if args[0] != "sync" && !strings.Contains(r.stderr, backup) {
			t.Errorf("%s: the backup keys are not named at once:\n%s", args[0], r.stderr)
		}
		if strings.Contains(r.stdout+r.stderr, "AKONLYTHEACCESSKEY") {
			t.Errorf("%s: the key in the output", args[0])
		}
	}
}

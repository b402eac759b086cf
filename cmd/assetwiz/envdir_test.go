package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Env.Dir is the folder a run reads and writes in, as if it had been started there: the
// answers file, the override file and -o are found there, nothing is written in the process's
// working directory, and messages name the paths as the user wrote them.
func TestEnvDirIsTheFolderARunWorksIn(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), goodAnswers+"output:\n  override_file: site.tmpl\n")
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	before := listDir(t, cwd)

	r := runCLI(t, dir, nil, "render", "--no-secrets", "-o", "site.tmpl")
	if r.code != 0 || !strings.Contains(r.stderr, "exports to site.tmpl") {
		t.Fatalf("render -o site.tmpl in Env.Dir: exit %d, want 0 naming site.tmpl as given:\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "site.tmpl")); err != nil {
		t.Fatalf("render -o did not write into Env.Dir: %v", err)
	}
	// The override file of the answers file is read back there: its exports are up to date.
	r = runCLI(t, dir, nil, "plan", "--offline")
	if r.code != 0 || !strings.Contains(r.stdout, "site.tmpl") || strings.Contains(r.stdout+r.stderr, dir) {
		t.Errorf("plan --offline in Env.Dir: exit %d, want 0 naming site.tmpl as written:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if after := listDir(t, cwd); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Errorf("the working directory changed: %v, was %v", after, before)
	}
	// Without Env.Dir the same command runs in the process's working directory: no answers.
	if r := runCLI(t, "", nil, "plan", "--offline"); r.code != exitBadInput {
		t.Errorf("plan --offline without Env.Dir: exit %d, want %d (no answers file here)", r.code, exitBadInput)
	}
}

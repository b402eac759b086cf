//go:build unix

package override

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/assetwiz/assetwiz/internal/safefile"
	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// hostileAnswers are answers whose override file is path, with keys (they must stay 0600).
func hostileAnswers(path string) *steps.Answers {
	a := steps.Answers{Mode: "temporal", Application: "joomla", WebsiteURL: "www.example.com", Technique: "s3fs",
		Storage: steps.Storage{Provider: "digitalocean"}, Output: steps.Output{OverrideFile: path},
		Secrets: steps.Secrets{S3AccessKey: "AKFAKEFAKE", S3SecretKey: "skfakefakefake"}}
	a.Complete()
	return &a
}

func fileAction(t *testing.T, p provision.Plan) provision.Action {
	t.Helper()
	for _, act := range p.Actions {
		if act.Resource == provision.File {
			return act
		}
	}
	t.Fatal("no file action")
	return provision.Action{}
}

func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// Finding 5: a key-holding override file made world-readable is planned as an update, and
// apply puts it back to 0600 without a .bak (the content was right).
func TestPlanFixesAWidenedMode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "override.tmpl")
	a := hostileAnswers(path)
	desired, _, _ := desiredFrom(a, false, "")
	os.WriteFile(path, []byte(desired), 0o644)
	os.Chmod(path, 0o644)
	act := fileAction(t, must(Backend{}.Plan(context.Background(), a)))
	if act.Op != provision.Update || !strings.Contains(act.Detail, "mode 0644 → 0600") {
		t.Fatalf("plan: %s %q, want update with mode 0644 → 0600", act.Op, act.Detail)
	}
	if strings.Contains(act.Detail, ".bak") {
		t.Errorf("a mode fix promises a .bak: %q", act.Detail)
	}
	if err := act.Do(context.Background()); err != nil {
		t.Fatal(err)
	}
	assertFile(t, path, desired, 0o600)
	if got := dirEntries(t, dir); len(got) != 1 {
		t.Errorf("folder holds %v, want only the override file", got)
	}
	if act := fileAction(t, must(Backend{}.Plan(context.Background(), a))); act.Op != provision.Noop {
		t.Errorf("after the fix: %s %q, want noop", act.Op, act.Detail)
	}
}

// Finding 7: a symlinked override file is refused; nothing is written at either end.
func TestPlanRefusesASymlinkedOverrideFile(t *testing.T) {
	t.Parallel()
	dir, elsewhere := t.TempDir(), t.TempDir()
	target := filepath.Join(elsewhere, "real.tmpl")
	os.WriteFile(target, []byte("export A=\"1\"\n"), 0o644)
	path := filepath.Join(dir, "override.tmpl")
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
	_, err := Backend{}.Plan(context.Background(), hostileAnswers(path))
	if !errors.Is(err, safefile.ErrSymlink) || !strings.Contains(err.Error(), target) {
		t.Fatalf("err = %v, want a refusal naming the link's target", err)
	}
	if _, err := WriteFile(path, "x\n", nil); !errors.Is(err, safefile.ErrSymlink) {
		t.Errorf("WriteFile through a link: %v", err)
	}
	assertFile(t, target, "export A=\"1\"\n", 0o644)
	if got := dirEntries(t, elsewhere); len(got) != 1 {
		t.Errorf("next to the target: %v", got)
	}
	if got := dirEntries(t, dir); len(got) != 1 {
		t.Errorf("next to the link: %v", got)
	}
}

// Finding 9: a FIFO or a device named as the override file is refused before reading
// (a read would block forever, or never end).
func TestPlanRefusesSpecialFiles(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "override.tmpl")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, "/dev/zero", os.TempDir()} {
		_, err := Backend{}.Plan(context.Background(), hostileAnswers(path))
		if !errors.Is(err, safefile.ErrNotRegular) {
			t.Errorf("%s: err = %v, want a refusal", path, err)
		}
		if _, err := WriteFile(path, "x\n", nil); !errors.Is(err, safefile.ErrNotRegular) {
			t.Errorf("%s: WriteFile: %v", path, err)
		}
	}
}

// Smaller finding: a read-only override file is refused at plan time, not replaced (root
// could replace it: the mode says the user does not want it changed).
func TestPlanRefusesAReadOnlyOverrideFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "override.tmpl")
	os.WriteFile(path, []byte("export APPLICATION=\"moodle\"\n"), 0o444)
	_, err := Backend{}.Plan(context.Background(), hostileAnswers(path))
	if !errors.Is(err, safefile.ErrReadOnly) || !strings.Contains(err.Error(), "chmod 600 "+path) {
		t.Fatalf("err = %v, want a refusal naming the fix", err)
	}
	if _, err := WriteFile(path, "x\n", nil); !errors.Is(err, safefile.ErrReadOnly) {
		t.Errorf("WriteFile: %v", err)
	}
	assertFile(t, path, "export APPLICATION=\"moodle\"\n", 0o444)
	if _, err := os.Stat(path + ".bak"); !os.IsNotExist(err) {
		t.Error("a .bak was written")
	}
}

// Smaller finding: an edit made to the override file between the plan and the write is
// not lost: the write is refused, nothing (not even the .bak) is written.
func TestAnEditMadeAfterThePlanIsNotOverwritten(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "override.tmpl")
	os.WriteFile(path, []byte("export APPLICATION=\"moodle\"\n"), 0o600)
	act := fileAction(t, must(Backend{}.Plan(context.Background(), hostileAnswers(path))))
	edit := "export APPLICATION=\"moodle\"\nexport MY_EDIT=\"1\"\n"
	os.WriteFile(path, []byte(edit), 0o600)
	err := act.Do(context.Background())
	if !errors.Is(err, safefile.ErrChanged) || !strings.Contains(err.Error(), "run again") {
		t.Fatalf("err = %v, want a refusal saying to run again", err)
	}
	assertFile(t, path, edit, 0o600)
	if got := dirEntries(t, dir); len(got) != 1 {
		t.Errorf("folder holds %v, want only the override file", got)
	}
}

// Smaller finding: a file owned by another user keeps its owner and group when root
// rewrites it.
func TestWriteKeepsTheOwner(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to give the file another owner")
	}
	path := filepath.Join(t.TempDir(), "override.tmpl")
	os.WriteFile(path, []byte("export APPLICATION=\"moodle\"\n"), 0o644)
	if err := os.Chown(path, 4242, 4343); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteFile(path, "export APPLICATION=\"joomla\"\n", nil); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + ".bak"} {
		st, _ := os.Stat(p)
		s := st.Sys().(*syscall.Stat_t)
		if s.Uid != 4242 || s.Gid != 4343 {
			t.Errorf("%s owned by %d:%d, want 4242:4343", p, s.Uid, s.Gid)
		}
		if st.Mode().Perm() != FileMode {
			t.Errorf("%s mode %o", p, st.Mode().Perm())
		}
	}
}

// Smaller finding: a line holding another statement next to an owned export is refused,
// naming the line, and Merge never drops the other statement.
func TestAnOwnedLineSharedWithAnotherStatementIsRefused(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "override.tmpl")
	shared := `  export S3_LOCATION="EU"; export KEEP_ME="yes"`
	content := "export A=\"1\"\n" + shared + "\n"
	os.WriteFile(path, []byte(content), 0o600)
	_, err := Backend{}.Plan(context.Background(), hostileAnswers(path))
	var ps steps.Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Key != "output.override_file" || !strings.Contains(ps[0].Message, "line 2") {
		t.Fatalf("err = %v, want one problem for output.override_file naming line 2", err)
	}
	assertFile(t, path, content, 0o600)
}

func must(p provision.Plan, err error) provision.Plan {
	if err != nil {
		panic(err)
	}
	return p
}

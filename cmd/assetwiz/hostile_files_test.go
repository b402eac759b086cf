//go:build unix

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/override"
	"github.com/assetwiz/assetwiz/steps"
)

// Issue 14's file findings, end to end: each is refused as bad input (exit 64) naming the
// answers key, before anything is read that could hang and before anything is written.
func TestHostileFilesAreBadInput(t *testing.T) {
	t.Parallel()
	fifo := func(t *testing.T, dir string) {
		if err := syscall.Mkfifo(filepath.Join(dir, "override.tmpl"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name    string
		answers string
		setup   func(t *testing.T, dir string)
		env     map[string]string
		args    []string
		key     string
		hint    string
	}{
		{name: "FIFO override file, plan", setup: fifo, args: []string{"plan", "--offline"}, key: "output.override_file", hint: "FIFO"},
		{name: "FIFO override file, render", setup: fifo, args: []string{"render"}, key: "output.override_file", hint: "FIFO"},
		{name: "FIFO override file, render -o", setup: fifo, args: []string{"render", "-o", "override.tmpl"}, key: "output.override_file", hint: "FIFO"},
		{name: "FIFO override file, apply", setup: fifo, args: []string{"apply", "--yes"}, key: "output.override_file", hint: "FIFO"},
		{name: "answers from /dev/zero", args: []string{"plan", "--offline", "-f", "/dev/zero"}, key: "answers file", hint: "character device"},
		{name: "override from /dev/zero", args: []string{"render", "--override-file", "/dev/zero"}, key: "output.override_file", hint: "character device"},
		{name: "override file over the limit", setup: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "override.tmpl"), []byte(strings.Repeat("# padding\n", 110_000)), 0o600)
		}, args: []string{"plan", "--offline"}, key: "output.override_file", hint: "1 MiB"},
		{name: "symlinked override file", setup: func(t *testing.T, dir string) {
			os.Symlink("/etc/hostname", filepath.Join(dir, "override.tmpl"))
		}, args: []string{"render", "-o", "x.tmpl"}, key: "output.override_file", hint: "give the real path /etc/hostname"},
		{name: "override file is the answers file", answers: goodAnswers + "output:\n  override_file: assetwiz.yaml\n",
			args: []string{"plan", "--offline"}, key: "output.override_file", hint: "answers file"},
		{name: "override file is the -f answers file", args: []string{"plan", "--offline", "-f", "assetwiz.yaml", "--override-file", "./assetwiz.yaml"}, key: "output.override_file", hint: "answers file"},
		{name: "render -o into the answers file", args: []string{"render", "-o", "assetwiz.yaml"}, key: "-o", hint: "answers file"},
		{name: "snippets_dir is a file", setup: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "out"), nil, 0o644)
		}, args: []string{"plan", "--offline", "--snippets-dir", "out"}, key: "output.snippets_dir", hint: "is a file"},
		{name: "second YAML document", answers: goodAnswers + "---\nmode: baseline\n", args: []string{"plan", "--offline"}, key: "answers file", hint: "second YAML document"},
		{name: "comma in --directory", args: []string{"plan", "--offline", "--directory", "images,uploads"}, key: "directories", hint: "--directory a --directory b"},
		{name: "bad key read back from the override file", setup: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "override.tmpl"), []byte("export S3_SECRET_KEY=\"abc$def\"\n"), 0o600)
		}, args: []string{"plan", "--offline"}, key: "S3_SECRET_KEY", hint: "(from the override file override.tmpl)"},
		{name: "owned export sharing its line", setup: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "override.tmpl"), []byte("  export S3_LOCATION=\"EU\"; export KEEP_ME=\"yes\"\n"), 0o600)
		}, args: []string{"render", "-o", "override.tmpl"}, key: "output.override_file", hint: "line 1"},
		{name: "owned export sharing its line, plan", setup: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "override.tmpl"), []byte("  export S3_LOCATION=\"EU\"; export KEEP_ME=\"yes\"\n"), 0o600)
		}, args: []string{"plan", "--offline"}, key: "output.override_file", hint: "KEEP_ME"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			answers := c.answers
			if answers == "" {
				answers = goodAnswers
			}
			writeFile(t, filepath.Join(dir, "assetwiz.yaml"), answers)
			if c.setup != nil {
				c.setup(t, dir)
			}
			before := snapshot(t, dir)
			r := runCLI(t, dir, c.env, c.args...)
			if r.code != 64 {
				t.Fatalf("exit %d, want 64\nstderr: %s", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, c.key+":") || !strings.Contains(r.stderr, c.hint) {
				t.Errorf("stderr does not name %q with %q:\n%s", c.key, c.hint, r.stderr)
			}
			if after := snapshot(t, dir); !slices.Equal(before, after) {
				t.Errorf("files changed: %v -> %v", before, after)
			}
		})
	}
}

// snapshot lists a folder's entries with their modes and contents (FIFOs are not read).
func snapshot(t *testing.T, dir string) []string {
	var out []string
	for _, name := range listDir(t, dir) {
		st, _ := os.Lstat(filepath.Join(dir, name))
		entry := name + " " + st.Mode().String()
		if st.Mode().IsRegular() {
			data, _ := os.ReadFile(filepath.Join(dir, name))
			entry += " " + string(data)
		}
		out = append(out, entry)
	}
	return out
}

// Finding 5 end to end: render -o puts a widened override file back to 0600, and verify's
// override check fails while it is not.
func TestRenderFixesAndVerifyFlagsAWidenedOverrideFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), goodAnswers)
	env := map[string]string{"S3_ACCESS_KEY": "AKFAKEFAKEFAKE", "S3_SECRET_KEY": "skfakefakefakefake"}
	if r := runCLI(t, dir, env, "render", "-o", "override.tmpl"); r.code != 0 {
		t.Fatalf("render: %d %s", r.code, r.stderr)
	}
	path := filepath.Join(dir, "override.tmpl")
	os.Chmod(path, 0o644)
	loaded := loadForTest(t, dir, env)
	if fails := strings.Join(provision.Failures(override.Backend{}.Verify(context.Background(), &loaded)), "\n"); !strings.Contains(fails, "mode 0644, want 0600") {
		t.Errorf("verify does not flag the mode: %q", fails)
	}
	r := runCLI(t, dir, env, "plan", "--offline")
	if !strings.Contains(r.stdout, "mode 0644 → 0600") {
		t.Errorf("plan does not show the mode fix:\n%s", r.stdout)
	}
	if r := runCLI(t, dir, env, "render", "-o", "override.tmpl"); r.code != 0 {
		t.Fatalf("render: %d %s", r.code, r.stderr)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %o after render -o, want 600", st.Mode().Perm())
	}
	if fails := provision.Failures(override.Backend{}.Verify(context.Background(), &loaded)); len(fails) != 0 {
		t.Errorf("verify after the fix: %v", fails)
	}
}

// A read-only override file is refused with exit 1, naming the file and the fix.
func TestReadOnlyOverrideFileIsRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), goodAnswers)
	path := filepath.Join(dir, "override.tmpl")
	os.WriteFile(path, []byte("export APPLICATION=\"moodle\"\n"), 0o444)
	for _, args := range [][]string{{"render", "-o", "override.tmpl"}, {"plan", "--offline"}} {
		r := runCLI(t, dir, nil, args...)
		if r.code != 1 || !strings.Contains(r.stderr, "override.tmpl is read-only") || !strings.Contains(r.stderr, "chmod 600 override.tmpl") {
			t.Errorf("%v: exit %d, want 1 naming the file and the fix:\n%s", args, r.code, r.stderr)
		}
	}
	if data, _ := os.ReadFile(path); string(data) != "export APPLICATION=\"moodle\"\n" {
		t.Errorf("replaced: %q", data)
	}
}

// loadForTest loads the answers in dir as a command would.
func loadForTest(t *testing.T, dir string, env map[string]string) steps.Answers {
	t.Helper()
	loaded, err := steps.Load(steps.Sources{Getenv: func(k string) string { return env[k] }, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return loaded.Answers
}

// Finding 9: a run interrupted (Ctrl-C or SIGTERM cancel the run's context) while loading
// or planning many directories stops with exit 130 and writes nothing.
func TestInterruptedOfflinePlanExits130(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString(goodAnswers + "directories:\n")
	for i := range 50_000 {
		fmt.Fprintf(&b, "- d%d\n", i)
	}
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), b.String())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	code := Main(ctx, []string{"plan", "--offline"}, Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }, Dir: dir})
	if code != 130 || !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("exit %d, want 130:\n%s", code, stderr.String())
	}
	if got := listDir(t, dir); len(got) != 1 {
		t.Errorf("wrote %v", got)
	}
}

package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// commandTree is the command tree a run of assetwiz builds, to walk every command.
func commandTree() *cobra.Command {
	a := &app{ctx: context.Background(), env: Env{Getenv: func(string) string { return "" }, IsTerminal: func() bool { return false }},
		stdout: &redactor{w: io.Discard}, stderr: &redactor{w: io.Discard}}
	return a.rootCommand()
}

// allCommands is every command below root, depth first, hidden ones included.
func allCommands(c *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, sub := range c.Commands() {
		out = append(out, sub)
		out = append(out, allCommands(sub)...)
	}
	return out
}

// argsOf is the arguments that run c: "completion bash" for `assetwiz completion bash`.
func argsOf(c *cobra.Command) []string {
	return strings.Fields(strings.TrimPrefix(c.CommandPath(), "assetwiz"))
}

func TestCompletionScripts(t *testing.T) {
	t.Parallel()
	markers := map[string]string{
		"bash": "__start_assetwiz",
		"zsh":  "#compdef assetwiz",
		"fish": "complete -c assetwiz",
	}
	for shell, marker := range markers {
		r := runCLI(t, t.TempDir(), nil, "completion", shell)
		if r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, marker) {
			t.Errorf("completion %s: exit %d, no %q in the script (%d bytes), stderr %q", shell, r.code, marker, len(r.stdout), r.stderr)
			continue
		}
		// The script must at least parse in its own shell, where that shell is installed.
		if path, err := exec.LookPath(shell); err == nil && shell != "fish" {
			file := filepath.Join(t.TempDir(), "assetwiz."+shell)
			writeFile(t, file, r.stdout)
			if out, err := exec.Command(path, "-n", file).CombinedOutput(); err != nil {
				t.Errorf("completion %s does not parse: %v\n%s", shell, err, out)
			}
		}
	}

	// What the scripts ask the binary for: commands, then flags.
	r := runCLI(t, t.TempDir(), nil, "__complete", "pl")
	if r.code != 0 || !strings.Contains(r.stdout, "plan") {
		t.Errorf("__complete pl: exit %d, %q", r.code, r.stdout)
	}
	r = runCLI(t, t.TempDir(), nil, "__complete", "plan", "--detail")
	if r.code != 0 || !strings.Contains(r.stdout, "--detailed-exitcode") {
		t.Errorf("__complete plan --detail: exit %d, %q", r.code, r.stdout)
	}

	r = runCLI(t, t.TempDir(), nil, "completion", "tcsh")
	if r.code != 64 || !strings.HasPrefix(r.stderr, "assetwiz: ") {
		t.Errorf("completion tcsh: exit %d, stderr %q; want 64 and an assetwiz: error", r.code, r.stderr)
	}
}

func TestManPageNamesEveryCommandAndFlag(t *testing.T) {
	t.Parallel()
	r := runCLI(t, t.TempDir(), nil, "man")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("man: exit %d, stderr %q", r.code, r.stderr)
	}
	page := r.stdout
	if !strings.HasPrefix(page, ".TH ASSETWIZ 1 ") {
		t.Errorf("man page does not start with a .TH header: %.80q", page)
	}
	for _, section := range []string{".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH OPTIONS", ".SH COMMANDS",
		".SH ENVIRONMENT", ".SH EXIT STATUS"} {
		if !strings.Contains(page, "\n"+section+"\n") {
			t.Errorf("man page has no %s", section)
		}
	}
	root := commandTree()
	for _, c := range allCommands(root) {
		if c.Name() == "help" {
			continue
		}
		if !strings.Contains(page, ".SS "+roffText(c.CommandPath())) {
			t.Errorf("man page does not name %q", c.CommandPath())
		}
		c.NonInheritedFlags().VisitAll(func(f *pflag.Flag) {
			if !f.Hidden && f.Name != "help" && !strings.Contains(page, `\fB\-\-`+roffText(f.Name)+`\fR`) {
				t.Errorf("man page does not name %s --%s", c.CommandPath(), f.Name)
			}
		})
	}
	for _, code := range []string{"0", "1", "2", "64", "130"} {
		if !strings.Contains(page, ".TP\n.B "+code+"\n") {
			t.Errorf("man page EXIT STATUS has no %s", code)
		}
	}

	// groff, where installed, reads it without a warning.
	if groff, err := exec.LookPath("groff"); err == nil {
		cmd := exec.Command(groff, "-man", "-ww", "-z")
		cmd.Stdin = strings.NewReader(page)
		if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
			t.Errorf("groff -man -ww: %v\n%s", err, out)
		}
	}
}

func TestManPageHeaderCarriesReleaseVersionAndDate(t *testing.T) {
	setBuildInfo(t, "1.2.3", "abc1234", "2026-11-25T18:00:00Z")
	r := runCLI(t, t.TempDir(), nil, "man")
	first, _, _ := strings.Cut(r.stdout, "\n")
	if want := `.TH ASSETWIZ 1 "2026-11-25" "assetwiz 1.2.3" "User Commands"`; first != want {
		t.Errorf("man header %q, want %q", first, want)
	}
}

func TestEveryCommandHelpHasAnExample(t *testing.T) {
	t.Parallel()
	root := commandTree()
	cmds := append([]*cobra.Command{root}, allCommands(root)...)
	if len(cmds) < 14 {
		t.Fatalf("only %d commands in the tree: completion and help missing?", len(cmds))
	}
	for _, c := range cmds {
		args := append(argsOf(c), "--help")
		r := runCLI(t, t.TempDir(), nil, args...)
		if r.code != 0 {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
			continue
		}
		_, examples, _ := strings.Cut(r.stdout, "\nExamples:\n")
		if first, _, _ := strings.Cut(examples, "\n"); !strings.Contains(first, "assetwiz") {
			t.Errorf("%v has no Examples section that runs assetwiz:\n%s", args, r.stdout)
		}
	}
}

// setBuildInfo sets what the release's -ldflags -X would, for one test.
func setBuildInfo(t *testing.T, v, c, d string) {
	t.Helper()
	old := [3]string{version, commit, date}
	version, commit, date = v, c, d
	t.Cleanup(func() { version, commit, date = old[0], old[1], old[2] })
}

func TestVersionPrintsVersionCommitAndDate(t *testing.T) {
	setBuildInfo(t, "1.2.3", "abc1234", "2026-11-25T18:00:00Z")
	for _, args := range [][]string{{"version"}, {"--version"}} {
		r := runCLI(t, t.TempDir(), nil, args...)
		if want := "assetwiz 1.2.3 (commit abc1234, built 2026-11-25T18:00:00Z)\n"; r.code != 0 || r.stdout != want {
			t.Errorf("%v: exit %d, %q; want %q", args, r.code, r.stdout, want)
		}
	}

	// A `go run` or `go install` build has no ldflags: it still says all three.
	setBuildInfo(t, "", "", "")
	r := runCLI(t, t.TempDir(), nil, "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "assetwiz ") || !strings.Contains(r.stdout, "(commit ") || !strings.Contains(r.stdout, ", built ") {
		t.Errorf("version without ldflags: exit %d, %q", r.code, r.stdout)
	}
}

func TestNoColorMeansNoEscapes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), "mode: temporal\napplication: wordpress\nwebsite_url: www.example.com\n"+
		"storage:\n  provider: digitalocean\n")
	env := map[string]string{"NO_COLOR": "1"}
	for _, args := range [][]string{{"--help"}, {"presets"}, {"plan", "--offline"}, {"render", "--no-secrets"}, {"version"},
		{"plan", "--bogus"}, {"nonsense"}} {
		r := runCLI(t, dir, env, args...)
		if strings.Contains(r.stdout+r.stderr, "\x1b[") {
			t.Errorf("%v with NO_COLOR printed an escape sequence:\n%q\n%q", args, r.stdout, r.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "override.tmpl")); err == nil {
		t.Errorf("plan --offline or render wrote override.tmpl")
	}
}

func TestErrorsStartWithAssetwizAndSayWhatToDo(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"nonsense"}, {"plan", "--bogus"}, {"completion", "tcsh"}, {"version", "extra"}, {"man", "extra"}} {
		r := runCLI(t, t.TempDir(), nil, args...)
		if r.code != 64 || !strings.HasPrefix(r.stderr, "assetwiz: ") || !strings.Contains(r.stderr, "--help") {
			t.Errorf("%v: exit %d, stderr %q; want 64, an assetwiz: error and a --help hint", args, r.code, r.stderr)
		}
	}
}

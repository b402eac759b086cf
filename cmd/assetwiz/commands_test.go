package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// The help hint of bad input names the command cobra ran, found in the command tree: an
// answer that happens to be a command's name (--mode plan) names no command.
func TestBadInputHintNamesTheCommandFromTheTree(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		hint string
	}{
		{[]string{"plan", "--bogus"}, "See 'assetwiz plan --help'."},
		{[]string{"backup", "--progress", "x", "--transfers", "many"}, "See 'assetwiz backup --help'."},
		{[]string{"--mode", "plan"}, "See 'assetwiz --help'."}, // the wizard, without a terminal
		{[]string{"completion", "tcsh"}, "See 'assetwiz completion --help'."},
	} {
		code, stderr := run(c.args, &bytes.Buffer{}, &bytes.Buffer{})
		if code != exitBadInput || !strings.Contains(stderr, c.hint) {
			t.Errorf("assetwiz %s: exit %d, want 64 and %q in:\n%s", strings.Join(c.args, " "), code, c.hint, stderr)
		}
	}
}

// An argument given without its flag (`assetwiz plan site.yaml`, `assetwiz sync /var/www/html`)
// was "unknown command" and nothing more: the message says which flag takes it.
func TestAnArgumentWithoutItsFlagIsShownWhereItGoes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		hint string
	}{
		{[]string{"plan", "site.yaml"}, "the answers file goes after -f: assetwiz plan -f site.yaml"},
		{[]string{"apply", "--yes", "my site.yaml"}, "assetwiz apply -f 'my site.yaml'"},
		{[]string{"sync", "--dry-run", "/var/www/html"}, "sync takes the folder as --from: assetwiz sync --from /var/www/html"},
		{[]string{"backup", "x.yaml"}, "assetwiz backup -f x.yaml"},
	} {
		code, stderr := run(c.args, &bytes.Buffer{}, &bytes.Buffer{})
		if code != exitBadInput || !strings.Contains(stderr, c.hint) {
			t.Errorf("assetwiz %s: exit %d, want 64 and %q in:\n%s", strings.Join(c.args, " "), code, c.hint, stderr)
		}
	}
}

// Bad input keeps the error it was made from in its chain (errors.Is and errors.As see
// through it), with the same words and exit 64.
func TestBadInputKeepsItsChain(t *testing.T) {
	t.Parallel()
	cause := errors.New("the cause")
	err := badInput("-o: override file %w", cause)
	if !errors.Is(err, cause) || exitCode(err) != exitBadInput || err.Error() != "-o: override file the cause" {
		t.Errorf("badInput: Is %v, exit %d, %q", errors.Is(err, cause), exitCode(err), err)
	}
	ps := steps.Problems{{Key: "mode", Message: "is required"}}
	var got steps.Problems
	if err := badInput("%w", ps); !errors.As(err, &got) || len(got) != 1 || got[0].Key != "mode" {
		t.Errorf("errors.As through badInput found %v", got)
	}
}

// The commands' bad input keeps what it was made from: the problems of the answers, the
// gate's data-loss refusal, cobra's flag error.
func TestCommandsBadInputKeepsItsChain(t *testing.T) {
	t.Parallel()
	root := commandTree()
	root.SetArgs([]string{"plan", "--offline", "--mode", "temporal", "--application", "wordpress", "--website-url", "example.com", "--provider", "digitalocean"})
	err := root.Execute()
	var ps steps.Problems
	if exitCode(err) != exitBadInput || !errors.As(err, &ps) || ps[0].Key != "website_url" {
		t.Errorf("plan with a bad answer: exit %d, problems %v (%v)", exitCode(err), ps, err)
	}
	var loss *provision.DataLossError
	if err := gateRefusal(&provision.DataLossError{Buckets: []string{"b"}}); exitCode(err) != exitBadInput || !errors.As(err, &loss) {
		t.Errorf("data-loss refusal: exit %d, lost its chain: %v", exitCode(err), err)
	}
}

// execCmd runs cmd under a root as Main builds it (its flag error function, --debug, the
// argument errors marked bad input), args following the command's name.
func execCmd(cmd *cobra.Command, args ...string) error {
	root := &cobra.Command{Use: "assetwiz", SilenceErrors: true, SilenceUsage: true}
	root.PersistentFlags().Bool("debug", false, "")
	root.SetFlagErrorFunc(flagError)
	root.AddCommand(cmd)
	markUsageErrors(root)
	root.SetArgs(append([]string{cmd.Name()}, args...))
	root.SetOut(io.Discard)
	root.SetErr(io.Discard)
	return root.Execute()
}

// testApp is an app whose streams are discarded.
func testApp() *app { return newApp(context.Background(), Env{Stdout: io.Discard, Stderr: io.Discard}) }

// refusedBeforeRun runs a command whose run function must not be reached: bad flag values
// are bad input (64) naming what is wrong, found while the flags are parsed.
func refusedBeforeRun[O any](t *testing.T, newCmd func(*app, func(*O) error) *cobra.Command, want string, args ...string) {
	t.Helper()
	ran := false
	err := execCmd(newCmd(testApp(), func(*O) error { ran = true; return nil }), args...)
	if ran || exitCode(err) != exitBadInput || err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("%v: ran %v, exit %d, error %v; want exit 64 before run, naming %q", args, ran, exitCode(err), err, want)
	}
}

// parsed runs a command with args and returns the Options its run function was given.
func parsed[O any](t *testing.T, newCmd func(*app, func(*O) error) *cobra.Command, args ...string) O {
	t.Helper()
	var got *O
	if err := execCmd(newCmd(testApp(), func(o *O) error { got = o; return nil }), args...); err != nil || got == nil {
		t.Fatalf("%v: %v (run reached: %v)", args, err, got != nil)
	}
	return *got
}

func TestPlanOptions(t *testing.T) {
	t.Parallel()
	o := parsed(t, NewCmdPlan, "-f", "a.yaml", "--website-url", "www.example.com", "--directory", "x", "--directory", "y",
		"--offline", "--json", "--detailed-exitcode")
	if o.Answers.File != "a.yaml" || o.Answers.Flags.WebsiteURL != "www.example.com" || !slices.Equal(o.Answers.Flags.Directories, []string{"x", "y"}) ||
		!o.Offline || !o.JSON || !o.DetailedExitCode || o.app == nil {
		t.Errorf("options %+v", o)
	}
	if o := parsed(t, NewCmdPlan); o.Offline || o.JSON || o.DetailedExitCode || o.Answers.File != "" {
		t.Errorf("defaults %+v", o)
	}
	// An answer flag's bad value is carried to the run, said there with the answers file's problems.
	if o := parsed(t, NewCmdPlan, "--directory", "a,b"); len(o.Answers.FlagProblems) != 1 || o.Answers.FlagProblems[0].Key != "directories" {
		t.Errorf("flag problems %v", o.Answers.FlagProblems)
	}
	refusedBeforeRun(t, NewCmdPlan, "--offline", "--offline=maybe")
	refusedBeforeRun(t, NewCmdPlan, "unknown flag: --bogus", "--bogus")
}

func TestApplyOptions(t *testing.T) {
	t.Parallel()
	o := parsed(t, NewCmdApply, "--yes", "--json", "--progress", "plain", "--"+dataLossFlag, "--mode", "baseline")
	if !o.Yes || !o.JSON || o.Progress != "plain" || !o.DataLoss || o.Answers.Flags.Mode != "baseline" {
		t.Errorf("options %+v", o)
	}
	if o := parsed(t, NewCmdApply); o.Yes || o.JSON || o.Progress != "auto" || o.DataLoss {
		t.Errorf("defaults %+v", o)
	}
	refusedBeforeRun(t, NewCmdApply, "--progress fancy: use auto, plain or none", "--yes", "--progress", "fancy")
	refusedBeforeRun(t, NewCmdApply, "unknown command", "now")
}

func TestRenderOptions(t *testing.T) {
	t.Parallel()
	o := parsed(t, NewCmdRender, "--no-secrets", "-o", "out.tmpl", "--application", "joomla")
	if !o.NoSecrets || o.Output != "out.tmpl" || o.Answers.Flags.Application != "joomla" {
		t.Errorf("options %+v", o)
	}
	refusedBeforeRun(t, NewCmdRender, "flag needs an argument", "-o")
}

func TestVerifyOptions(t *testing.T) {
	t.Parallel()
	if o := parsed(t, NewCmdVerify, "--answers", "v.yaml", "--mode", "temporal"); o.Answers.File != "v.yaml" || o.Answers.Flags.Mode != "temporal" {
		t.Errorf("options %+v", o)
	}
	refusedBeforeRun(t, NewCmdVerify, "unknown command", "everything")
}

func TestSyncOptions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	o := parsed(t, NewCmdSync, "--from", dir, "--dry-run", "--overwrite", "--transfers", "3", "--json", "--progress", "none",
		"--follow-symlinks", "--include-private", "--web-user", "nginx")
	c := o.Transfer.Copy
	if o.From != dir || !c.DryRun || !c.Overwrite || c.Workers != 3 || !o.Transfer.JSON || o.Transfer.Progress != "none" ||
		!c.FollowSymlinks || !c.IncludePrivate || c.WebUser != "nginx" {
		t.Errorf("options %+v", o)
	}
	if o := parsed(t, NewCmdSync, "--from", dir); o.Transfer.Copy.Workers != 64 || o.Transfer.Copy.WebUser != "www-data" || o.Transfer.Progress != "auto" {
		t.Errorf("defaults %+v", o)
	}
	refusedBeforeRun(t, NewCmdSync, "sync needs --from DIR")
	refusedBeforeRun(t, NewCmdSync, "not a folder", "--from", dir+"/missing")
	refusedBeforeRun(t, NewCmdSync, "--progress bars: use auto, plain or none", "--from", dir, "--progress", "bars")
	refusedBeforeRun(t, NewCmdSync, "--transfers", "--from", dir, "--transfers", "many")
	refusedBeforeRun(t, NewCmdSync, "--transfers 0: give how many files are copied at once, from 1 to 1024", "--from", dir, "--transfers", "0")
	refusedBeforeRun(t, NewCmdSync, "--transfers -3", "--from", dir, "--transfers", "-3")
	refusedBeforeRun(t, NewCmdSync, "--transfers 100000", "--from", dir, "--transfers", "100000")
	if o := parsed(t, NewCmdSync, "--from", dir, "--transfers", "1024"); o.Transfer.Copy.Workers != 1024 {
		t.Errorf("--transfers 1024: %+v", o.Transfer.Copy)
	}
}

func TestBackupOptions(t *testing.T) {
	t.Parallel()
	o := parsed(t, NewCmdBackup, "--restore", "--versions", "--dry-run", "--transfers", "2", "--progress", "plain", "--json")
	c := o.Transfer.Copy
	if !o.Restore || !o.Versions || !c.DryRun || c.Overwrite || c.Workers != 2 || o.Transfer.Progress != "plain" || !o.Transfer.JSON {
		t.Errorf("options %+v", o)
	}
	refusedBeforeRun(t, NewCmdBackup, "--progress live: use auto, plain or none", "--progress", "live")
	refusedBeforeRun(t, NewCmdBackup, "unknown flag: --web-user", "--web-user", "nginx") // sync's only
	refusedBeforeRun(t, NewCmdBackup, "--transfers 0", "--transfers", "0")
}

func TestWizardOptions(t *testing.T) {
	t.Parallel()
	o := parsed(t, NewCmdInit, "--dry-run", "--accessible", "-f", "w.yaml", "--debug", "--provider", "aws")
	if !o.DryRun || !o.Accessible || !o.Debug || o.Answers.File != "w.yaml" || o.Answers.Flags.Storage.Provider != "aws" {
		t.Errorf("options %+v", o)
	}
	refusedBeforeRun(t, NewCmdInit, "--accessible", "--accessible=perhaps")
}

func TestPresetsOptions(t *testing.T) {
	t.Parallel()
	if o := parsed(t, NewCmdPresets, "--json"); !o.JSON {
		t.Errorf("options %+v", o)
	}
	refusedBeforeRun(t, NewCmdPresets, "unknown command", "aws")
}

// A run function takes its Options and runs without cobra.
func TestPlanRunWithoutCobra(t *testing.T) {
	t.Parallel()
	var stdout bytes.Buffer
	env := Env{Stdout: &stdout, Stderr: io.Discard, Dir: t.TempDir()} // no answers or override file there
	opts := &PlanOptions{app: newApp(context.Background(), env), Offline: true, JSON: true, DetailedExitCode: true}
	for k, v := range map[string]string{"mode": "temporal", "application": "wordpress", "website_url": "www.example.com", "storage.provider": "digitalocean"} {
		if err := opts.Answers.Flags.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := planRun(opts); exitCode(err) != exitChanges || !strings.Contains(stdout.String(), `"format_version"`) {
		t.Errorf("exit %d (%v), want 2 and the plan as JSON:\n%s", exitCode(err), err, stdout.String())
	}
}

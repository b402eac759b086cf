package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/creack/pty"

	"github.com/assetwiz/assetwiz/internal/exportfile"
	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
)

// The wizard is the same gate as apply (CONTRACT.md): these drive it as a user would, against
// versitygw, with the cases the gate is for.

const siteBucket = "www-example-com-assets-wp-content-uploads"

// accessibleRun runs `assetwiz init --accessible` in dir with the lines piped in.
func accessibleRun(t *testing.T, dir string, env map[string]string, lines ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"init", "--accessible"}, Env{
		Stdin: strings.NewReader(strings.Join(lines, "\n") + "\n"), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return env[k] }, Dir: dir,
	})
	return code, stdout.String() + stderr.String()
}

func enters(n int) []string { return make([]string, n) }

// promptsToReview: the questions the accessible wizard asks for s3Answers' temporal s3fs site
// (toolkit, mode, period, application, url, directories, technique, mount tool, provider,
// endpoint, region, two keys, the second copy, versioning, days, cdn, override file, snippets folder).
const promptsToReview = 19

func bucketExists(t *testing.T, srv *s3test.Server, name string) bool {
	_, err := srv.Client(t).HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String(name)})
	return err == nil
}

// Findings 1 and 5(b): with no keys, or keys the provider refuses, the accessible wizard says
// first that the plan could not read the provider, offers no Apply, reports nothing done and
// writes no override file; Enter retries, and the run ends non-zero when the input does.
func TestAccessibleWizardWithoutWorkingKeysAppliesNothing(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	for name, env := range map[string]map[string]string{
		"no keys":      {},
		"refused keys": keysEnv(srv.AccessKey, "not-the-secret"),
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "assetwiz.yaml"), s3Answers(srv, "temporal", "wordpress", "s3fs"))
			code, out := accessibleRun(t, dir, env, enters(promptsToReview+3)...) // then Enter at the review, three times
			review := out[strings.Index(out, "Step 8 of 8: Review"):]
			if code == 0 || !strings.Contains(out, "input ended") {
				t.Errorf("exit %d, want non-zero when the input ends at the review", code)
			}
			if first := strings.SplitN(strings.TrimPrefix(review, "Step 8 of 8: Review\nPlanning …\n\n"), "\n", 2)[0]; !strings.HasPrefix(first, "✗ The plan could not read a provider") {
				t.Errorf("the review does not say first that the plan could not read the provider: %q", first)
			}
			for _, bad := range []string{"Apply this plan", "✓", "changes made", "done:", "Applying"} {
				if strings.Contains(review, bad) {
					t.Errorf("the review shows %q:\n%s", bad, review)
				}
			}
			for _, want := range []string{"1. Retry", "2. Edit the keys", "3. Save the answers"} {
				if !strings.Contains(review, want) {
					t.Errorf("the review does not offer %q:\n%s", want, review)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "override.tmpl")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("an override file was written: %v", err)
			}
			if bucketExists(t, srv, siteBucket) {
				t.Error("a bucket was made")
			}

			// Saving is offered: the answers are kept for a later apply, nothing else is written.
			code, out = accessibleRun(t, dir, env, append(enters(promptsToReview), "3")...)
			if code != 0 || !strings.Contains(out, "Saved the answers") || strings.Contains(out, "changes made") {
				t.Errorf("save at the review: exit %d\n%s", code, out)
			}
			if entries := listDir(t, dir); len(entries) != 1 || entries[0] != "assetwiz.yaml" {
				t.Errorf("files after save: %v", entries)
			}
		})
	}
}

// dataLossSite is finding 2's site: a temporal s3fs site whose bucket holds an upload,
// switched to mode baseline (technique local, the baseline default).
func dataLossSite(t *testing.T, srv *s3test.Server) (dir string, env map[string]string) {
	t.Helper()
	dir = t.TempDir()
	r := &s3Run{t: t, dir: dir}
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), s3Answers(srv, "temporal", "wordpress", "s3fs"))
	env = keysEnv(srv.AccessKey, srv.SecretKey)
	if res := r.run(env, "apply", "--yes"); res.code != 0 {
		t.Fatalf("temporal apply: exit %d\n%s", res.code, res.stderr)
	}
	srv.PutObject(t, siteBucket, "2026/01/photo.jpg", "jpeg")
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), s3Answers(srv, "baseline", "wordpress", "local"))
	return dir, env
}

// buildArchiveChoice is the override file's BUILD_ARCHIVE_CHOICE.
func buildArchiveChoice(t *testing.T, dir string) string {
	data, err := os.ReadFile(filepath.Join(dir, "override.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	return exportfile.Read(string(data))["BUILD_ARCHIVE_CHOICE"]
}

// Finding 2 and 5(c): DATA LOSS is the first thing on the accessible review, with the bucket
// and what it holds; Enter never applies it, a wrong host does not, the typed host does.
func TestAccessibleWizardDataLossNeedsTheTypedHost(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	dir, env := dataLossSite(t, srv)
	// The answers file is complete: the wizard opens on the review (review now), no prompt before it.
	const prompts = 0

	code, out := accessibleRun(t, dir, env, enters(40)...)
	if code == 0 || buildArchiveChoice(t, dir) != "hourly" {
		t.Fatalf("Enter alone: exit %d, BUILD_ARCHIVE_CHOICE %q: want non-zero and the override untouched\n%s", code, buildArchiveChoice(t, dir), out)
	}
	review := out[strings.Index(out, "Step 8 of 8: Review"):]
	if first := strings.SplitN(strings.TrimPrefix(review, "Step 8 of 8: Review\nPlanning …\n\n"), "\n", 3); len(first) < 2 ||
		!strings.HasPrefix(first[0], "DATA LOSS:") || !strings.Contains(first[1], siteBucket+"  holds 1 object") {
		t.Errorf("DATA LOSS with the bucket and its count is not first on the review:\n%s", review)
	}
	if !strings.Contains(review, "(Press Enter for 1: Go back to a step") {
		t.Errorf("Enter does not go back:\n%s", review)
	}

	// The exports (3rd choice) are shown; Apply is the 4th: a wrong host applies nothing, the host does.
	code, out = accessibleRun(t, dir, env, append(enters(prompts), "3", "4", "example.com", "4", "www.example.com")...)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if exports := strings.Index(out, `+export BUILD_ARCHIVE_CHOICE="baseline"`); exports < 0 || exports > strings.Index(out, "Not confirmed") {
		t.Errorf("Show the exports did not show the change before the apply:\n%s", out)
	}
	if !strings.Contains(out, "Not confirmed: nothing was applied.") || strings.Count(out, "type the site's host, www.example.com") != 2 {
		t.Errorf("a wrong host was not refused:\n%s", out)
	}
	if got := buildArchiveChoice(t, dir); got != "baseline" {
		t.Errorf("BUILD_ARCHIVE_CHOICE %q after the typed host, want baseline", got)
	}
}

// `apply` and the wizard refuse alike when the guard cannot look (keys the provider refuses;
// the right ones are in the override file, the environment's win): apply exits 1 naming why
// and changes nothing; the flag passes it (CONTRACT.md, exit codes).
func TestApplyFailsClosedWhenTheGuardCannotLook(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	dir, _ := dataLossSite(t, srv)
	r := &s3Run{t: t, dir: dir}
	refused := keysEnv(srv.AccessKey, "not-the-secret")
	res := r.run(refused, "apply", "--yes")
	if res.code != 1 || !strings.Contains(res.stderr, "could not look") || !strings.Contains(res.stderr, "--i-understand-buckets-will-be-deleted") {
		t.Errorf("apply without keys: exit %d, want 1 naming why and the flag:\n%s", res.code, res.stderr)
	}
	if got := buildArchiveChoice(t, dir); got != "hourly" {
		t.Errorf("apply refused, yet BUILD_ARCHIVE_CHOICE is %q", got)
	}
	code, out := accessibleRun(t, dir, refused, enters(9)...)
	review := out[strings.Index(out, "Step 8 of 8: Review"):]
	if code == 0 || !strings.Contains(review, "DATA LOSS NOT RULED OUT") || !strings.Contains(review, "(Press Enter for 1: Retry)") {
		t.Errorf("wizard without keys: exit %d\n%s", code, review)
	}
	if got := buildArchiveChoice(t, dir); got != "hourly" {
		t.Errorf("the wizard applied: BUILD_ARCHIVE_CHOICE is %q", got)
	}
	if res := r.run(refused, "apply", "--yes", "--i-understand-buckets-will-be-deleted"); res.code != 0 {
		t.Errorf("apply with the flag: exit %d\n%s", res.code, res.stderr)
	}
}

// Finding 5(d): on a terminal with nothing typed yet, the accessible wizard has already
// printed the first question and its numbered choices (it used to read first).
func TestAccessibleWizardAsksBeforeReadingOnATerminal(t *testing.T) {
	t.Parallel()
	bin := buildAssetwiz(t)
	cmd := exec.Command(bin, "init", "--accessible")
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "TERM=xterm", "NO_COLOR=1")
	tty, err := pty.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait(); tty.Close() })
	var seen bytes.Buffer
	got := make(chan struct{})
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			seen.Write(buf[:n])
			if strings.Contains(seen.String(), "Enter a number between 1 and 3") {
				close(got)
				return
			}
			if err != nil {
				return
			}
		}
	}()
	select {
	case <-got:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("with no input, the first question was not shown:\n%q", seen.String())
	}
	for _, want := range []string{"Step 1 of 8", "Which toolkit generation", "1. current", "2. classic", "3. original"} {
		if !strings.Contains(seen.String(), want) {
			t.Errorf("the first screen lacks %q:\n%s", want, seen.String())
		}
	}
}

// When nothing would change, the review says so first and offers no Apply: Enter saves.
func TestAccessibleWizardNothingToDo(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	dir := t.TempDir()
	r := &s3Run{t: t, dir: dir}
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), s3Answers(srv, "temporal", "wordpress", "s3fs"))
	env := keysEnv(srv.AccessKey, srv.SecretKey)
	if res := r.run(env, "apply", "--yes"); res.code != 0 {
		t.Fatalf("apply: exit %d\n%s", res.code, res.stderr)
	}
	code, out := accessibleRun(t, dir, env, enters(promptsToReview+1)...)
	review := out[strings.Index(out, "Step 8 of 8: Review"):]
	if code != 0 || !strings.HasPrefix(strings.TrimPrefix(review, "Step 8 of 8: Review\nPlanning …\n\n"), "Nothing to do") ||
		strings.Contains(review, "Apply this plan") || !strings.Contains(review, "Saved the answers") {
		t.Errorf("exit %d; want Nothing to do first, no Apply, Enter saving:\n%s", code, review)
	}
}

// The full-screen wizard of the built binary, typed into tmux at 80×24, against versitygw:
// with no keys the review offers no Apply and nothing is made; on a data-loss site Enter goes
// back, and only the typed host applies.
func TestWizardInTmuxIsTheSameGate(t *testing.T) {
	t.Parallel()
	if raceDetector {
		t.Skip("the walk types into a binary built without the race detector; the plain run covers it")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is needed for the end-to-end wizard test; ./scripts/test installs it")
	}
	bin := buildAssetwiz(t)
	srv := s3test.Start(t)

	t.Run("no keys", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "assetwiz.yaml"), s3Answers(srv, "temporal", "wordpress", "s3fs"))
		s := tmuxSession{t: t, name: fmt.Sprintf("assetwiz-gate-nokeys-%d", os.Getpid())}
		newSession(t, s, fmt.Sprintf("cd %s && %s; echo EXIT=$? > exit-code; sleep 60", dir, bin))
		// The answers file is complete: the wizard opens on the review (review now).
		s.waitFor("could not read a provider")
		s.keys("Enter") // Retry, the default
		s.waitFor("> Retry")
		review := s.screen()
		if strings.Contains(review, "Apply this plan") || !strings.Contains(review, "Edit the keys") || strings.Index(review, "could not read a provider") > strings.Index(review, "Offline preview") {
			t.Errorf("the review without keys:\n%s", review)
		}
		s.keys("C-c")
		waitExit(t, dir, "EXIT=130", s)
		if entries := listDir(t, dir); len(entries) != 2 { // assetwiz.yaml and exit-code
			t.Errorf("files after the wizard: %v", entries)
		}
		if bucketExists(t, srv, siteBucket) {
			t.Error("a bucket was made")
		}
	})

	t.Run("data loss", func(t *testing.T) {
		dir, env := dataLossSite(t, srv)
		s := tmuxSession{t: t, name: fmt.Sprintf("assetwiz-gate-loss-%d", os.Getpid())}
		newSession(t, s, fmt.Sprintf("cd %s && S3_ACCESS_KEY=%s S3_SECRET_KEY=%s %s; echo EXIT=$? > exit-code; sleep 60",
			dir, env["S3_ACCESS_KEY"], env["S3_SECRET_KEY"], bin))
		// The answers file is complete: the wizard opens on the review (review now).
		s.waitFor("> Go back to a step")
		review := strings.Split(s.screen(), "\n")
		if len(review) < 4 || !strings.HasPrefix(review[2], "DATA LOSS:") || !strings.Contains(strings.Join(review, "\n"), siteBucket+"  holds 1 object") {
			t.Errorf("DATA LOSS is not first on the review:\n%s", s.screen())
		}
		s.keys("Enter") // the default: go back
		s.waitFor("Go back to which step?")
		if got := buildArchiveChoice(t, dir); got != "hourly" {
			t.Fatalf("Enter applied: BUILD_ARCHIVE_CHOICE %q", got)
		}
		s.keys("Enter") // Back to the review
		s.waitFor("> Go back to a step")
		s.keys("Down", "Down", "Down", "Enter") // Apply this plan (you type the host)
		s.waitFor("type the site's host")
		s.keys("Enter")
		s.waitFor("That is not www.example.com")
		s.text("www.example.com")
		s.keys("Enter")
		s.waitFor("Next steps")
		s.keys("Enter")
		waitExit(t, dir, "EXIT=0", s)
		if got := buildArchiveChoice(t, dir); got != "baseline" {
			t.Errorf("BUILD_ARCHIVE_CHOICE %q after the typed host, want baseline", got)
		}
	})
}

// The accessible wizard named each action done or failed, but not the one the provider does
// not offer (versitygw has no lifecycle rules): its summary said "1 skipped" without saying
// which, where the full-screen wizard shows a ⚠ line for it.
func TestAccessibleApplyNamesWhatWasSkipped(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), s3Answers(srv, "temporal", "wordpress", "s3fs"))
	code, out := accessibleRun(t, dir, keysEnv(srv.AccessKey, srv.SecretKey), enters(1)...)
	if code != 0 || !strings.Contains(out, "  done: bucket_versioning "+siteBucket) {
		t.Fatalf("exit %d, want the plan applied:\n%s", code, out)
	}
	if !strings.Contains(out, "  skipped: bucket_lifecycle "+siteBucket+": ") || !strings.Contains(out, "1 skipped") {
		t.Errorf("the skipped action is not named:\n%s", out)
	}
}

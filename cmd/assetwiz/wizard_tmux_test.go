package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/internal/exportfile"
	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
)

// tmuxSession drives a program in a tmux pane of 80×24, as a user at a terminal.
type tmuxSession struct {
	t    *testing.T
	name string
}

func (s tmuxSession) screen() string {
	out, _ := exec.Command("tmux", "capture-pane", "-p", "-t", s.name).Output()
	return string(out)
}

// waitFor waits until the screen shows text.
func (s tmuxSession) waitFor(text string) {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(s.screen(), text) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("the screen never showed %q:\n%s", text, s.screen())
}

func (s tmuxSession) keys(keys ...string) {
	for _, k := range keys {
		exec.Command("tmux", "send-keys", "-t", s.name, k).Run()
		time.Sleep(150 * time.Millisecond)
	}
}

func (s tmuxSession) text(text string) {
	exec.Command("tmux", "send-keys", "-t", s.name, "-l", text).Run()
	time.Sleep(150 * time.Millisecond)
}

// The wizard from start to apply, typed key by key in a real terminal, against a real S3
// server: the buckets exist afterwards and the override file holds the exports.
func TestWizardInTmuxAppliesAgainstVersitygw(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is needed for the end-to-end wizard test; ./scripts/test installs it")
	}
	bin := buildAssetwiz(t)
	srv := s3test.Start(t)
	dir := t.TempDir()
	s := tmuxSession{t: t, name: fmt.Sprintf("assetwiz-test-%d", os.Getpid())}
	shell := fmt.Sprintf("cd %s && S3_ACCESS_KEY=%s S3_SECRET_KEY=%s %s; echo EXIT=$? > exit-code; sleep 60",
		dir, srv.AccessKey, srv.SecretKey, bin)
	if out, err := exec.Command("tmux", "new-session", "-d", "-s", s.name, "-x", "80", "-y", "24", shell).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("tmux", "kill-session", "-t", s.name).Run() })

	s.waitFor("Step 1 of")
	s.keys("Enter") // current, the default
	s.waitFor("How is the site built")
	s.keys("Enter") // temporal
	s.waitFor("temporal backup")
	s.keys("Enter") // hourly
	s.waitFor("Application and site")
	s.keys("Down", "Enter") // WordPress
	s.text("www.example.com")
	s.waitFor("✓ www.example.com")
	s.keys("Enter")
	s.waitFor("Asset directories")
	s.keys("Enter", "Enter")
	s.waitFor("How should the servers")
	s.keys("Down", "Enter") // s3fs (the cursor starts on plugin, the advice)
	s.waitFor("Which tool mounts")
	s.keys("Enter") // rclone, the generation's own
	s.waitFor("Storage provider")
	s.keys("/")
	s.text("custom")
	s.keys("Enter")
	s.waitFor("Endpoint")
	s.text(srv.Endpoint)
	s.keys("Enter")
	s.text("us-east-1")
	s.keys("Enter")
	s.waitFor("in the environment")
	s.keys("Enter", "Enter") // the keys from the environment
	s.waitFor("The keys work")
	s.keys("Enter")
	s.waitFor("Keep a second copy elsewhere?")
	s.keys("Enter") // none
	s.waitFor("Keep old versions")
	s.keys("Enter", "Enter")
	s.waitFor("Serve uploads")
	s.keys("Enter") // no CDN
	s.waitFor("Override file")
	s.keys("Enter", "Enter")
	s.waitFor("Apply this plan")
	screen := s.screen()
	for _, want := range []string{"+ bucket", "www-example-com-assets-wp-content-uploads", "+ bucket_versioning"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the review lacks %q:\n%s", want, screen)
		}
	}
	s.keys("Enter") // apply
	s.waitFor("Next steps")
	s.keys("Enter") // exit
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if data, _ := os.ReadFile(filepath.Join(dir, "exit-code")); len(data) > 0 {
			if strings.TrimSpace(string(data)) != "EXIT=0" {
				t.Fatalf("the wizard ended with %s:\n%s", data, s.screen())
			}
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if strings.Contains(s.screen(), srv.SecretKey) {
		t.Error("the secret key was shown on the screen")
	}

	bucket := "www-example-com-assets-wp-content-uploads"
	v, err := srv.Client(t).GetBucketVersioning(context.Background(), &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
	if err != nil || v.Status != "Enabled" {
		t.Fatalf("bucket %s after the wizard: %v, versioning %v", bucket, err, v)
	}
	data, err := os.ReadFile(filepath.Join(dir, "override.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	got := exportfile.Read(string(data))
	if got["PERSIST_ASSETS_TO_DATASTORE"] != "1" || got["DIRECTORIES_TO_MOUNT"] != "wp-content/uploads" || got["S3_SECRET_KEY"] != srv.SecretKey {
		t.Errorf("override file after the wizard:\n%s", data)
	}
	if r := runCLI(t, dir, keysEnv(srv.AccessKey, srv.SecretKey), "plan", "--detailed-exitcode"); r.code != 0 {
		t.Errorf("plan after the wizard's apply: exit %d, want 0 (the saved answers repeat the run)\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// Every mode with every technique it allows, typed key by key at 80×24: the wizard asks
// what applies, reaches the review, goes back to a step and returns to the review with the
// answers kept; Ctrl-C leaves nothing behind and exits 130.
func TestWizardInTmuxEveryModeAndTechnique(t *testing.T) {
	t.Parallel()
	if raceDetector {
		// Nothing of it runs in this process: the walk types into a binary built without the
		// race detector, which the plain run of the suite covers; here it would only double CI's time.
		t.Skip("the plain go test run walks the built binary; nothing here runs under the race detector")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is needed for the end-to-end wizard test; ./scripts/test installs it")
	}
	bin := buildAssetwiz(t)
	for _, tc := range []struct{ mode, technique string }{
		{"virgin", "local"}, {"virgin", "plugin"}, {"baseline", "local"}, {"baseline", "plugin"},
		{"temporal", "local"}, {"temporal", "plugin"}, {"temporal", "s3fs"}, {"temporal", "efs"},
	} {
		t.Run(tc.mode+"-"+tc.technique, func(t *testing.T) {
			t.Parallel() // its own folder and tmux session; the walk mostly waits on the screen
			dir := t.TempDir()
			s := tmuxSession{t: t, name: fmt.Sprintf("assetwiz-modes-%d-%s-%s", os.Getpid(), tc.mode, tc.technique)}
			// Every provider request goes to a closed port on loopback: the checks fail, the
			// review shows the offline plan.
			shell := fmt.Sprintf("cd %s && AWS_ENDPOINT_URL_S3=http://127.0.0.1:9 AWS_ENDPOINT_URL_EFS=http://127.0.0.1:9 "+
				"S3_ACCESS_KEY=AKIDMODES S3_SECRET_KEY=modes/secret %s --dry-run; echo EXIT=$? > exit-code; sleep 60", dir, bin)
			newSession(t, s, shell)
			choose := func(value string) { s.keys("/"); s.text(value); s.keys("Enter") }

			s.waitFor("Step 1 of") // the count is of the steps that apply: it follows the answers
			if tc.technique == "efs" {
				choose("original") // the only generation that mounts EFS
			} else {
				s.keys("Enter") // the first generation offered
			}
			s.waitFor("How is the site built")
			choose(tc.mode)
			if tc.mode == "temporal" {
				s.waitFor("temporal backup")
				s.keys("Enter")
			}
			s.waitFor("Step 3 of")
			s.keys("Enter") // joomla
			s.text("www.example.com")
			s.waitFor("✓ www.example.com")
			s.keys("Enter")
			s.waitFor("Asset directories")
			s.keys("Enter", "Enter")
			s.waitFor("How should the servers")
			choose(tc.technique)
			switch tc.technique {
			case "efs":
				s.waitFor("Region at Amazon")
				s.keys("Enter")
			case "plugin", "s3fs":
				if tc.technique == "s3fs" {
					s.waitFor("Which tool mounts")
					s.keys("Enter") // the generation's own
				}
				s.waitFor("Storage provider")
				choose("digitalocean")
				s.waitFor("Region at")
				s.keys("Enter")
			}
			if tc.technique != "local" {
				s.waitFor("in the environment")
				s.keys("Enter", "Enter")
				s.waitFor("Continue anyway")
				screen := s.screen()
				if !strings.Contains(screen, "nothing listens at") || !strings.Contains(screen, "check the port") || strings.Contains(screen, "exceeded maximum") {
					t.Errorf("the key check's error is not one line naming the fix:\n%s", screen)
				}
				s.keys("Down", "Down", "Enter")
			}
			if tc.technique == "efs" {
				s.waitFor("EFS region")
				s.keys("Enter")
				s.text("subnet-0123abcd")
				s.keys("Enter")
				s.waitFor("Security groups")
				s.keys("Enter")
			}
			if tc.technique == "plugin" || tc.technique == "s3fs" {
				s.waitFor("Keep a second copy elsewhere?")
				s.keys("Enter") // none
				s.waitFor("Keep old versions")
				s.keys("Enter", "Enter")
			}
			s.waitFor("Serve uploads")
			s.keys("Enter") // none
			s.waitFor("Override file")
			s.keys("Enter", "Enter")
			s.waitFor("Go back to a step")
			review := s.screen()
			if strings.Contains(review, "Apply this plan") {
				t.Errorf("--dry-run offers apply:\n%s", review)
			}
			if tc.technique != "local" && !strings.Contains(review, "could not read a provider") {
				t.Errorf("the review does not say the plan could not read the provider:\n%s", review)
			}
			if tc.technique != "local" {
				s.keys("Down", "Down") // past Retry and Edit the keys, offered first when the plan could not read
			}
			s.keys("Down", "Down", "Enter") // go back to a step
			s.waitFor("Go back to which step")
			s.keys("Up", "Up", "Enter") // the CDN step, two above the review
			s.waitFor("Serve uploads")
			s.keys("Enter")
			s.waitFor("Override file")
			s.keys("Enter", "Enter")
			s.waitFor("Go back to a step")
			s.keys("C-c")
			waitExit(t, dir, "EXIT=130", s)
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("files left after Ctrl-C: %v", entries)
			}
		})
	}
}

// newSession starts shell in a tmux session of 80×24. The server of the session before may
// still be exiting (its last session was killed), and refuse the first try.
func newSession(t *testing.T, s tmuxSession, shell string) {
	t.Helper()
	var out []byte
	var err error
	for range 3 {
		out, err = exec.Command("tmux", "new-session", "-d", "-s", s.name, "-x", "80", "-y", "24", shell).CombinedOutput()
		if err == nil {
			t.Cleanup(func() { exec.Command("tmux", "kill-session", "-t", s.name).Run() })
			return
		}
	}
	t.Fatalf("tmux: %v %s", err, out)
}

func waitExit(t *testing.T, dir, want string, s tmuxSession) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if data, _ := os.ReadFile(filepath.Join(dir, "exit-code")); len(data) > 0 {
			if got := strings.TrimSpace(string(data)); got != want {
				t.Fatalf("the wizard ended with %s, want %s:\n%s", got, want, s.screen())
			}
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the wizard did not end:\n%s", s.screen())
}

// raceDetector is set when the tests run under -race (race_test.go).
var raceDetector bool

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/provision/faultproxy"
)

// The sync progress view in a real terminal of 80×24, as a user sees it: every redraw
// replaces the last (one bar per directory on the screen, however often it redraws, and no
// line wider than the terminal), and after Ctrl-C the bar says how far the copy really got —
// never "done" for a directory that was not copied whole.
func TestSyncViewInTmuxRedrawsInPlaceAndTellsTheTruthAfterCtrlC(t *testing.T) {
	t.Parallel()
	if raceDetector {
		t.Skip("the view runs in a process of its own: nothing of it is in this test's process for the race detector")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is needed for the sync view test; ./scripts/test installs it")
	}
	bin := buildAssetwiz(t)
	srv := s3test.Start(t)
	dir := t.TempDir()
	env := keysEnv(srv.AccessKey, srv.SecretKey)
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), s3Answers(srv, "temporal", "wordpress", "s3fs"))
	if res := runCLI(t, dir, env, "apply", "--yes"); res.code != 0 {
		t.Fatalf("apply: exit %d\n%s", res.code, res.stderr)
	}
	// Slow enough that the view redraws many times before the copy ends.
	proxy := faultproxy.New(t, srv.Endpoint, faultproxy.Options{Latency: 150 * time.Millisecond})
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), strings.Replace(s3Answers(srv, "temporal", "wordpress", "s3fs"), srv.Endpoint, proxy.URL(), 1))
	files := map[string]string{}
	for i := range 3000 {
		files[fmt.Sprintf("2026/%02d/photo-%04d.jpg", i%12+1, i)] = fmt.Sprintf("bytes of photo %d", i)
	}
	webroot := webrootWith(t, files)

	s := tmuxSession{t: t, name: fmt.Sprintf("assetwiz-sync-view-%d", os.Getpid())}
	newSession(t, s, fmt.Sprintf("cd %s && S3_ACCESS_KEY=%s S3_SECRET_KEY=%s %s sync --from %s; echo EXIT=$? > exit-code; sleep 60",
		dir, srv.AccessKey, srv.SecretKey, bin, webroot))
	s.waitFor("Copying")

	// Watch a few redraws: the directory's row and its bar appear once each.
	var copied bool
	for range 8 {
		time.Sleep(250 * time.Millisecond)
		screen := s.screen()
		if n := strings.Count(screen, "wp-content/uploads"); n != 1 {
			t.Fatalf("the directory shows %d times, want once (each redraw must replace the last):\n%s", n, screen)
		}
		bars := 0
		for _, line := range strings.Split(screen, "\n") {
			if strings.ContainsAny(line, "█░") {
				bars++
			}
			if w := ansi.StringWidth(line); w > 80 {
				t.Fatalf("a line of %d columns on an 80-column terminal:\n%s", w, screen)
			}
		}
		if bars != 1 {
			t.Fatalf("%d progress bars on the screen, want 1:\n%s", bars, screen)
		}
		copied = copied || !strings.Contains(screen, " 0/3,000 files")
	}
	if !copied {
		t.Fatalf("nothing was copied in 2 s; the test needs a copy under way:\n%s", s.screen())
	}
	if strings.Contains(s.screen(), "done") {
		t.Fatalf("the copy ended before Ctrl-C; the test needs it under way:\n%s", s.screen())
	}

	s.keys("C-c")
	waitExit(t, dir, "EXIT=130", s)
	screen := s.screen()
	row := ""
	for _, line := range strings.Split(screen, "\n") {
		if strings.Contains(line, "wp-content/uploads") {
			row = line
		}
	}
	if strings.Contains(row, "done") || !strings.Contains(row, "stopped") || strings.Contains(row, "3,000/3,000") {
		t.Errorf("after Ctrl-C the row must say stopped, and how far it got:\n%s", screen)
	}
	if strings.Contains(screen, "100%") {
		t.Errorf("after Ctrl-C the bar shows 100%%:\n%s", screen)
	}
	if strings.Contains(screen, srv.SecretKey) {
		t.Error("the secret key was shown on the screen")
	}
}

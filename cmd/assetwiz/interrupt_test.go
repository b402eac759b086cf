package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/provision/faultproxy"
)

// buildAssetwiz builds the command once for the tests that need a process of it.
func buildAssetwiz(t *testing.T) string {
	t.Helper()
	build.once.Do(func() {
		build.bin = filepath.Join(binDir, "assetwiz")
		if out, err := exec.Command("go", "build", "-o", build.bin, ".").CombinedOutput(); err != nil {
			build.err = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.bin
}

var build struct {
	once sync.Once
	bin  string
	err  error
}

// exitOf is the exit code of a finished process; being killed by SIGINT or SIGTERM counts as
// 130, as a shell reports it.
func exitOf(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() && (ws.Signal() == syscall.SIGINT || ws.Signal() == syscall.SIGTERM) {
		return exitInterrupted
	}
	return ps.ExitCode()
}

// Ctrl-C (or SIGTERM, alternately) at many points of an apply: every time the exit is 130,
// the override file is its old content or its new, never anything else, and running apply
// again finishes the job. Each signal is sent after the k-th action has started (a progress
// line), never on a timer, so every run is interrupted during apply proper.
func TestInterruptedApplyIsCleanAndResumable(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("interrupting 22 applies takes a while")
	}
	bin := buildAssetwiz(t)
	srv := s3test.Start(t)
	// The delay makes each remote action last long enough that later ones are still to come
	// when the signal arrives.
	proxy := faultproxy.New(t, srv.Endpoint, faultproxy.Options{Latency: 40 * time.Millisecond})
	env := append(os.Environ(), "S3_ACCESS_KEY="+srv.AccessKey, "S3_SECRET_KEY="+srv.SecretKey)
	const old = "# my override\nexport APPLICATION=\"joomla\"\nexport OTHER=\"kept\"\n"

	site := func(t *testing.T, i int) string {
		dir := t.TempDir()
		answers := strings.Replace(tenDirectories(proxy.URL()), "www.example.com", fmt.Sprintf("www.site%02d.example.com", i), 1)
		writeFile(t, filepath.Join(dir, "assetwiz.yaml"), answers)
		writeFile(t, filepath.Join(dir, "override.tmpl"), old)
		return dir
	}
	// run applies in dir; with sig, it sends sig once the k-th remote action has started.
	run := func(t *testing.T, dir string, k int, sig syscall.Signal) (int, string) {
		cmd := exec.Command(bin, "apply", "--yes", "--progress=plain")
		cmd.Dir, cmd.Env = dir, env
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		cmd.Stdout = &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		started := 0
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			out.WriteString(line + "\n")
			if strings.Contains(line, " start  bucket") {
				started++
				if sig != 0 && started == k {
					_ = cmd.Process.Signal(sig)
				}
			}
		}
		_ = cmd.Wait()
		return exitOf(cmd.ProcessState), out.String()
	}

	code, out := run(t, site(t, 99), 0, 0)
	if code != 0 {
		t.Fatalf("uninterrupted apply: exit %d\n%s", code, out)
	}
	remote := strings.Count(out, " start  bucket")
	t.Logf("an uninterrupted apply starts %d remote actions", remote)

	const points = 22
	for i := 0; i < points; i++ {
		k := 1 + i*(remote-1)/points // from the first remote action to near the last
		sig := syscall.SIGINT
		if i%2 == 1 {
			sig = syscall.SIGTERM
		}
		// Each point is a site of its own (its buckets, its folder): they run in parallel.
		t.Run(fmt.Sprintf("%02d %v at %d", i, sig, k), func(t *testing.T) {
			t.Parallel()
			dir := site(t, i)
			code, out := run(t, dir, k, sig)
			if code != exitInterrupted {
				t.Errorf("%v after %d actions started: exit %d, want 130\n%s", sig, k, code, out)
			}
			if !strings.Contains(out, "Interrupted:") {
				t.Errorf("%v after %d actions started: no account of what was done\n%s", sig, k, out)
			}
			interrupted, _ := os.ReadFile(filepath.Join(dir, "override.tmpl"))
			if code, out := run(t, dir, 0, 0); code != 0 {
				t.Fatalf("re-run after %v at %d: exit %d\n%s", sig, k, code, out)
			}
			final, _ := os.ReadFile(filepath.Join(dir, "override.tmpl"))
			if string(interrupted) != old && string(interrupted) != string(final) {
				t.Errorf("%v after %d actions started left an override file that is neither the old nor the new:\n%s", sig, k, interrupted)
			}
			if !strings.Contains(string(final), `export OTHER="kept"`) {
				t.Errorf("the re-run lost a line that is not ours")
			}
			r := runCLI(t, dir, map[string]string{"S3_ACCESS_KEY": srv.AccessKey, "S3_SECRET_KEY": srv.SecretKey}, "plan", "--detailed-exitcode")
			if r.code != 0 {
				t.Errorf("%v after %d actions started: after the re-run the plan still has changes (exit %d)\n%s", sig, k, r.code, r.stdout)
			}
			if entries, _ := filepath.Glob(filepath.Join(dir, ".override.tmpl.tmp-*")); len(entries) > 0 {
				t.Errorf("temporary files left behind: %v", entries)
			}
		})
	}
}

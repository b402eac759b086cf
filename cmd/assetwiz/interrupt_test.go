package main

import (
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
			build.err = fmt.Errorf("go build: %v\n%s", err, out)
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

// Ctrl-C at many points of an apply: every time the exit is 130, the override file is its
// old content or its new, never anything else, and running apply again finishes the job.
func TestInterruptedApplyIsCleanAndResumable(t *testing.T) {
	if testing.Short() {
		t.Skip("interrupting 22 applies takes a while")
	}
	bin := buildAssetwiz(t)
	srv := s3test.Start(t)
	// The delay makes an apply last long enough to be interrupted at many points.
	proxy := faultproxy.New(t, srv.Endpoint, faultproxy.Options{Latency: 40 * time.Millisecond})
	env := append(os.Environ(), "S3_ACCESS_KEY="+srv.AccessKey, "S3_SECRET_KEY="+srv.SecretKey)
	const old = "# my override\nexport APPLICATION=\"joomla\"\nexport OTHER=\"kept\"\n"

	site := func(i int) string {
		dir := t.TempDir()
		answers := strings.Replace(tenDirectories(proxy.URL()), "www.example.com", fmt.Sprintf("www.site%02d.example.com", i), 1)
		writeFile(t, filepath.Join(dir, "assetwiz.yaml"), answers)
		writeFile(t, filepath.Join(dir, "override.tmpl"), old)
		return dir
	}
	run := func(dir string, interruptAfter time.Duration) (int, string) {
		cmd := exec.Command(bin, "apply", "--yes", "--progress=plain")
		cmd.Dir, cmd.Env = dir, env
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if interruptAfter > 0 {
			time.Sleep(interruptAfter)
			cmd.Process.Signal(syscall.SIGINT)
		}
		cmd.Wait()
		return cmd.ProcessState.ExitCode(), out.String()
	}

	start := time.Now()
	if code, out := run(site(99), 0); code != 0 {
		t.Fatalf("uninterrupted apply: exit %d\n%s", code, out)
	}
	full := time.Since(start)
	t.Logf("an uninterrupted apply takes %v", full)

	const points = 22
	midApply := 0 // runs stopped between two actions rather than while planning
	for i := 0; i < points; i++ {
		after := time.Duration(float64(full) * (0.05 + 0.85*float64(i)/points))
		dir := site(i)
		code, out := run(dir, after)
		if code != exitInterrupted {
			t.Errorf("Ctrl-C after %v: exit %d, want 130\n%s", after, code, out)
		}
		if strings.Contains(out, "Interrupted:") {
			midApply++
		}
		interrupted, _ := os.ReadFile(filepath.Join(dir, "override.tmpl"))
		if code, out := run(dir, 0); code != 0 {
			t.Fatalf("re-run after Ctrl-C at %v: exit %d\n%s", after, code, out)
		}
		final, _ := os.ReadFile(filepath.Join(dir, "override.tmpl"))
		if string(interrupted) != old && string(interrupted) != string(final) {
			t.Errorf("Ctrl-C after %v left an override file that is neither the old nor the new:\n%s", after, interrupted)
		}
		if !strings.Contains(string(final), `export OTHER="kept"`) {
			t.Errorf("the re-run lost a line that is not ours")
		}
		r := runCLI(t, dir, map[string]string{"S3_ACCESS_KEY": srv.AccessKey, "S3_SECRET_KEY": srv.SecretKey}, "plan", "--detailed-exitcode")
		if r.code != 0 {
			t.Errorf("Ctrl-C after %v: after the re-run the plan still has changes (exit %d)\n%s", after, r.code, r.stdout)
		}
		if entries, _ := filepath.Glob(filepath.Join(dir, ".override.tmpl.tmp-*")); len(entries) > 0 {
			t.Errorf("temporary files left behind: %v", entries)
		}
	}
	t.Logf("%d of %d runs were stopped during apply proper, the rest while planning", midApply, points)
	if midApply < points/3 {
		t.Errorf("only %d runs were stopped during apply proper: the points do not cover the run", midApply)
	}
}

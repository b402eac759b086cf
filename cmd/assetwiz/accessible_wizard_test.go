package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/steps"
)

// The accessible wizard asked for by name runs from a pipe: plain line prompts, answers saved.
func TestAccessibleWizardFromAPipe(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	script := strings.Join([]string{
		"", "1", "1", "www.example.com", "", "2", // classic, virgin, joomla, url, preset dirs, plugin
		"10", "", "", // custom provider: an endpoint where nothing listens (loopback only), its region
		"", "", // the keys: those of the environment
		"",                 // the second copy: none
		"", "", "", "", "", // versioning, days, no cdn, override file, snippets folder
		"3", // save: the plan could not read the endpoint, so Retry and Edit the keys come first
	}, "\n") + "\n"
	var stdout, stderr bytes.Buffer
	env := map[string]string{"S3_ACCESS_KEY": "AKIDACCESSIBLE", "S3_SECRET_KEY": "accessible/secret"}
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), "storage:\n  endpoint: http://127.0.0.1:9\n")
	code := Main(context.Background(), []string{"init", "--accessible", "--dry-run"}, Env{
		Stdin: strings.NewReader(script), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return env[k] }, Dir: dir,
	})
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	a, err := steps.LoadFile(filepath.Join(dir, "assetwiz.yaml"))
	if err != nil {
		t.Fatalf("saved answers: %v\n%s", err, stderr.String())
	}
	if a.Mode != "virgin" || a.Application != "joomla" || a.WebsiteURL != "www.example.com" || a.Technique != "plugin" || a.Storage.Provider != "custom" || a.Storage.Endpoint != "http://127.0.0.1:9" || a.Storage.NoncurrentVersionDays != nil && *a.Storage.NoncurrentVersionDays != 30 {
		t.Errorf("saved answers %+v", a)
	}
	if strings.Contains(stderr.String()+stdout.String(), "accessible/secret") {
		t.Error("a secret was printed")
	}
	if _, err := os.Stat(filepath.Join(dir, "override.tmpl")); !os.IsNotExist(err) {
		t.Error("--dry-run wrote the override file")
	}
	// TERM=dumb alone (as in CI) is no request for the wizard: still exit 64.
	r := runCLI(t, dir, map[string]string{"TERM": "dumb"}, "init")
	if r.code != 64 {
		t.Errorf("TERM=dumb without a terminal: exit %d, want 64", r.code)
	}
}

// The accessible wizard asks the mount tool for s3fs from a pipe, says which buildstyles
// line picks it, and saves a tool other than the generation's own.
func TestAccessibleWizardAsksTheMountTool(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	script := strings.Join([]string{
		"", "3", "", "2", "www.example.com", "", "3", // current, temporal, hourly, wordpress, url, preset dirs, s3fs
		"3",          // mount tool: goofys
		"10", "", "", // custom provider: an endpoint where nothing listens (loopback only), its region
		"", "", // the keys: those of the environment
		"",                 // the second copy: none
		"", "", "", "", "", // versioning, days, no cdn, override file, snippets folder
		"3", // save: the plan could not read the endpoint, so Retry and Edit the keys come first
	}, "\n") + "\n"
	var stdout, stderr bytes.Buffer
	env := map[string]string{"S3_ACCESS_KEY": "AKIDACCESSIBLE", "S3_SECRET_KEY": "accessible/secret"}
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), "storage:\n  endpoint: http://127.0.0.1:9\n")
	code := Main(context.Background(), []string{"init", "--accessible", "--dry-run"}, Env{
		Stdin: strings.NewReader(script), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return env[k] }, Dir: dir,
	})
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	a, err := steps.LoadFile(filepath.Join(dir, "assetwiz.yaml"))
	if err != nil {
		t.Fatalf("saved answers: %v\n%s", err, stderr.String())
	}
	if a.Technique != "s3fs" || a.MountTool != "goofys" {
		t.Errorf("technique %q, mount tool %q; want s3fs with goofys", a.Technique, a.MountTool)
	}
	for _, want := range []string{"Which tool mounts the buckets", "DATASTOREMOUNTTOOL:rclone:binary", "builddescriptors/buildstyles.dat"} {
		if !strings.Contains(stdout.String()+stderr.String(), want) {
			t.Errorf("the wizard did not say %q:\n%s%s", want, stdout.String(), stderr.String())
		}
	}
}

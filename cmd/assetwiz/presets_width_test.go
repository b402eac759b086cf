package main

import (
	"strings"
	"testing"
)

// `assetwiz presets` fits a wide terminal: the region lists wrap (they made a line of ~330
// columns), and `man` is listed in --help.
func TestPresetsFitAndManIsListed(t *testing.T) {
	t.Parallel()
	r := runCLI(t, t.TempDir(), nil, "presets")
	for _, l := range strings.Split(r.stdout, "\n") {
		if len(l) > 120 {
			t.Errorf("a line of %d columns: %q", len(l), l)
		}
	}
	if !strings.Contains(r.stdout, "il-central-1") {
		t.Error("a region is missing")
	}
	if h := runCLI(t, t.TempDir(), nil, "--help"); !strings.Contains(h.stdout, "  man ") {
		t.Errorf("--help does not list man:\n%s", h.stdout)
	}
}

// `plan` in an empty folder suggests the wizard; with both the S3 keys and the Cloudflare
// token missing, it names both at once.
func TestPlanSaysWhatIsMissing(t *testing.T) {
	t.Parallel()
	r := runCLI(t, t.TempDir(), nil, "plan")
	if r.code != 64 || !strings.Contains(r.stderr, "run `assetwiz` for the wizard") {
		t.Errorf("empty folder: exit %d\n%s", r.code, r.stderr)
	}
	dir := t.TempDir()
	writeFile(t, dir+"/assetwiz.yaml", "mode: temporal\napplication: wordpress\nwebsite_url: www.example.com\n"+
		"technique: plugin\nstorage:\n  provider: digitalocean\ncdn:\n  provider: cloudflare\n")
	r = runCLI(t, dir, map[string]string{"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9"}, "plan")
	if r.code != 64 || !strings.Contains(r.stderr, "S3_ACCESS_KEY") || !strings.Contains(r.stderr, "CLOUDFLARE_API_TOKEN") {
		t.Errorf("exit %d, want 64 naming both:\n%s", r.code, r.stderr)
	}
}

package main

import (
	"strings"
	"testing"
)

// `assetwiz presets` fits a wide terminal: the region lists wrap (they made a line of ~330
// columns), and `man` is listed in --help.
func TestPresetsFitAndManIsListed(t *testing.T) {
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

package tui

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/charmbracelet/x/exp/golden" // registers -update

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/provision/cloudflare"
	"github.com/assetwiz/assetwiz/provision/efs"
	"github.com/assetwiz/assetwiz/provision/override"
	"github.com/assetwiz/assetwiz/steps"
)

var testdata string

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	// The golden files, by absolute path (the tests once ran in temporary folders).
	testdata, _ = filepath.Abs("testdata")
	os.Exit(m.Run())
}

// requireGolden compares a screen with testdata/<TestName>.golden; -update rewrites it.
func requireGolden(t *testing.T, got string) {
	t.Helper()
	path := filepath.Join(testdata, strings.ReplaceAll(t.Name(), "/", "_")+".golden")
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		os.MkdirAll(testdata, 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Errorf("screen differs from %s (go test -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func offlinePlan(ctx context.Context, a *steps.Answers) (provision.Plan, error) {
	return provision.Make(ctx, a, buckets.Offline{}, efs.Offline{}, cloudflare.Offline{}, override.Backend{})
}

// testOptions plans with the offline backends, as if they were live (nothing remote is
// touched; apply writes only the files, into a folder of the test's own); nothing in the
// environment.
func testOptions(t *testing.T) Options {
	return Options{
		Dir:    t.TempDir(),
		Plan:   offlinePlan,
		Getenv: func(string) string { return "" },
	}
}

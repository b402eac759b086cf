package tui

import (
	"context"
	"os"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/provision/cloudflare"
	"github.com/assetwiz/assetwiz/provision/efs"
	"github.com/assetwiz/assetwiz/provision/override"
	"github.com/assetwiz/assetwiz/steps"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

func offlinePlan(ctx context.Context, a *steps.Answers) (provision.Plan, error) {
	return provision.Make(ctx, a, buckets.Offline{}, efs.Offline{}, cloudflare.Offline{}, override.Backend{})
}

// testOptions plans offline and applies nothing; nothing in the environment.
func testOptions() Options {
	return Options{
		OfflinePlan: offlinePlan,
		Apply: func(ctx context.Context, p provision.Plan, on func(provision.Event)) provision.Result {
			return provision.Apply(ctx, p, provision.ApplyOptions{OnEvent: on})
		},
		Getenv: func(string) string { return "" },
	}
}

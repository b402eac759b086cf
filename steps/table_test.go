package steps

import (
	"slices"
	"strings"
	"testing"
)

// A host without a dot is told as such, not as an invalid name.
func TestWebsiteURLWithoutADot(t *testing.T) {
	err := CheckWebsiteURL("example")
	if err == nil || !strings.Contains(err.Error(), "has no dot") || strings.Contains(err.Error(), "not a valid host name") {
		t.Errorf("got %v", err)
	}
}

// Directories typed on one line split at commas only, and lose a trailing slash.
func TestSplitDirectories(t *testing.T) {
	got := SplitDirectories("/var/www/html/uploads, Images Big ,wp-content/uploads/,wp-content/uploads")
	want := []string{"/var/www/html/uploads", "Images Big", "wp-content/uploads"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if CheckDirectory("Images Big") == nil {
		t.Error("a directory with a space was accepted")
	}
}

// Changing the provider drops the region and endpoint derived from the old one: custom
// shows its own default region, not another provider's.
func TestProviderChangeResetsItsRegion(t *testing.T) {
	a := Answers{Mode: "temporal", Application: "joomla", WebsiteURL: "www.example.com", Technique: "plugin",
		Storage: Storage{Provider: "aws", Region: "eu-west-1"}}
	a.Complete()
	if err := a.Answer("storage.provider", "custom", nil); err != nil {
		t.Fatal(err)
	}
	a.Settle()
	p, _ := FindQuestion("storage.region")
	if a.Storage.Region == "eu-west-1" || a.Storage.Region != p.Placeholder(&a) {
		t.Errorf("region %q after choosing custom, want its default %q", a.Storage.Region, p.Placeholder(&a))
	}
}

// An answer the wizard does not offer (a typo in the answers file) is dropped and told,
// not silently replaced by the first choice.
func TestSettleTellsWhatItDrops(t *testing.T) {
	a := Answers{Mode: "temporal", Application: "wordpres"}
	dropped := a.Settle()
	if a.Application != "" || len(dropped) != 1 || dropped[0].Key != "application" || !strings.Contains(dropped[0].Message, `"wordpres"`) {
		t.Errorf("application %q, dropped %v", a.Application, dropped)
	}
}

// The technique no longer offered after a change of mode falls back to the mode's default.
func TestSettleDropsATechniqueTheModeDoesNotAllow(t *testing.T) {
	a := Answers{Mode: "temporal", Application: "joomla", Technique: "s3fs"}
	_ = a.Answer("mode", "virgin", nil)
	a.Settle()
	if a.Technique != TechniqueLocal {
		t.Errorf("technique %q, want local", a.Technique)
	}
}

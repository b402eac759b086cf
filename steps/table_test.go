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

// Directories typed on one line split at commas only, as the answers file's list is read:
// a trailing slash and a repeat stay, to be refused as plan refuses them.
func TestSplitDirectories(t *testing.T) {
	got := SplitDirectories("/var/www/html/uploads, Images Big ,wp-content/uploads/,wp-content/uploads")
	want := []string{"/var/www/html/uploads", "Images Big", "wp-content/uploads/", "wp-content/uploads"}
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

// The mount tool is asked for s3fs with a generation of several tools; choosing the
// generation's own leaves the answer open (so a change of generation leaves no stale
// tool), choosing another stores it.
func TestMountToolChoosingTheDefaultLeavesItOpen(t *testing.T) {
	q, _ := FindQuestion("mount_tool")
	a := Answers{Toolkit: ToolkitCurrent, Mode: ModeTemporal, Application: "wordpress", Technique: TechniqueS3fs}
	if !q.Asked(&a) {
		t.Fatal("mount_tool is not asked for current with s3fs")
	}
	if got := q.ChoiceValues(&a); !slices.Equal(got, []string{"rclone", "s3fs", "goofys", "geesefs"}) || q.Choices(&a)[0].Help != "the toolkit's default" {
		t.Errorf("choices %q", got)
	}
	if d := q.Describe(&a); !strings.Contains(d, "DATASTOREMOUNTTOOL:rclone:binary") || !strings.Contains(d, "builddescriptors/buildstyles.dat") {
		t.Errorf("the description names no buildstyles line: %q", d)
	}
	if err := a.Answer("mount_tool", "rclone", nil); err != nil || a.MountTool != "" || a.MountToolUsed() != "rclone" {
		t.Errorf("choosing rclone: err %v, stored %q, used %q", err, a.MountTool, a.MountToolUsed())
	}
	_ = a.Answer("toolkit", ToolkitClassic, nil)
	if a.MountToolUsed() != MountToolS3fs {
		t.Errorf("after a change to classic the build mounts with %q, want its own s3fs", a.MountToolUsed())
	}
	if err := a.Answer("mount_tool", "goofys", nil); err != nil || a.MountTool != "goofys" {
		t.Errorf("choosing goofys: err %v, stored %q", err, a.MountTool)
	}
	if d := q.Describe(&a); !strings.Contains(d, "buildstylesscp.dat") {
		t.Errorf("classic's description: %q", d)
	}
	for _, b := range []Answers{
		{Toolkit: ToolkitCurrent, Mode: ModeTemporal, Technique: TechniquePlugin},
		{Toolkit: ToolkitOriginal, Mode: ModeTemporal, Technique: TechniqueS3fs}, // s3fs only: nothing to ask
	} {
		if q.Asked(&b) {
			t.Errorf("mount_tool asked for %s with %s", b.Toolkit, b.Technique)
		}
	}
}

// A toolkit chosen in the wizard is no default: the plan does not say "no toolkit answer".
func TestChoosingTheToolkitIsNoDefault(t *testing.T) {
	a := Answers{}
	a.Complete()
	if a.ToolkitFrom == "" {
		t.Fatal("no reason given for the default toolkit")
	}
	_ = a.Answer("toolkit", ToolkitCurrent, nil)
	if a.ToolkitFrom != "" {
		t.Errorf("after choosing current: %q", a.ToolkitFrom)
	}
}

// The provider list says at AWS, before any plan, that only toolkit original builds on it.
func TestProviderChoicesSayWhichGenerationHasAWS(t *testing.T) {
	q, ok := FindQuestion("storage.provider")
	if !ok {
		t.Fatal("no storage.provider question")
	}
	awsHelp := func(toolkit string) string {
		for _, c := range q.Choices(&Answers{Toolkit: toolkit}) {
			if c.Value == "aws" {
				return c.Help
			}
		}
		t.Fatalf("toolkit %q: aws is not among the choices", toolkit)
		return ""
	}
	for _, tk := range []string{"", ToolkitCurrent, ToolkitClassic} {
		if h := awsHelp(tk); !strings.Contains(h, "no AWS support") {
			t.Errorf("toolkit %q: aws reads %q; want it to say the generation has no AWS support", tk, h)
		}
	}
	if h := awsHelp(ToolkitOriginal); strings.Contains(h, "no AWS support") {
		t.Errorf("toolkit original: aws reads %q; original is the generation with AWS", h)
	}
}

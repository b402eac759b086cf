package steps

import (
	"strings"
	"testing"
)

// The wizard's starting choices follow the advice; the answers file's defaults stay the contract's.
func TestSuggestionsFollowTheAdvice(t *testing.T) {
	t.Parallel()
	tq, _ := FindQuestion("technique")
	a := Answers{Mode: ModeTemporal, Application: "drupal"}
	if got := tq.Suggest(&a); got != TechniquePlugin {
		t.Errorf("temporal drupal suggests %q, want plugin", got)
	}
	if got := tq.Default(&a); got != TechniqueS3fs {
		t.Errorf("the answers file's default for temporal is %q, want s3fs (CONTRACT)", got)
	}
	if got := tq.Suggest(&Answers{Mode: ModeBaseline, Application: "drupal"}); got != "" {
		t.Errorf("baseline suggests %q, want none (local, the default)", got)
	}
	pq, _ := FindQuestion("storage.provider")
	if got := pq.Suggest(&Answers{Toolkit: ToolkitCurrent}); got == "aws" || got == "" {
		t.Errorf("current suggests provider %q, which it does not support", got)
	}
	if got := pq.Suggest(&Answers{Toolkit: ToolkitOriginal}); got != "aws" {
		t.Errorf("original suggests provider %q, want aws (its first, supported)", got)
	}
}

func TestTechniqueLabelsSayWhatHappens(t *testing.T) {
	t.Parallel()
	tq, _ := FindQuestion("technique")
	help := map[string]string{}
	for _, c := range tq.Choices(&Answers{Toolkit: ToolkitCurrent, Mode: ModeTemporal, Application: "drupal"}) {
		help[c.Value] = c.Help
	}
	if !strings.Contains(help[TechniqueS3fs], "mount the bucket as a folder on every web server (rclone by default for toolkit current") {
		t.Errorf("s3fs label %q", help[TechniqueS3fs])
	}
	if !strings.Contains(help[TechniquePlugin], "S3 File System (s3fs module)") || !strings.Contains(help[TechniquePlugin], "not the s3fs mount") {
		t.Errorf("drupal's plugin label %q does not name the module apart from the mount", help[TechniquePlugin])
	}
}

// A region is asked "at" a provider by name, never "at Any other S3-compatible endpoint".
func TestRegionTitleNamesTheProvider(t *testing.T) {
	t.Parallel()
	q, _ := FindQuestion("storage.region")
	if got := q.TitleOf(&Answers{Storage: Storage{Provider: "custom"}}); strings.Contains(got, "Any other") {
		t.Errorf("custom region title %q", got)
	}
	if got := q.TitleOf(&Answers{Storage: Storage{Provider: "linode"}}); got != "Region at Linode (Akamai) Object Storage" {
		t.Errorf("linode region title %q", got)
	}
}

// A value a letter or two off gets "did you mean", from the check itself (so Validate and
// the wizard say it alike).
func TestMisspelledValuesGetDidYouMean(t *testing.T) {
	t.Parallel()
	a := Answers{Mode: "temporl", Application: "wordpres", WebsiteURL: "www.example.com", Technique: "s3fs",
		Storage: Storage{Provider: "digitalocen"}}
	a.Complete()
	got := a.Validate().Error()
	for _, want := range []string{"did you mean digitalocean?", "did you mean temporal?", "did you mean wordpress?"} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in:\n%s", want, got)
		}
	}
	q, _ := FindQuestion("storage.provider")
	b := Answers{Mode: ModeTemporal, Application: "wordpress", WebsiteURL: "www.example.com", Technique: "s3fs"}
	if err := q.Verdict(&b, "digitalocen"); err == nil || !strings.Contains(err.Error(), "did you mean digitalocean?") {
		t.Errorf("the wizard's verdict: %v", err)
	}
	if err := q.Verdict(&b, "dropbox"); err != nil && strings.Contains(err.Error(), "did you mean") {
		t.Errorf("a far-off value got a suggestion: %v", err)
	}
}

// The period question says what it changes.
func TestPeriodSaysWhatItChanges(t *testing.T) {
	t.Parallel()
	q, _ := FindQuestion("period")
	if q.Describe == nil || !strings.Contains(q.Describe(&Answers{}), "BUILD_ARCHIVE_CHOICE") {
		t.Error("the period question does not say it sets BUILD_ARCHIVE_CHOICE")
	}
}

package steps

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// A host without a dot is told as such, not as an invalid name.
func TestWebsiteURLWithoutADot(t *testing.T) {
	t.Parallel()
	err := CheckWebsiteURL("example")
	if err == nil || !strings.Contains(err.Error(), "has no dot") || strings.Contains(err.Error(), "not a valid host name") {
		t.Errorf("got %v", err)
	}
}

// Directories typed on one line split at commas only, as the answers file's list is read:
// a trailing slash and a repeat stay, to be refused as plan refuses them.
func TestSplitDirectories(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
	a := Answers{Mode: "temporal", Application: "wordpres"}
	dropped := a.Settle()
	if a.Application != "" || len(dropped) != 1 || dropped[0].Key != "application" || !strings.Contains(dropped[0].Message, `"wordpres"`) {
		t.Errorf("application %q, dropped %v", a.Application, dropped)
	}
}

// The technique no longer offered after a change of mode falls back to the mode's default.
func TestSettleDropsATechniqueTheModeDoesNotAllow(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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

// The table is the one place: every answer of the Answers model is a question, every
// question has a default function or none by design, Complete takes each default from it,
// and every environment name is the one the key makes.
func TestTheTableIsTheOnePlace(t *testing.T) {
	t.Parallel()
	keys := map[string]bool{}
	walkLeaves(reflect.TypeOf(Answers{}), "", func(key string, _ []int) { keys[key] = true })
	for _, q := range Questions() {
		if q.Kind == KindSecret {
			if q.EnvName() != q.Env || q.Env == "" {
				t.Errorf("secret %s: environment %q", q.Key, q.EnvName())
			}
			continue
		}
		if !keys[q.Key] {
			t.Errorf("question %s is no answer of the Answers model", q.Key)
		}
		delete(keys, q.Key)
		if want := "ASSETWIZ_" + strings.ToUpper(strings.ReplaceAll(q.Key, ".", "_")); q.EnvName() != want || EnvVars()[want] != q.Key {
			t.Errorf("%s: environment %q, want %q", q.Key, q.EnvName(), want)
		}
	}
	for key := range keys {
		t.Errorf("answer %s has no question in the table", key)
	}
	// None by design: what the user must give, what AWS or Cloudflare finds, what is off
	// until given.
	noDefault := map[string]string{
		"mode": "required", "application": "required", "website_url": "required",
		"cdn.zone": "found from website_url through the API", "efs.subnet_ids": "required for efs",
		"efs.security_group_ids": "the VPC's default group, chosen by AWS", "backup.provider": "no backup until given",
	}
	for _, q := range Questions() {
		switch {
		case q.Kind == KindSecret && q.Default != nil:
			t.Errorf("secret %s has a default", q.Key)
		case q.Kind != KindSecret && q.Default == nil && noDefault[q.Key] == "":
			t.Errorf("%s has no default function and is not listed as none by design", q.Key)
		case q.Default != nil && noDefault[q.Key] != "":
			t.Errorf("%s has a default, yet is listed as none by design", q.Key)
		case q.Kind != KindSecret && q.DefaultDoc == "":
			t.Errorf("%s does not say its default in words (--help, docs/answers.md)", q.Key)
		}
	}
	// Complete writes in each default the table gives (except those left open on purpose).
	for _, a := range []Answers{
		{Mode: ModeTemporal, Application: "wordpress", WebsiteURL: "www.example.com", Storage: Storage{Provider: "digitalocean"},
			CDN: CDN{Provider: CDNCloudflare}, Backup: Backup{Provider: "linode"}},
		{Toolkit: ToolkitOriginal, Mode: ModeTemporal, Application: "joomla", WebsiteURL: "www.example.com", Technique: TechniqueEFS},
		{Mode: ModeBaseline, Application: "drupal", WebsiteURL: "www.example.com"},
	} {
		done := a
		done.Complete()
		for _, q := range Questions() {
			if q.Default == nil || q.KeepOpen {
				continue
			}
			if want := q.Default(&done); want != "" && a.Get(q.Key) == "" && done.Get(q.Key) != strings.ReplaceAll(want, ",", ", ") {
				t.Errorf("%s: Complete gave %q, the table's default is %q", q.Key, done.Get(q.Key), want)
			}
		}
	}
}

// The deprecated BucketNameProblem named buckets the current way whatever the generation:
// each generation's own name is judged now (classic keeps the '_'; current folds it).
func TestBucketNamesAreJudgedPerGeneration(t *testing.T) {
	t.Parallel()
	for tk, bad := range map[string]bool{ToolkitCurrent: false, ToolkitClassic: true, ToolkitOriginal: true} {
		a := Answers{Toolkit: tk, Mode: ModeTemporal, Application: "wordpress", WebsiteURL: "www.example.com",
			Directories: []string{"my_uploads"}, Technique: TechniqueS3fs, Storage: Storage{Provider: "digitalocean"}}
		a.Complete()
		ps := a.Validate()
		if got := len(ps) == 1 && ps[0].Key == "directories[0]" && strings.Contains(ps[0].Message, "cannot be a bucket"); got != bad {
			t.Errorf("%s my_uploads: %v", tk, ps)
		}
		q, _ := FindQuestion("directories")
		if err := q.Verdict(&a, "my_uploads"); (err != nil) != bad {
			t.Errorf("%s my_uploads: the wizard's verdict %v", tk, err)
		}
	}
}

// Every command's flags read the questions at start-up (a flag each, and its completion):
// a copy of the whole table per read cost `assetwiz --version` half its start-up (2,150 page
// faults, 1,150 without).
func TestReadingTheQuestionsCopiesNothing(t *testing.T) {
	if n := testing.AllocsPerRun(20, func() { _ = Questions() }); n != 0 {
		t.Errorf("Questions() allocates %.0f times a call, want 0 (the list is made once)", n)
	}
	if n := testing.AllocsPerRun(20, func() { _, _ = FindQuestion("cdn.zone") }); n != 0 {
		t.Errorf("FindQuestion allocates %.0f times a call, want 0", n)
	}
}

package steps

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func boolPtr(b bool) *bool { return &b }
func intPtr(n int) *int    { return &n }

func TestSaveLoadsBackTheSameAnswers(t *testing.T) {
	t.Parallel()
	cases := map[string]Answers{
		"wordpress temporal s3fs": {Mode: "temporal", Application: "wordpress", WebsiteURL: "www.example.com",
			Technique: "s3fs", Storage: Storage{Provider: "digitalocean"}},
		"everything away from the defaults": {Toolkit: "current", Mode: "temporal", Period: "weekly", Application: "drupal",
			WebsiteURL: "https://WWW.Example.org/", Directories: []string{"sites/default/files/pictures", "media"},
			Technique: "plugin", Webroot: "/srv/www",
			Storage: Storage{Provider: "aws", Region: "us-east-2", Versioning: boolPtr(false)},
			CDN:     CDN{Provider: "cloudflare", Method: "page-rules", Zone: "example.org", EdgeTTL: 3600},
			Output:  Output{OverrideFile: "my.tmpl", SnippetsDir: "out"}},
		"efs": {Toolkit: "original", Mode: "temporal", Application: "moodle", WebsiteURL: "lms.example.com", Technique: "efs",
			Storage: Storage{Provider: "aws", Region: "eu-west-2"},
			EFS:     EFS{Region: "eu-west-1", SubnetIDs: []string{"subnet-0123"}, SecurityGroupIDs: []string{"sg-0a"}}},
		"custom endpoint, old versions kept 90 days": {Mode: "baseline", Application: "joomla", WebsiteURL: "www.example.com",
			Technique: "plugin", Storage: Storage{Provider: "custom", Endpoint: "http://127.0.0.1:7070", NoncurrentVersionDays: intPtr(90)}},
		"virgin local": {Mode: "virgin", Application: "joomla", WebsiteURL: "www.example.com"},
	}
	for name, a := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			a.Dir = dir // saved and loaded in the test's own folder
			a.Secrets = Secrets{S3AccessKey: "AKIAXYZZY", S3SecretKey: "plughplugh"}
			a.Complete()
			if ps := a.Validate(); len(ps) > 0 {
				t.Fatalf("test answers are invalid: %v", ps)
			}
			if err := Save(DefaultAnswersFile, a); err != nil {
				t.Fatal(err)
			}
			data, _ := os.ReadFile(filepath.Join(dir, DefaultAnswersFile))
			if strings.Contains(string(data), "XYZZY") || strings.Contains(string(data), "plugh") {
				t.Fatalf("a secret was saved:\n%s", data)
			}
			loaded, err := Load(Sources{Dir: dir})
			if err != nil {
				t.Fatalf("load: %v\n%s", err, data)
			}
			want := a
			want.Secrets = Secrets{}
			want.ToolkitFrom = "" // the saved file answers toolkit
			if !reflect.DeepEqual(loaded.Answers, want) {
				t.Fatalf("loaded back\n%+v\nwant\n%+v\nfile:\n%s", loaded.Answers, want, data)
			}
		})
	}
}

func TestSaveLeavesDefaultsOut(t *testing.T) {
	t.Parallel()
	a := Answers{Mode: "temporal", Application: "wordpress", WebsiteURL: "www.example.com", Storage: Storage{Provider: "digitalocean"}}
	a.Complete()
	data, err := Marshal(Minimal(a))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"endpoint", "versioning", "override_file", "webroot", "noncurrent_version_days"} {
		if strings.Contains(string(data), key+":") {
			t.Errorf("%s is a default and should be left out:\n%s", key, data)
		}
	}
	for _, key := range []string{"toolkit: current", "mode: temporal", "period: hourly", "technique: s3fs", "region: ams3"} {
		if !strings.Contains(string(data), key) {
			t.Errorf("missing %q:\n%s", key, data)
		}
	}
}

func TestSaveWinsOverAnOverrideFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// The override file says current toolkit, daily and other directories: the saved
	// answers must still load back as the wizard left them.
	os.WriteFile(filepath.Join(dir, DefaultOverrideFile), []byte("export PERSIST_ASSETS_TO_DATASTORE=\"1\"\nexport BUILD_ARCHIVE_CHOICE=\"daily\"\nexport DIRECTORIES_TO_MOUNT=\"x/y\"\n"), 0o600)
	a := Answers{Mode: "temporal", Application: "wordpress", WebsiteURL: "www.example.com", Storage: Storage{Provider: "digitalocean"}}
	a.Complete()
	a.Dir = dir
	if err := Save(DefaultAnswersFile, a); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(Sources{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	a.ToolkitFrom = "" // the saved file answers toolkit
	if !reflect.DeepEqual(loaded.Answers, a) {
		t.Fatalf("loaded back\n%+v\nwant\n%+v", loaded.Answers, a)
	}
}

func TestFieldChecks(t *testing.T) {
	t.Parallel()
	if err := CheckWebsiteURL("https://www.example.com/"); err != nil {
		t.Errorf("scheme and slash should be fine: %v", err)
	}
	if err := CheckWebsiteURL("example.com"); err == nil || !strings.Contains(err.Error(), "subdomain") {
		t.Errorf("apex: %v", err)
	}
	if err := CheckDirectory("/abs"); err == nil {
		t.Error("a leading / should be refused")
	}
	long := Answers{Toolkit: ToolkitCurrent, Technique: TechniqueS3fs, WebsiteURL: "www.example.com"}
	if msg := long.BucketNameProblem(strings.Repeat("a", 60)); !strings.Contains(msg, "characters") {
		t.Errorf("long name: %q", msg)
	}
	if got := TechniquesFor(&Answers{Mode: "baseline"}); !reflect.DeepEqual(got, []string{"local", "plugin"}) {
		t.Errorf("baseline techniques %v", got)
	}
	if got := TechniquesFor(&Answers{Mode: "temporal", Toolkit: "current"}); !reflect.DeepEqual(got, []string{"local", "plugin", "s3fs"}) {
		t.Errorf("current temporal techniques %v", got)
	}
	if got := SplitList("a, b c,,"); !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("SplitList %v", got)
	}
}

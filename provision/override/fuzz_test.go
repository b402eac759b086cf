package override

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/steps"
)

// FuzzMerge: merging leaves every line that is not one of our exports as it was, puts each
// of our exports in exactly once, and merging twice is merging once.
func FuzzMerge(f *testing.F) {
	f.Add("export A=\"1\"\nexport APPLICATION=\"joomla\"\n# c\nexport APPLICATION=\"x\"", "wordpress")
	f.Add("", "moodle")
	f.Add("\r\nexport WEBSITE_URL='old'\r\n\texport  APPLICATION=1 # note", "drupal")
	f.Fuzz(func(t *testing.T, content, app string) {
		if strings.ContainsAny(app, "\"'`\\$\n\r") {
			return // such values are refused before any merge
		}
		exports := []Export{{Name: "APPLICATION", Value: app}, {Name: "WEBSITE_URL", Value: "www.example.com"}}
		once := Merge(content, exports)
		if twice := Merge(once, exports); twice != once {
			t.Fatalf("merge twice differs from once:\n%q\n%q", once, twice)
		}
		owned := map[string]bool{"APPLICATION": true, "WEBSITE_URL": true}
		before, after := withoutOwned(content, owned), withoutOwned(once, owned)
		if b, a := strings.Join(before, ""), strings.Join(after, ""); a != b && a != b+"\n" {
			t.Fatalf("other lines changed:\n%q\n%q", b, a)
		}
		if len(Unmergeable(content, exports)) > 0 {
			return // refused as bad input before any write: no value to read back
		}
		got := steps.ReadExports(once)
		if got["APPLICATION"] != app || got["WEBSITE_URL"] != "www.example.com" {
			t.Fatalf("exports read back as %q / %q", got["APPLICATION"], got["WEBSITE_URL"])
		}
	})
}

// FuzzExports: for any answers that validate, the exports are valid bash that sources back
// to the same values.
func FuzzExports(f *testing.F) {
	f.Add("www.example.com", "wp-content/uploads", "digitalocean", "ams3", "")
	f.Add("shop.eu.example.co.uk", "images", "custom", "eu-1", "https://s3.example.net:9000/")
	f.Add("cdn.example.org", "a/b_c/d-e", "aws", "us-east-1", "")
	bash, err := exec.LookPath("bash")
	if err != nil {
		f.Fatal("bash is needed")
	}
	f.Fuzz(func(t *testing.T, url, dir, provider, region, endpoint string) {
		a := steps.Answers{Mode: steps.ModeTemporal, Application: "wordpress", WebsiteURL: url, Directories: []string{dir},
			Technique: steps.TechniqueS3fs, Storage: steps.Storage{Provider: provider, Region: region, Endpoint: endpoint}}
		a.Complete()
		if len(a.Validate()) > 0 {
			return
		}
		exports, _ := Exports(&a, true)
		file := filepath.Join(t.TempDir(), "override.tmpl")
		os.WriteFile(file, []byte(Render(exports)), 0o600)
		var script strings.Builder
		script.WriteString("set -eu; source \"$1\"\n")
		for _, e := range exports {
			script.WriteString("printf '%s\\0' \"$" + e.Name + "\"\n")
		}
		out, err := exec.Command(bash, "-c", script.String(), "bash", file).Output()
		if err != nil {
			t.Fatalf("sourcing %q: %v", Render(exports), err)
		}
		values := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		for i, e := range exports {
			if values[i] != e.Value {
				t.Fatalf("%s sourced as %q, want %q", e.Name, values[i], e.Value)
			}
		}
	})
}

package override

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/internal/exportfile"
	"github.com/assetwiz/assetwiz/steps"
)

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
		os.WriteFile(file, []byte(exportfile.Render(exports)), 0o600)
		var script strings.Builder
		script.WriteString("set -eu; source \"$1\"\n")
		for _, e := range exports {
			script.WriteString("printf '%s\\0' \"$" + e.Name + "\"\n")
		}
		out, err := exec.Command(bash, "-c", script.String(), "bash", file).Output()
		if err != nil {
			t.Fatalf("sourcing %q: %v", exportfile.Render(exports), err)
		}
		values := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		for i, e := range exports {
			if values[i] != e.Value {
				t.Fatalf("%s sourced as %q, want %q", e.Name, values[i], e.Value)
			}
		}
	})
}

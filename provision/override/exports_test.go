package override

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	goldenfile "github.com/charmbracelet/x/exp/golden"

	"github.com/assetwiz/assetwiz/presets"
	"github.com/assetwiz/assetwiz/steps"
)

// combos is every application × mode × technique × toolkit the contract allows.
func combos(t *testing.T) []steps.Answers {
	var out []steps.Answers
	for _, app := range presets.Names(presets.Applications()) {
		for _, mode := range steps.Modes {
			for _, tech := range steps.Techniques {
				for _, tk := range presets.Names(presets.Toolkits()) {
					a := steps.Answers{Toolkit: tk, Mode: mode, Application: app, WebsiteURL: "www.example.com", Technique: tech}
					switch tech {
					case steps.TechniquePlugin, steps.TechniqueS3fs:
						a.Storage.Provider = "digitalocean"
					case steps.TechniqueEFS:
						a.Storage.Provider, a.EFS.SubnetIDs = "aws", []string{"subnet-0123", "subnet-4567"}
					}
					if app == "moodle" {
						a.CDN.Provider = steps.CDNCloudflare
					}
					a.Complete()
					if len(a.Validate()) > 0 {
						continue // a combination the contract forbids (s3fs in baseline, efs on current, ...)
					}
					out = append(out, a)
				}
			}
		}
	}
	if len(out) < 50 {
		t.Fatalf("only %d valid combinations: the table lost cases", len(out))
	}
	return out
}

// want is the contract's table, written out independently of Exports.
func want(a steps.Answers) map[string]string {
	classic := a.Toolkit == "classic"
	offloaded := a.Mode == "temporal" && (a.Technique == "s3fs" || classic && a.Technique == "efs")
	w := map[string]string{}
	flagName := "PERSIST_ASSETS_TO_DATASTORE"
	if classic {
		flagName = "PERSIST_ASSETS_TO_CLOUD"
	}
	w[flagName], w["DIRECTORIES_TO_MOUNT"] = "0", ""
	if offloaded {
		w[flagName] = "1"
		dirs := strings.Join(a.Directories, ":")
		if classic {
			dirs = strings.ReplaceAll(dirs, "/", ".")
		}
		w["DIRECTORIES_TO_MOUNT"] = dirs
	}
	w["BUILD_ARCHIVE_CHOICE"] = a.Mode
	if a.Mode == "temporal" {
		w["BUILD_ARCHIVE_CHOICE"] = "hourly"
	}
	w["APPLICATION"], w["WEBSITE_URL"] = a.Application, "www.example.com"
	switch a.Storage.Provider {
	case "digitalocean":
		w["S3_HOST_BASE"], w["S3_LOCATION"] = "ams3.digitaloceanspaces.com", "US"
		if classic {
			w["DATASTORE_CHOICE"] = "digitalocean"
		}
	case "aws":
		w["S3_HOST_BASE"], w["S3_LOCATION"] = "s3.eu-west-1.amazonaws.com", "US"
		if classic {
			w["DATASTORE_CHOICE"] = "amazonS3"
		}
	}
	if a.Technique == "efs" && classic {
		w["ENABLE_EFS"], w["SUBNET_ID"] = "1", "subnet-0123"
	}
	if a.CDN.Provider == "cloudflare" {
		w["DNS_CHOICE"] = "cloudflare"
	}
	return w
}

func TestExportsFollowTheContract(t *testing.T) {
	var golden strings.Builder
	for _, a := range combos(t) {
		name := fmt.Sprintf("%s/%s/%s/%s", a.Application, a.Mode, a.Technique, a.Toolkit)
		exports, _ := Exports(&a, true)
		got := map[string]string{}
		for _, e := range exports {
			if _, dup := got[e.Name]; dup {
				t.Errorf("%s: %s exported twice", name, e.Name)
			}
			got[e.Name] = e.Value
		}
		w := want(a)
		for k, v := range w {
			if g, ok := got[k]; !ok || g != v {
				t.Errorf("%s: %s = %q (present %v), want %q", name, k, g, ok, v)
			}
		}
		for k := range got {
			if _, ok := w[k]; !ok {
				t.Errorf("%s: unexpected export %s", name, k)
			}
		}
		fmt.Fprintf(&golden, "## %s\n%s\n", name, Render(exports))
	}
	goldenfile.RequireEqual(t, []byte(golden.String()))
}

func TestExportsSourceBackInBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("bash is needed to prove the exports are valid shell")
	}
	for _, a := range combos(t) {
		a.Secrets = steps.Secrets{S3AccessKey: "AKIDEXAMPLE", S3SecretKey: "wJalr/XUtnFEMI+K7MDENG"}
		exports, _ := Exports(&a, false)
		file := filepath.Join(t.TempDir(), "override.tmpl")
		os.WriteFile(file, []byte(Render(exports)), 0o600)
		if out, err := exec.Command(bash, "-n", file).CombinedOutput(); err != nil {
			t.Fatalf("bash -n: %v\n%s", err, out)
		}
		var script strings.Builder
		script.WriteString("set -eu; source " + file + "\n")
		for _, e := range exports {
			fmt.Fprintf(&script, "printf '%%s=%%s\\n' %s \"$%s\"\n", e.Name, e.Name)
		}
		out, err := exec.Command(bash, "-c", script.String()).Output()
		if err != nil {
			t.Fatalf("sourcing: %v", err)
		}
		var wantOut strings.Builder
		for _, e := range exports {
			wantOut.WriteString(e.Name + "=" + e.Value + "\n")
		}
		if string(out) != wantOut.String() {
			t.Errorf("sourced values differ:\n%s\nwant:\n%s", out, wantOut.String())
		}
	}
}

package override

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	goldenfile "github.com/charmbracelet/x/exp/golden"

	"github.com/assetwiz/assetwiz/internal/exportfile"
	"github.com/assetwiz/assetwiz/presets"
	"github.com/assetwiz/assetwiz/steps"
)

// combos is every application × mode × technique × toolkit the contract allows, with
// DigitalOcean and AWS (Europe and not) for the techniques that make buckets.
func combos(t *testing.T) []steps.Answers {
	var out []steps.Answers
	for _, app := range presets.Names(presets.Applications()) {
		for _, mode := range steps.Modes {
			for _, tech := range steps.Techniques {
				for _, tk := range presets.Names(presets.Toolkits()) {
					storages := []steps.Storage{{}}
					switch tech {
					case steps.TechniquePlugin, steps.TechniqueS3fs:
						storages = []steps.Storage{{Provider: "digitalocean"}, {Provider: "aws"}, {Provider: "aws", Region: "us-east-2"}}
					case steps.TechniqueEFS:
						storages = []steps.Storage{{Provider: "aws"}, {Provider: "aws", Region: "us-east-2"}}
					}
					for _, st := range storages {
						a := steps.Answers{Toolkit: tk, Mode: mode, Application: app, WebsiteURL: "www.example.com", Technique: tech, Storage: st}
						if tech == steps.TechniqueEFS {
							a.EFS.SubnetIDs = []string{"subnet-0123", "subnet-4567"}
						}
						if app == "moodle" {
							a.CDN.Provider = steps.CDNCloudflare
						}
						a.Complete()
						if len(a.Validate()) > 0 {
							continue // a combination the contract forbids (s3fs in baseline, efs but on original, ...)
						}
						out = append(out, a)
					}
				}
			}
		}
	}
	if len(out) < 100 {
		t.Fatalf("only %d valid combinations: the table lost cases", len(out))
	}
	return out
}

// generation is what one toolkit generation reads, transcribed by hand from its templates
// and quick specification (not from assetwiz's presets):
//   - current: adt-build-machine-scripts templatedconfigurations/quick_specification.dat:27
//     (PERSIST_ASSETS_TO_DATASTORE 0 1; no BUILD_CHOICE, no DATASTORE_CHOICE rows), slash
//     directories (specification.md), S3_LOCATION US only (:10-13);
//   - classic: adt-build-machine-scripts.orig quick_specification.dat:25 PERSIST_ASSETS_TO_CLOUD,
//     :26 BUILD_CHOICE 0-6, :62 DATASTORE_CHOICE digitalocean exoscale linode vultr, dotted
//     directories (adt-webserver-scripts.new SetupAssetsStore.sh:79);
//   - original: agile-infrastructure-build-client-scripts templates/aws/aws3.tmpl:5 BUILD_CHOICE,
//     :7 PERSIST_ASSETS_TO_CLOUD, :13 S3_LOCATION="EU", :79 DATASTORE_CHOICE="amazonS3",
//     :109-110 ENABLE_EFS, SUBNET_ID.
type generation struct {
	flag                     string
	dotted, buildChoice, efs bool
	datastore                map[string]string
	euLocation               bool
}

var generations = map[string]generation{
	"current":  {flag: "PERSIST_ASSETS_TO_DATASTORE"},
	"classic":  {flag: "PERSIST_ASSETS_TO_CLOUD", dotted: true, buildChoice: true, datastore: map[string]string{"digitalocean": "digitalocean"}},
	"original": {flag: "PERSIST_ASSETS_TO_CLOUD", dotted: true, buildChoice: true, efs: true, euLocation: true, datastore: map[string]string{"digitalocean": "digitalocean", "aws": "amazonS3"}},
}

// buildChoice is the toolkit's own numbering (adt-build-machine-scripts.orig
// InterrogateApplicationType.sh:65-83; aws3.tmpl:5 "2=hourly, 3=daily, 4=weekly, 5=monthly, 6=bimonthly").
var buildChoice = map[string]string{"virgin": "0", "baseline": "1", "hourly": "2", "daily": "3", "weekly": "4", "monthly": "5", "bimonthly": "6"}

// want is the contract's table, written out independently of Exports.
func want(a steps.Answers) map[string]string {
	g := generations[a.Toolkit]
	offloaded := a.Mode == "temporal" && (a.Technique == "s3fs" || g.efs && a.Technique == "efs")
	w := map[string]string{}
	w[g.flag], w["DIRECTORIES_TO_MOUNT"] = "0", ""
	if offloaded {
		w[g.flag] = "1"
		dirs := strings.Join(a.Directories, ":")
		if g.dotted {
			dirs = strings.ReplaceAll(dirs, "/", ".")
		}
		w["DIRECTORIES_TO_MOUNT"] = dirs
	}
	archive := a.Mode
	if a.Mode == "temporal" {
		archive = "hourly"
	}
	w["BUILD_ARCHIVE_CHOICE"] = archive
	if g.buildChoice {
		w["BUILD_CHOICE"] = buildChoice[archive]
	}
	w["APPLICATION"], w["WEBSITE_URL"] = a.Application, "www.example.com"
	switch a.Storage.Provider {
	case "digitalocean":
		w["S3_HOST_BASE"], w["S3_LOCATION"] = "ams3.digitaloceanspaces.com", "US"
	case "aws":
		w["S3_HOST_BASE"], w["S3_LOCATION"] = "s3."+a.Storage.Region+".amazonaws.com", "US"
		if g.euLocation && a.Storage.Region == "eu-west-1" {
			w["S3_LOCATION"] = "EU"
		}
	}
	if v, ok := g.datastore[a.Storage.Provider]; ok {
		w["DATASTORE_CHOICE"] = v
	}
	if a.Technique == "efs" && g.efs {
		w["ENABLE_EFS"], w["SUBNET_ID"] = "1", "subnet-0123"
	}
	// DNS_CHOICE is never written (alone it breaks the build): the plan says what to set.
	return w
}

func TestExportsFollowTheContract(t *testing.T) {
	t.Parallel()
	var golden strings.Builder
	for _, a := range combos(t) {
		name := fmt.Sprintf("%s/%s/%s/%s/%s-%s", a.Application, a.Mode, a.Technique, a.Toolkit, a.Storage.Provider, a.Storage.Region)
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
		fmt.Fprintf(&golden, "## %s\n%s\n", name, exportfile.Render(exports))
	}
	goldenfile.RequireEqual(t, []byte(golden.String()))
}

// Every export the planner can produce, for every generation, reads back as itself: parsed
// by exportfile (what steps reads the override file with), merged into a toolkit template,
// and sourced by bash. The keys include the characters the answers refuse (quotes,
// backslashes, $, backticks): a key that slipped through must still not break the file.
func TestExportsRoundTrip(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("bash is needed to prove the exports are valid shell")
	}
	template, err := os.ReadFile(filepath.Join("..", "..", "internal", "exportfile", "testdata", "digitalocean3override.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	keys := []steps.Secrets{
		{S3AccessKey: "AKIDEXAMPLE", S3SecretKey: "wJalr/XUtnFEMI+K7MDENG"},
		{S3AccessKey: `AK"ID\`, S3SecretKey: "s$HOME`id`\\\"$(touch pwned)'x"},
	}
	dir := t.TempDir()
	for _, a := range combos(t) {
		for k, secrets := range keys {
			a.Secrets = secrets
			exports, _ := Exports(&a, false)
			rendered := exportfile.Render(exports)
			parsed, merged := exportfile.Read(rendered), exportfile.Read(exportfile.Merge(string(template), exports))
			for _, e := range exports {
				if parsed[e.Name] != e.Value || merged[e.Name] != e.Value {
					t.Fatalf("%s/%s/%s keys %d: %s = %q rendered, %q merged; want %q", a.Toolkit, a.Mode, a.Technique, k, e.Name, parsed[e.Name], merged[e.Name], e.Value)
				}
			}
			if k == 0 {
				continue // one bash per combination: the hostile keys carry the same other values
			}
			file := filepath.Join(dir, "override.tmpl")
			os.WriteFile(file, []byte(rendered), 0o600)
			var script strings.Builder
			script.WriteString("set -eu; cd \"$2\"; source \"$1\"\n")
			for _, e := range exports {
				fmt.Fprintf(&script, "printf '%%s=%%s\\n' %s \"$%s\"\n", e.Name, e.Name)
			}
			out, err := exec.Command(bash, "-c", script.String(), "bash", file, dir).Output()
			if err != nil {
				t.Fatalf("sourcing:\n%s\n%v", rendered, err)
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
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Error("sourcing the exports ran a key as code")
	}
}

// Every period gets its BUILD_CHOICE, and BUILD_ARCHIVE_CHOICE agrees with it.
func TestBuildChoiceFollowsThePeriod(t *testing.T) {
	t.Parallel()
	for _, tk := range []string{"classic", "original"} {
		for _, period := range steps.Periods {
			a := steps.Answers{Toolkit: tk, Mode: "temporal", Period: period, Application: "joomla", WebsiteURL: "www.example.com"}
			a.Complete()
			got := exportfile.Read(exportfile.Render(exportsOnly(Exports(&a, true))))
			if got["BUILD_CHOICE"] != buildChoice[period] || got["BUILD_ARCHIVE_CHOICE"] != period {
				t.Errorf("%s %s: BUILD_CHOICE %q, BUILD_ARCHIVE_CHOICE %q; want %q, %q", tk, period, got["BUILD_CHOICE"], got["BUILD_ARCHIVE_CHOICE"], buildChoice[period], period)
			}
		}
	}
}

func exportsOnly(e []Export, _ []string) []Export { return e }

// What a generation cannot do is said before anything is made: one warning each.
func TestGenerationWarnings(t *testing.T) {
	t.Parallel()
	base := func(tk string) steps.Answers {
		return steps.Answers{Toolkit: tk, Mode: "temporal", Application: "wordpress", WebsiteURL: "www.example.com",
			Technique: "s3fs", Storage: steps.Storage{Provider: "digitalocean"}}
	}
	cases := []struct {
		name   string
		answer func(a *steps.Answers)
		tk     string
		want   string // "" for no warning beyond the toolkit's own line
	}{
		{"a listed host", func(a *steps.Answers) {}, "current", ""},
		{"http endpoint", func(a *steps.Answers) { a.Storage.Provider, a.Storage.Endpoint = "custom", "http://127.0.0.1:7070" }, "current", "only as https://<S3_HOST_BASE> on port 443"},
		{"port endpoint", func(a *steps.Answers) { a.Storage.Provider, a.Storage.Endpoint = "custom", "s3.example.net:8443" }, "classic", "only as https://<S3_HOST_BASE> on port 443"},
		{"region the validator lacks", func(a *steps.Answers) { a.Storage.Region = "sfo3" }, "current", `"sfo3.digitaloceanspaces.com" (digitalocean sfo3) is not in the current toolkit's list`},
		{"gb-lon-1 is current's, not classic's", func(a *steps.Answers) { a.Storage.Provider = "linode" }, "classic", "not in the classic toolkit's list"},
		{"aws with current", func(a *steps.Answers) { a.Storage.Provider = "aws" }, "current", "the current toolkit has no AWS support of its own"},
		{"aws with classic", func(a *steps.Answers) { a.Storage.Provider = "aws" }, "classic", "the classic toolkit has no AWS support of its own"},
		{"custom directories with original", func(a *steps.Answers) { a.Directories = []string{"wp-content/uploads", "media"} }, "original", "so it will not mount media"},
		{"cloudflare", func(a *steps.Answers) { a.CDN.Provider = "cloudflare" }, "current", `DNS_CHOICE="cloudflare", DNS_USERNAME`},
		{"cloudflare in front of the plugin's bucket", func(a *steps.Answers) { a.CDN.Provider, a.Technique = "cloudflare", "plugin" }, "current", "uploads are served through www-assets.example.com, whose proxied record assetwiz makes"},
		{"two subnets with efs", func(a *steps.Answers) {
			a.Technique, a.Storage.Provider, a.Storage.Region = "efs", "aws", "eu-west-1"
			a.EFS.SubnetIDs, a.EFS.SecurityGroupIDs = []string{"subnet-0aaa", "subnet-0bbb"}, []string{"sg-01"}
		}, "original", `reads one subnet, SUBNET_ID="subnet-0aaa"`},
	}
	for _, c := range cases {
		a := base(c.tk)
		c.answer(&a)
		a.Complete()
		if ps := a.Validate(); len(ps) > 0 {
			t.Fatalf("%s: %v", c.name, ps)
		}
		a.ToolkitFrom = ""
		_, warnings := Exports(&a, true)
		joined := strings.Join(warnings, "\n")
		if c.want == "" {
			if c.tk != "original" && len(warnings) > 0 {
				t.Errorf("%s: unexpected warnings %q", c.name, warnings)
			}
			continue
		}
		if n := strings.Count(joined, c.want); n != 1 {
			t.Errorf("%s: want one warning with %q, got %q", c.name, c.want, warnings)
		}
		if len(warnings) != 1 && c.name != "port endpoint" { // a custom endpoint also has no DATASTORE_CHOICE in classic
			t.Errorf("%s: one fact, one warning; got %q", c.name, warnings)
		}
	}
}

// Moving an override file from one generation to another: the owned exports take the new
// generation's names, every other line stays, and the plan names the old ones left behind.
func TestMigrationBetweenGenerations(t *testing.T) {
	t.Parallel()
	classicFile := `export PERSIST_ASSETS_TO_CLOUD="1"
export DIRECTORIES_TO_MOUNT="wp-content.uploads"
export BUILD_CHOICE="3"
export BUILD_ARCHIVE_CHOICE="daily"
export DATASTORE_CHOICE="digitalocean"
export DNS_CHOICE="cloudflare"
export OTHER="kept"
`
	ex := exportfile.Read(classicFile)
	if tk, why := steps.GenerationOf(ex); tk != "classic" || !strings.Contains(why, "PERSIST_ASSETS_TO_CLOUD") {
		t.Fatalf("generation of a classic file: %s (%s)", tk, why)
	}
	a := steps.Answers{Toolkit: "current", Mode: "temporal", Period: "daily", Application: "wordpress", WebsiteURL: "www.example.com",
		Technique: "s3fs", Storage: steps.Storage{Provider: "digitalocean"}}
	a.Complete()
	exports, _ := Exports(&a, true)
	merged := exportfile.Read(exportfile.Merge(classicFile, exports, SecretNames...))
	if merged["PERSIST_ASSETS_TO_DATASTORE"] != "1" || merged["DIRECTORIES_TO_MOUNT"] != "wp-content/uploads" || merged["OTHER"] != "kept" {
		t.Errorf("merged exports: %v", merged)
	}
	left := strings.Join(LeftBehind(&a, "override.tmpl", classicFile, exports), "\n")
	for _, name := range []string{"PERSIST_ASSETS_TO_CLOUD", "BUILD_CHOICE", "DATASTORE_CHOICE", "AUTH_DNS_CHOICE"} {
		if !strings.Contains(left, name) {
			t.Errorf("the plan does not name %s left behind:\n%s", name, left)
		}
	}
	for tk, file := range map[string]string{
		"original": "export PERSIST_ASSETS_TO_CLOUD=\"1\"\nexport ENABLE_EFS=\"1\"\n",
		"current":  "export PERSIST_ASSETS_TO_DATASTORE=\"0\"\n",
	} {
		if got, _ := steps.GenerationOf(exportfile.Read(file)); got != tk {
			t.Errorf("generation of %q = %s, want %s", file, got, tk)
		}
	}
}

// Missing keys are one cause: one warning naming both (the wizard's no-keys banner already
// names them; two near-identical lines under it were noise, issue 22), or the one missing.
func TestMissingKeysAreOneWarning(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		access, secret string
		want           string
	}{
		{"", "", "S3_ACCESS_KEY and S3_SECRET_KEY: not set"},
		{"AKIAEXAMPLE", "", "S3_SECRET_KEY: not set"},
	} {
		a := steps.Answers{Toolkit: "current", Mode: steps.ModeTemporal, Application: "wordpress", WebsiteURL: "www.example.com",
			Technique: steps.TechniquePlugin, Storage: steps.Storage{Provider: "digitalocean"}}
		a.Complete()
		a.Secrets.S3AccessKey, a.Secrets.S3SecretKey = tc.access, tc.secret
		_, warnings := Exports(&a, false)
		var about []string
		for _, w := range warnings {
			if strings.Contains(w, "not set") {
				about = append(about, w)
			}
		}
		if len(about) != 1 || !strings.HasPrefix(about[0], tc.want) {
			t.Errorf("access %q secret set %v: warnings about keys %q; want one starting %q", tc.access, tc.secret != "", about, tc.want)
		}
	}
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestPlanOfflineJSONFollowsTheContract(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), goodAnswers+"cdn:\n  provider: cloudflare\n")
	r := runCLI(t, dir, map[string]string{"S3_ACCESS_KEY": "AKIDPLANTEST", "S3_SECRET_KEY": "plan/secret/value"}, "plan", "--offline", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var plan struct {
		FormatVersion string `json:"format_version"`
		Changes       *bool  `json:"changes"`
		Actions       []struct {
			Resource, ID, Op, Detail string
		} `json:"actions"`
		Summary  map[string]int `json:"summary"`
		Warnings []string       `json:"warnings"`
	}
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&plan); err != nil {
		t.Fatalf("plan JSON: %v\n%s", err, r.stdout)
	}
	if plan.FormatVersion != "1" || plan.Changes == nil || !*plan.Changes {
		t.Errorf("format_version %q changes %v", plan.FormatVersion, plan.Changes)
	}
	count := map[string]int{}
	byResource := map[string][]string{}
	for _, a := range plan.Actions {
		count[a.Op]++
		byResource[a.Resource] = append(byResource[a.Resource], a.ID)
		if a.Op != "create" {
			t.Errorf("offline plan has %s %s %s, want every action create", a.Op, a.Resource, a.ID)
		}
	}
	for _, op := range []string{"create", "update", "noop"} {
		if plan.Summary[op] != count[op] {
			t.Errorf("summary %s = %d, actions say %d", op, plan.Summary[op], count[op])
		}
	}
	bucket := "www-example-com-assets-wp-content-uploads"
	for _, res := range []string{"bucket", "bucket_versioning", "bucket_lifecycle"} {
		if len(byResource[res]) != 1 || byResource[res][0] != bucket {
			t.Errorf("%s actions = %v, want [%s]", res, byResource[res], bucket)
		}
	}
	// The files: the rclone snippets of the current toolkit's mount (provision/snippets), then the override file, last.
	files := byResource["file"]
	if len(byResource["cache_rule"]) != 1 || len(files) < 2 || files[len(files)-1] != "override.tmpl" || !slices.Contains(files, "assetwiz-out/rclone/mount.sh") {
		t.Errorf("cache_rule %v, file %v", byResource["cache_rule"], files)
	}
	if len(plan.Warnings) == 0 {
		t.Error("no warnings, want at least the s3fs and proxied-record ones")
	}
	if strings.Contains(r.stdout+r.stderr, "AKIDPLANTEST") || strings.Contains(r.stdout+r.stderr, "plan/secret/value") {
		t.Error("a secret was printed")
	}
	if _, err := os.Stat(filepath.Join(dir, "override.tmpl")); !os.IsNotExist(err) {
		t.Error("plan wrote the override file")
	}
}

func TestPlanDetailedExitcode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	answers := "mode: baseline\napplication: joomla\nwebsite_url: www.example.com\n" // local: nothing remote
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), answers)

	r := runCLI(t, dir, nil, "plan", "--offline", "--detailed-exitcode")
	if r.code != 2 || !strings.Contains(r.stdout, "+ file") {
		t.Fatalf("before render: exit %d, want 2 with the file to create\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, dir, nil, "render", "-o", "override.tmpl"); r.code != 0 {
		t.Fatalf("render: exit %d %s", r.code, r.stderr)
	}
	r = runCLI(t, dir, nil, "plan", "--offline", "--detailed-exitcode")
	if r.code != 0 || !strings.Contains(r.stdout, "= file") || !strings.Contains(r.stdout, "No changes") {
		t.Fatalf("after render: exit %d, want 0 and the file unchanged\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Changing an answer makes the file an update, shown with the exports it sets.
	r = runCLI(t, dir, nil, "plan", "--offline", "--detailed-exitcode", "--application", "moodle")
	if r.code != 2 || !strings.Contains(r.stdout, "~ file") || !strings.Contains(r.stdout, "APPLICATION") {
		t.Fatalf("changed answer: exit %d\n%s", r.code, r.stdout)
	}
}

func TestRenderOneLine(t *testing.T) {
	t.Parallel()
	r := runCLI(t, t.TempDir(), nil, "render", "--mode", "temporal", "--application", "joomla",
		"--website-url", "https://WWW.Example.com/", "--provider", "linode", "--toolkit", "current", "--no-secrets")
	want := `export PERSIST_ASSETS_TO_DATASTORE="1"
export DIRECTORIES_TO_MOUNT="images"
export BUILD_ARCHIVE_CHOICE="hourly"
export APPLICATION="joomla"
export WEBSITE_URL="www.example.com"
export S3_HOST_BASE="gb-lon-1.linodeobjects.com"
export S3_LOCATION="US"
`
	if r.code != 0 || r.stdout != want {
		t.Fatalf("exit %d\n%s\nwant:\n%s\nstderr: %s", r.code, r.stdout, want, r.stderr)
	}
}

func TestRenderWritesSecretsOnlyWhereAsked(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), goodAnswers)
	env := map[string]string{"S3_ACCESS_KEY": "AKIDRENDER", "S3_SECRET_KEY": "render/secret"}
	r := runCLI(t, dir, env, "render")
	if !strings.Contains(r.stdout, `export S3_SECRET_KEY="render/secret"`) {
		t.Errorf("render without --no-secrets must print the keys to stdout:\n%s", r.stdout)
	}
	r = runCLI(t, dir, env, "render", "--no-secrets")
	if strings.Contains(r.stdout+r.stderr, "render/secret") || strings.Contains(r.stdout, "S3_ACCESS_KEY") {
		t.Errorf("--no-secrets printed a key:\n%s", r.stdout)
	}
	r = runCLI(t, dir, env, "render", "-o", "override.tmpl")
	if strings.Contains(r.stdout+r.stderr, "render/secret") {
		t.Error("render -o printed a key")
	}
	st, err := os.Stat(filepath.Join(dir, "override.tmpl"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("override file: %v mode %v, want 0600", err, st)
	}
}

func TestOverrideFileIsReadBack(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "override.tmpl"), `export PERSIST_ASSETS_TO_DATASTORE="1"
export DIRECTORIES_TO_MOUNT="sites/default/files/pictures"
export BUILD_ARCHIVE_CHOICE="daily"
export APPLICATION="drupal"
export WEBSITE_URL="shop.example.org"
export S3_HOST_BASE="fra1.digitaloceanspaces.com"
`)
	// No answers file, no flags: everything comes from the override file.
	r := runCLI(t, dir, nil, "render", "--no-secrets")
	for _, line := range []string{`PERSIST_ASSETS_TO_DATASTORE="1"`, `DIRECTORIES_TO_MOUNT="sites/default/files/pictures"`,
		`BUILD_ARCHIVE_CHOICE="daily"`, `WEBSITE_URL="shop.example.org"`, `S3_HOST_BASE="fra1.digitaloceanspaces.com"`} {
		if !strings.Contains(r.stdout, line) {
			t.Errorf("read back lost %s:\n%s%s", line, r.stdout, r.stderr)
		}
	}
	// A flag beats the file; the period goes with the mode.
	r = runCLI(t, dir, nil, "render", "--no-secrets", "--mode", "baseline", "--technique", "plugin")
	if !strings.Contains(r.stdout, `BUILD_ARCHIVE_CHOICE="baseline"`) || !strings.Contains(r.stdout, `PERSIST_ASSETS_TO_DATASTORE="0"`) {
		t.Errorf("flags did not win over the override file:\n%s%s", r.stdout, r.stderr)
	}
}

func TestPresetsAndVersion(t *testing.T) {
	t.Parallel()
	r := runCLI(t, t.TempDir(), nil, "presets", "--json")
	var p struct {
		Applications []struct{ Name string } `json:"applications"`
		Providers    []struct {
			Name    string   `json:"name"`
			Regions []string `json:"regions"`
		} `json:"providers"`
		Toolkits []struct{ Name string } `json:"toolkits"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil || len(p.Applications) != 4 || len(p.Providers) < 10 || len(p.Toolkits) != 3 {
		t.Fatalf("presets --json: %v %+v", err, p)
	}
	for _, args := range [][]string{{"version"}, {"--version"}} {
		r := runCLI(t, t.TempDir(), nil, args...)
		if r.code != 0 || !strings.Contains(r.stdout, "assetwiz ") || !strings.Contains(r.stdout, "commit") {
			t.Errorf("%v: exit %d %q", args, r.code, r.stdout)
		}
	}
}

func TestWizardWithoutTerminalIsBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, args := range [][]string{{}, {"init"}} {
		r := runCLI(t, dir, nil, args...)
		if r.code != 64 || !strings.Contains(r.stderr, "terminal") || !strings.Contains(r.stderr, "assetwiz plan") {
			t.Errorf("%v: exit %d, stderr %s", args, r.code, r.stderr)
		}
	}
	if names := listDir(t, dir); len(names) != 0 {
		t.Errorf("the wizard without a terminal wrote %v", names)
	}
}

func TestLivePlanWithoutKeysIsBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), goodAnswers)
	for _, args := range [][]string{{"plan"}, {"apply", "--yes"}, {"verify"}} {
		r := runCLI(t, dir, nil, args...)
		if r.code != 64 || !strings.Contains(r.stderr, "S3_ACCESS_KEY") {
			t.Errorf("%v without keys: exit %d, want 64 naming S3_ACCESS_KEY\n%s", args, r.code, r.stderr)
		}
	}
	if names := listDir(t, dir); len(names) != 1 {
		t.Errorf("files were written: %v", names)
	}
}

func TestLivePlanWithoutCloudflareTokenIsBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), "mode: baseline\napplication: joomla\nwebsite_url: www.example.com\ncdn:\n  provider: cloudflare\n")
	r := runCLI(t, dir, nil, "plan")
	if r.code != 64 || !strings.Contains(r.stderr, "CLOUDFLARE_API_TOKEN") || !strings.Contains(r.stderr, "Cache Rules") {
		t.Errorf("plan without a token: exit %d, want 64 naming CLOUDFLARE_API_TOKEN\n%s", r.code, r.stderr)
	}
}

package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/internal/exportfile"
	"github.com/assetwiz/assetwiz/presets"
	"github.com/assetwiz/assetwiz/steps"
)

type generationPlan struct {
	Actions []struct {
		Resource string `json:"resource"`
		ID       string `json:"id"`
	} `json:"actions"`
	Warnings []string `json:"warnings"`
}

func offlinePlanJSON(t *testing.T, dir string, args ...string) generationPlan {
	t.Helper()
	r := runCLI(t, dir, nil, append([]string{"plan", "--offline", "--json"}, args...)...)
	if r.code != 0 && r.code != 2 {
		t.Fatalf("plan: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var p generationPlan
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatalf("plan --json: %v\n%s", err, r.stdout)
	}
	return p
}

func (p generationPlan) ids(resource string) []string {
	var out []string
	for _, a := range p.Actions {
		if a.Resource == resource {
			out = append(out, a.ID)
		}
	}
	return out
}

// render and plan --offline agree on the generation and on every name, and both are the
// toolkit's own names (the wizard's labels call the same Answers.BucketName).
func TestRenderAndPlanAgreeOnTheGeneration(t *testing.T) {
	t.Parallel()
	want := map[string][]string{ // www.example.com + images, cache-x: the toolkit's names (steps/names_test.go)
		"current":  {"www-example-com-assets-images", "www-example-com-assets-cache-x"},
		"classic":  {"www-example-com-assets-images", "www-example-com-assets-cache-x"},
		"original": {"wwwexacom-images", "wwwexacom-cache-x"},
	}
	for _, tk := range presets.Toolkits() {
		dir := t.TempDir()
		args := []string{"--toolkit", tk.Name, "--mode", "temporal", "--application", "joomla", "--website-url", "www.example.com",
			"--directory", "images", "--directory", "cache-x", "--technique", "plugin", "--provider", "digitalocean"}
		p := offlinePlanJSON(t, dir, args...)
		if got := p.ids("bucket"); !slices.Equal(got, want[tk.Name]) {
			t.Errorf("%s: plan buckets %v, want the toolkit's %v", tk.Name, got, want[tk.Name])
		}
		r := runCLI(t, dir, nil, append([]string{"render", "--no-secrets"}, args...)...)
		ex := exportfile.Read(r.stdout)
		if _, ok := ex[tk.PersistExport]; r.code != 0 || !ok {
			t.Errorf("%s: render exit %d, exports %v, want %s", tk.Name, r.code, ex, tk.PersistExport)
		}
		a := steps.Answers{Toolkit: tk.Name, WebsiteURL: "www.example.com"}
		for i, d := range []string{"images", "cache-x"} {
			if a.BucketName(d) != want[tk.Name][i] {
				t.Errorf("%s: Answers.BucketName(%s) = %s, want %s", tk.Name, d, a.BucketName(d), want[tk.Name][i])
			}
		}
	}

	// EFS: the original toolkit's creation tokens.
	dir := t.TempDir()
	p := offlinePlanJSON(t, dir, "--toolkit", "original", "--mode", "temporal", "--application", "wordpress", "--website-url", "www.example.com",
		"--technique", "efs", "--provider", "aws", "--subnet", "subnet-0123")
	if got := p.ids("efs_file_system"); !slices.Equal(got, []string{"wwwexacom-wp-content-uploads"}) {
		t.Errorf("efs file systems %v, want the original toolkit's token wwwexacom-wp-content-uploads", got)
	}
}

// Without a toolkit answer, the generation comes from the override file's exports, and the
// plan says which and why; without an override file it is current, said as the default.
func TestThePlanSaysWhichGenerationItTookAndWhy(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	args := []string{"--mode", "temporal", "--application", "wordpress", "--website-url", "www.example.com", "--provider", "digitalocean"}
	p := offlinePlanJSON(t, dir, args...)
	if !containsWarning(p.Warnings, "toolkit: current", "the default") {
		t.Errorf("no override file: warnings %q, want the default current said", p.Warnings)
	}
	writeFile(t, filepath.Join(dir, "override.tmpl"), "export PERSIST_ASSETS_TO_CLOUD=\"1\"\nexport DIRECTORIES_TO_MOUNT=\"wp-content.uploads\"\nexport DATASTORE_CHOICE=\"amazonS3\"\n")
	p = offlinePlanJSON(t, dir, args...)
	if !containsWarning(p.Warnings, "toolkit: original", `taken from override.tmpl: it has PERSIST_ASSETS_TO_CLOUD with DATASTORE_CHOICE="amazonS3"`) {
		t.Errorf("an original override file: warnings %q", p.Warnings)
	}
	// Writing it for current instead: the old generation's exports are named as left behind.
	p = offlinePlanJSON(t, dir, append(args, "--toolkit", "current")...)
	if !containsWarning(p.Warnings, "PERSIST_ASSETS_TO_CLOUD", "only the classic and original toolkit reads") ||
		!containsWarning(p.Warnings, "DATASTORE_CHOICE", "the current toolkit ignores it") {
		t.Errorf("migration to current: warnings %q", p.Warnings)
	}
}

func containsWarning(warnings []string, parts ...string) bool {
	for _, w := range warnings {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(w, p)
		}
		if ok {
			return true
		}
	}
	return false
}

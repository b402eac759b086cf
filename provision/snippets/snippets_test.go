package snippets

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
	"github.com/assetwiz/assetwiz/steps/stepstest"
)

// Fixed fake keys: they must show up only in the s3fs credential files.
const (
	fakeAccessKey = "AKFAKEACCESSKEY00123"
	fakeSecretKey = "fakeSecretKey/0123456789abcdefGHIJKLMNOP"
)

func answers(technique, app, provider, region, endpoint string, keys bool, cdn string) *steps.Answers {
	return answersWith("", technique, app, provider, region, endpoint, keys, cdn)
}

// answersWith is answers whose build mounts with a given tool ("" for the toolkit's default).
func answersWith(tool, technique, app, provider, region, endpoint string, keys bool, cdn string) *steps.Answers {
	opts := []stepstest.Option{stepstest.Unvalidated()}
	if keys {
		opts = append(opts, stepstest.Keys(fakeAccessKey, fakeSecretKey))
	}
	return stepstest.Must(fmt.Sprintf("mode: temporal\napplication: %q\nwebsite_url: www.example.com\ntechnique: %q\nmount_tool: %q\n"+
		"storage:\n  provider: %q\n  region: %q\n  endpoint: %q\ncdn:\n  provider: %q\n", app, technique, tool, provider, region, endpoint, cdn), opts...)
}

// withDirectories sets the answers' directories.
func withDirectories(a *steps.Answers, dirs ...string) *steps.Answers {
	a.Directories = dirs
	return a
}

var cases = []struct {
	name string
	a    *steps.Answers
}{
	{"s3fs-wordpress-digitalocean", answersWith("s3fs", "s3fs", "wordpress", "digitalocean", "ams3", "", true, "cloudflare")},
	{"s3fs-drupal-aws-nokeys", answersWith("s3fs", "s3fs", "drupal", "aws", "eu-west-2", "", false, "")},
	{"s3fs-moodle-custom-http", answersWith("s3fs", "s3fs", "moodle", "custom", "", "http://s3.internal.example.net:7070", true, "")},
	{"rclone-wordpress-digitalocean", answers("s3fs", "wordpress", "digitalocean", "ams3", "", true, "cloudflare")},
	{"rclone-wordpress-underscore-linode", withDirectories(answers("s3fs", "wordpress", "linode", "gb-lon-1", "", false, ""), "wp-content/uploads", "media_2")},
	{"rclone-drupal-linode-nokeys", answers("s3fs", "drupal", "linode", "gb-lon-1", "", false, "")},
	{"goofys-joomla-vultr", answersWith("goofys", "s3fs", "joomla", "vultr", "ams1", "", true, "")},
	{"geesefs-moodle-exoscale", answersWith("geesefs", "s3fs", "moodle", "exoscale", "ch-gva-2", "", true, "")},
	{"plugin-wordpress-digitalocean", answers("plugin", "wordpress", "digitalocean", "fra1", "", true, "cloudflare")},
	{"plugin-wordpress-exoscale", answers("plugin", "wordpress", "exoscale", "ch-gva-2", "", true, "")},
	{"plugin-wordpress-aws", answers("plugin", "wordpress", "aws", "eu-west-1", "", true, "")},
	{"plugin-wordpress-linode", answers("plugin", "wordpress", "linode", "gb-lon-1", "", true, "")},
	{"plugin-wordpress-custom-http", answers("plugin", "wordpress", "custom", "", "http://s3.internal.example.net:7070", true, "")},
	{"plugin-wordpress-digitalocean-endpoint", answers("plugin", "wordpress", "digitalocean", "ams3", "https://s3.gateway.example.net", true, "")},
	{"plugin-drupal-aws-endpoint", answers("plugin", "drupal", "aws", "eu-west-1", "s3.gateway.example.net", true, "")},
	{"plugin-drupal-linode", answers("plugin", "drupal", "linode", "gb-lon-1", "", true, "cloudflare")},
	{"plugin-moodle-vultr", answers("plugin", "moodle", "vultr", "ams1", "", true, "")},
	{"plugin-joomla-custom", answers("plugin", "joomla", "custom", "", "https://s3.example.net", true, "")},
}

// render is every snippet file of a set with its mode, then the warnings, as one text.
func render(set Set) string {
	var b strings.Builder
	for _, f := range set.Files {
		fmt.Fprintf(&b, "===== %s (mode %04o) =====\n%s", f.Name, f.Mode, f.Content)
	}
	for _, w := range set.Warnings {
		fmt.Fprintf(&b, "===== warning =====\n%s\n", w)
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	t.Parallel()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := render(Files(c.a))
			golden.RequireEqual(t, []byte(got))
		})
	}
}

// TestSecretsOnlyInCredentialFiles: the keys are in the s3fs credential files, mode 0600,
// and nowhere else: not in any other snippet, not in the warnings, not in the plan.
func TestSecretsOnlyInCredentialFiles(t *testing.T) {
	t.Parallel()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set := Files(c.a)
			credentialFiles := 0
			for _, f := range set.Files {
				holds := strings.Contains(f.Content, fakeAccessKey) || strings.Contains(f.Content, fakeSecretKey)
				switch {
				case strings.HasPrefix(f.Name, "s3fs/passwd-s3fs-"):
					credentialFiles++
					if f.Mode != SecretMode || f.Content != fakeAccessKey+":"+fakeSecretKey+"\n" {
						t.Errorf("%s: mode %04o, content %d bytes; want mode 0600 and ACCESS:SECRET", f.Name, f.Mode, len(f.Content))
					}
				case f.Name == RcloneConfig || strings.HasSuffix(f.Name, "/aws-credentials"):
					if holds {
						credentialFiles++
					}
					if holds != (f.Mode == SecretMode) || holds != (c.a.Secrets.S3AccessKey != "") {
						t.Errorf("%s: mode %04o, holds the keys: %v; want the keys (when known) only at mode 0600", f.Name, f.Mode, holds)
					}
				case holds:
					t.Errorf("%s (mode %04o) holds a key", f.Name, f.Mode)
				case f.Mode != PublicMode:
					t.Errorf("%s: mode %04o, want 0644", f.Name, f.Mode)
				}
			}
			if want := 0; c.a.Technique == steps.TechniqueS3fs && c.a.Secrets.S3AccessKey != "" {
				want = len(c.a.Buckets())
				if c.a.MountToolUsed() != steps.MountToolS3fs {
					want = 1 // one remote or credentials file for every bucket
				}
				if credentialFiles != want {
					t.Errorf("%d credential files, want %d", credentialFiles, want)
				}
			}
			var out strings.Builder
			a := *c.a // cases is shared with TestGolden: a folder of this run must not leak into it
			a.Output.SnippetsDir = t.TempDir()
			p, err := Backend{}.Plan(context.Background(), &a)
			if err != nil {
				t.Fatal(err)
			}
			p.WriteText(&out)
			p.WriteJSON(&out)
			if strings.Contains(out.String(), fakeAccessKey) || strings.Contains(out.String(), fakeSecretKey) {
				t.Errorf("the plan shows a key:\n%s", out.String())
			}
		})
	}
}

// TestPlanAndWrite: create, then noop; a changed file is an update, and so is a credential
// file whose mode was widened; Do writes with the planned mode.
func TestPlanAndWrite(t *testing.T) {
	t.Parallel()
	a := answersWith("s3fs", "s3fs", "wordpress", "digitalocean", "ams3", "", true, "")
	a.Output.SnippetsDir = filepath.Join(t.TempDir(), "out")
	ctx := context.Background()
	apply := func(p provision.Plan) {
		t.Helper()
		for _, act := range p.Actions {
			if act.Do != nil {
				if err := act.Do(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	ops := func(p provision.Plan) map[string]provision.Op {
		m := map[string]provision.Op{}
		for _, act := range p.Actions {
			if act.Resource != provision.File {
				t.Errorf("resource %s, want file", act.Resource)
			}
			m[act.ID] = act.Op
		}
		return m
	}
	p, err := Backend{}.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	for id, op := range ops(p) {
		if op != provision.Create {
			t.Errorf("%s: %s, want create", id, op)
		}
	}
	apply(p)
	passwd := filepath.Join(a.Output.SnippetsDir, "s3fs", PasswdName(a.Buckets()[0].Name))
	if st, err := os.Stat(passwd); err != nil || st.Mode().Perm() != SecretMode {
		t.Fatalf("credential file: %v %v, want mode 0600", st, err)
	}
	fstab := filepath.Join(a.Output.SnippetsDir, "s3fs", "fstab")
	if st, err := os.Stat(fstab); err != nil || st.Mode().Perm() != PublicMode {
		t.Fatalf("fstab: %v %v, want mode 0644", st, err)
	}
	p, _ = Backend{}.Plan(ctx, a)
	if p.Changes() {
		t.Fatalf("second plan has changes: %v", ops(p))
	}
	os.Chmod(passwd, 0o644)
	os.WriteFile(fstab, []byte("edited\n"), 0o644)
	p, _ = Backend{}.Plan(ctx, a)
	got := ops(p)
	if got[passwd] != provision.Update || got[fstab] != provision.Update || len(p.Actions) != len(got) {
		t.Fatalf("after edits: %v, want updates of %s and %s", got, passwd, fstab)
	}
	apply(p)
	if st, _ := os.Stat(passwd); st.Mode().Perm() != SecretMode {
		t.Errorf("credential file mode %04o after update, want 0600", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(fstab))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

// TestNoSnippetsForOtherTechniques: local and efs get nothing from this backend.
func TestNoSnippetsForOtherTechniques(t *testing.T) {
	t.Parallel()
	for _, tech := range []string{steps.TechniqueLocal, steps.TechniqueEFS} {
		a := answers(tech, "wordpress", "aws", "eu-west-1", "", true, "")
		if set := Files(a); len(set.Files) != 0 || len(set.Warnings) != 0 {
			t.Errorf("%s: %d files, %d warnings; want none", tech, len(set.Files), len(set.Warnings))
		}
	}
}

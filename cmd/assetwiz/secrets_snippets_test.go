package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
)

// TestSnippetsKeepTheKeysSecret runs plan, apply and verify for s3fs and plugin on a real S3 server:
// the keys appear in no output, and on disk only in files of mode 0600 (the s3fs credential
// files and the override file); a second apply changes nothing.
func TestSnippetsKeepTheKeysSecret(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	env := map[string]string{"S3_ACCESS_KEY": srv.AccessKey, "S3_SECRET_KEY": srv.SecretKey}
	for _, c := range []struct{ technique, app string }{
		{"s3fs", "wordpress"}, {"plugin", "wordpress"}, {"plugin", "drupal"}, {"plugin", "moodle"}, {"plugin", "joomla"},
	} {
		t.Run(c.technique+"-"+c.app, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "assetwiz.yaml"), fmt.Sprintf(`mode: temporal
application: %s
website_url: %s%s.example.com
technique: %s
storage:
  provider: custom
  region: %s
  endpoint: %s
`, c.app, c.technique[:2], c.app[:2], c.technique, s3test.Region, srv.Endpoint))
			var printed strings.Builder
			for _, args := range [][]string{{"plan"}, {"plan", "--json"}, {"apply", "--yes"}, {"apply", "--yes", "--json"}, {"verify"}} {
				r := runCLI(t, dir, env, args...)
				if r.code != 0 {
					t.Fatalf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
				}
				printed.WriteString(r.stdout + r.stderr)
			}
			out := printed.String()
			if strings.Contains(out, srv.AccessKey) || strings.Contains(out, srv.SecretKey) {
				t.Fatalf("a key was printed:\n%s", out)
			}
			// technique s3fs: the current toolkit (the default) mounts with rclone.
			snippetDir := map[string]string{"s3fs": "rclone", "plugin": "plugin"}[c.technique]
			if !strings.Contains(out, "assetwiz-out/"+snippetDir+"/README.txt") {
				t.Errorf("the plan does not name the snippets:\n%s", out)
			}
			holders := 0
			filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				data, _ := os.ReadFile(path)
				if !strings.Contains(string(data), srv.AccessKey) && !strings.Contains(string(data), srv.SecretKey) {
					return nil
				}
				holders++
				st, _ := os.Stat(path)
				rel, _ := filepath.Rel(dir, path)
				if st.Mode().Perm() != 0o600 {
					t.Errorf("%s holds a key with mode %04o, want 0600", rel, st.Mode().Perm())
				}
				if rel != "override.tmpl" && rel != "assetwiz-out/rclone/rclone.conf" && !strings.HasPrefix(rel, "assetwiz-out/s3fs/passwd-s3fs-") {
					t.Errorf("%s holds a key: only the override file and the mount's credential files may", rel)
				}
				return nil
			})
			if want := map[string]int{"s3fs": 2, "plugin": 1}[c.technique]; holders != want {
				t.Errorf("%d files hold the keys, want %d", holders, want)
			}
			if r := runCLI(t, dir, env, "plan", "--detailed-exitcode"); r.code != 0 {
				t.Errorf("plan after apply: exit %d, want 0 (no changes)\n%s", r.code, r.stdout)
			}
		})
	}
}

// TestS3fsSnippetsWithoutKeys: with no keys known, no credential file is written (never one
// with empty keys); a note says how to make them, and the plan warns.
func TestS3fsSnippetsWithoutKeys(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), "mode: temporal\napplication: joomla\nwebsite_url: www.example.com\ntechnique: s3fs\nmount_tool: s3fs\nstorage:\n  provider: digitalocean\n")
	r := runCLI(t, dir, nil, "plan", "--offline")
	if r.code != 0 {
		t.Fatalf("plan: exit %d\n%s", r.code, r.stdout+r.stderr)
	}
	if !strings.Contains(r.stdout, "assetwiz-out/s3fs/CREDENTIALS-NEEDED.txt") || strings.Contains(r.stdout, "passwd-s3fs-") ||
		!strings.Contains(r.stdout, "storage keys are not known") || !strings.Contains(r.stdout, "last resort") {
		t.Errorf("plan without keys:\n%s", r.stdout)
	}
}

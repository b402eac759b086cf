package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/provision/cloudflare/cloudflaretest"
)

// Every command, every output stream, every file written other than the ones that must hold
// a key (mode 0600): none holds the storage keys or the Cloudflare token.
func TestNoCommandPrintsOrLeaksASecret(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	cf := cloudflaretest.New(t)
	cf.AddZone("example.com")
	allCDNToken(cf)
	env := map[string]string{
		"S3_ACCESS_KEY": srv.AccessKey, "S3_SECRET_KEY": srv.SecretKey,
		"CLOUDFLARE_API_TOKEN": cfToken, "CLOUDFLARE_BASE_URL": cf.URL(),
	}
	secrets := []string{srv.AccessKey, srv.SecretKey, cfToken}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), s3Answers(srv, "temporal", "wordpress", "s3fs")+"cdn:\n  provider: cloudflare\n")

	runs := []struct {
		args []string
		code int
	}{
		{[]string{"plan"}, 0}, {[]string{"plan", "--json"}, 0}, {[]string{"plan", "--offline"}, 0},
		{[]string{"plan", "--detailed-exitcode"}, 2},
		{[]string{"apply", "--yes"}, 0}, {[]string{"apply", "--yes", "--json", "--progress=plain"}, 0},
		{[]string{"verify"}, 0}, {[]string{"render", "--no-secrets"}, 0}, {[]string{"render", "-o", "override.tmpl"}, 0},
		{[]string{"presets"}, 0}, {[]string{"version"}, 0}, {[]string{"init"}, 64}, {[]string{"completion", "bash"}, 0},
		{[]string{"plan", "--website-url", "not a url"}, 64}, // the message must not echo a secret either
		{[]string{"apply"}, 64},                              // no terminal, no --yes
	}
	for _, run := range runs {
		args := run.args
		r := runCLI(t, dir, env, args...)
		if r.code != run.code {
			t.Errorf("assetwiz %s: exit %d, want %d\n%s", strings.Join(args, " "), r.code, run.code, r.stderr)
		}
		for _, s := range secrets {
			if strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s) {
				t.Errorf("assetwiz %s printed a secret:\n%s%s", strings.Join(args, " "), r.stdout, r.stderr)
			}
		}
	}
	// With wrong keys the provider's answer is shown: still without the keys.
	bad := map[string]string{"S3_ACCESS_KEY": "AKWRONGWRONGWRONG", "S3_SECRET_KEY": "wrong/secret/value", "CLOUDFLARE_API_TOKEN": "wrong-token-value", "CLOUDFLARE_BASE_URL": cf.URL()}
	for _, args := range [][]string{{"plan"}, {"apply", "--yes"}, {"verify"}} {
		r := runCLI(t, dir, bad, args...)
		for _, s := range []string{"AKWRONGWRONGWRONG", "wrong/secret/value", "wrong-token-value"} {
			if strings.Contains(r.stdout+r.stderr, s) {
				t.Errorf("assetwiz %s with wrong keys printed one:\n%s", strings.Join(args, " "), r.stderr)
			}
		}
	}

	holders := 0
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, _ := os.ReadFile(path)
		holds := false
		for _, s := range secrets {
			holds = holds || strings.Contains(string(data), s)
		}
		if strings.Contains(string(data), cfToken) {
			t.Errorf("%s holds the Cloudflare token, which no file needs", path)
		}
		if !holds {
			return nil
		}
		holders++
		if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
			t.Errorf("%s holds a key with mode %o, want 0600", path, st.Mode().Perm())
		}
		if name := filepath.Base(path); name != "override.tmpl" && name != "override.tmpl.bak" && name != "rclone.conf" && !strings.HasPrefix(name, "passwd-s3fs-") {
			t.Errorf("%s holds a key, but only the override file and the s3fs credential files may", path)
		}
		return nil
	})
	if holders == 0 {
		t.Error("no file holds the keys: the override file should, for the toolkit")
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "assetwiz.yaml")); strings.Contains(string(data), srv.SecretKey) {
		t.Error("the answers file holds a key")
	}
}

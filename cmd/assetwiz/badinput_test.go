package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A good answers file; each case breaks one thing in it.
const goodAnswers = `mode: temporal
application: wordpress
website_url: www.example.com
technique: s3fs
storage:
  provider: digitalocean
  region: ams3
`

func TestBadInputIsExit64NamingTheKeyAndWritesNothing(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("very-long-directory-name/", 3) + "uploads"
	cases := []struct {
		name    string
		answers string            // the answers file, "" for goodAnswers
		args    []string          // extra flags
		env     map[string]string // environment
		key     string            // the key the message must name
		hint    string            // part of what would be right
	}{
		{name: "no subdomain", args: []string{"--website-url", "example.com"}, key: "website_url", hint: "www."},
		{name: "apex of a two-level suffix", args: []string{"--website-url", "example.co.uk"}, key: "website_url", hint: "subdomain"},
		{name: "port", args: []string{"--website-url", "www.example.com:8080"}, key: "website_url", hint: "port"},
		{name: "path", args: []string{"--website-url", "www.example.com/blog"}, key: "website_url", hint: "path"},
		{name: "IP address", args: []string{"--website-url", "192.0.2.10"}, key: "website_url", hint: "IP"},
		{name: "quote in url", args: []string{"--website-url", `www.exa"mple.com`}, key: "website_url", hint: "www.example.com"},
		{name: "dollar in url", args: []string{"--website-url", "www.$HOME.com"}, key: "website_url", hint: "$"},
		{name: "directory with ..", args: []string{"--directory", "../etc"}, key: "directories[0]", hint: ".."},
		{name: "directory from /", args: []string{"--directory", "/var/www/uploads"}, key: "directories[0]", hint: "relative"},
		{name: "directory empty part", args: []string{"--directory", "wp-content//uploads"}, key: "directories[0]", hint: "empty part"},
		{name: "directory trailing slash", args: []string{"--directory", "images/"}, key: "directories[0]", hint: "trailing"},
		{name: "directory with $", args: []string{"--directory", "up$loads"}, key: "directories[0]", hint: "$"},
		{name: "directory with quote", args: []string{"--directory", "it's"}, key: "directories[0]", hint: "'"},
		{name: "bucket name over 63", args: []string{"--directory", long}, key: "directories[0]", hint: "63"},
		{name: "duplicate bucket", args: []string{"--directory", "a_b", "--directory", "a-b", "--technique", "plugin", "--provider", "digitalocean"}, key: "directories[1]", hint: "share the name"},
		{name: "efs on current", args: []string{"--technique", "efs", "--provider", "aws", "--toolkit", "current", "--subnet", "subnet-0123"}, key: "technique", hint: "toolkit: original"},
		{name: "efs without subnets", args: []string{"--technique", "efs", "--provider", "aws"}, key: "efs.subnet_ids", hint: "subnet-"},
		{name: "efs on digitalocean", args: []string{"--technique", "efs", "--subnet", "subnet-0123"}, key: "storage.provider", hint: "aws"},
		{name: "bad subnet id", args: []string{"--technique", "efs", "--provider", "aws", "--subnet", "net-1"}, key: "efs.subnet_ids[0]", hint: "subnet-"},
		{name: "s3fs in virgin", args: []string{"--mode", "virgin"}, key: "technique", hint: "plugin"},
		{name: "s3fs in baseline", args: []string{"--mode", "baseline"}, key: "technique", hint: "temporal"},
		{name: "unknown application", args: []string{"--application", "typo3"}, key: "application", hint: "wordpress"},
		{name: "unknown provider", args: []string{"--provider", "dropbox"}, key: "storage.provider", hint: "digitalocean"},
		{name: "unknown region", args: []string{"--region", "mars1"}, key: "storage.region", hint: "ams3"},
		{name: "custom without endpoint", args: []string{"--provider", "custom"}, key: "storage.endpoint", hint: "required"},
		{name: "endpoint with ftp", args: []string{"--provider", "custom", "--endpoint", "ftp://s3.example.net"}, key: "storage.endpoint", hint: "https"},
		{name: "unknown toolkit", args: []string{"--toolkit", "g3"}, key: "toolkit", hint: "original (the 2020–22 toolkit"},
		{name: "unknown technique", args: []string{"--technique", "nfs"}, key: "technique", hint: "s3fs"},
		{name: "unknown mode", args: []string{"--mode", "production"}, key: "mode", hint: "temporal"},
		{name: "period outside temporal", args: []string{"--mode", "baseline", "--technique", "local", "--period", "daily"}, key: "period", hint: "temporal"},
		{name: "unknown period", args: []string{"--period", "yearly"}, key: "period", hint: "hourly"},
		{name: "unknown cdn", args: []string{"--cdn", "fastly"}, key: "cdn.provider", hint: "cloudflare"},
		{name: "unknown cdn method", args: []string{"--cdn", "cloudflare", "--cdn-method", "workers"}, key: "cdn.method", hint: "cache-rules"},
		{name: "zone not holding the site", args: []string{"--cdn", "cloudflare", "--cdn-zone", "other.org"}, key: "cdn.zone", hint: "zone"},
		{name: "negative edge ttl", args: []string{"--cdn", "cloudflare", "--edge-ttl", "-5"}, key: "cdn.edge_ttl", hint: "86400"},
		{name: "edge ttl not a number", args: []string{"--edge-ttl", "a-day"}, key: "cdn.edge_ttl", hint: "number"},
		{name: "zero noncurrent days", answers: goodAnswers + "  noncurrent_version_days: 0\n", key: "storage.noncurrent_version_days", hint: "1 to"},
		{name: "missing mode", answers: "application: joomla\nwebsite_url: www.example.com\n", key: "mode", hint: "temporal"},
		{name: "missing application", answers: "mode: virgin\nwebsite_url: www.example.com\n", key: "application", hint: "joomla"},
		{name: "missing website_url", answers: "mode: virgin\napplication: joomla\n", key: "website_url", hint: "www.example.com"},
		{name: "unknown key", answers: goodAnswers + "websiteurl: www.example.com\n", key: "websiteurl", hint: "website_url"},
		{name: "unknown nested key", answers: goodAnswers + "  regoin: ams3\n", key: "storage.regoin", hint: "region"},
		{name: "malformed yaml", answers: "mode: temporal\n  application: [wordpress\n", key: "answers file", hint: "YAML"},
		{name: "list where text", answers: goodAnswers + "toolkit: [classic]\n", key: "toolkit", hint: "text"},
		{name: "text where list", answers: strings.Replace(goodAnswers, "technique", "directories: images\ntechnique", 1), key: "directories", hint: "list"},
		{name: "text where bool", answers: goodAnswers + "  versioning: maybe\n", key: "storage.versioning", hint: "true or false"},
		{name: "mapping where text", answers: goodAnswers + "period:\n  name: daily\n", key: "period", hint: "text value"},
		{name: "key given twice", answers: goodAnswers + "mode: baseline\n", key: "mode", hint: "twice"},
		{name: "secret with a dollar", env: map[string]string{"S3_ACCESS_KEY": "AKID", "S3_SECRET_KEY": "abc$def"}, key: "S3_SECRET_KEY", hint: "without"},
		{name: "environment answer", env: map[string]string{"ASSETWIZ_STORAGE_VERSIONING": "sometimes"}, key: "storage.versioning", hint: "ASSETWIZ_STORAGE_VERSIONING"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			answers := c.answers
			if answers == "" {
				answers = goodAnswers
			}
			writeFile(t, filepath.Join(dir, "assetwiz.yaml"), answers)
			before := listDir(t, dir)
			args := append([]string{"render", "-o", "override.tmpl"}, c.args...)
			r := runCLI(t, dir, c.env, args...)
			if r.code != 64 {
				t.Fatalf("exit %d, want 64\nstderr: %s", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, c.key+":") {
				t.Errorf("stderr does not name %q:\n%s", c.key, r.stderr)
			}
			if !strings.Contains(r.stderr, c.hint) {
				t.Errorf("stderr does not say %q:\n%s", c.hint, r.stderr)
			}
			if !strings.HasPrefix(r.stderr, "assetwiz: ") {
				t.Errorf("stderr does not start with 'assetwiz: ':\n%s", r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout is not empty: %q", r.stdout)
			}
			if after := listDir(t, dir); !slices.Equal(before, after) {
				t.Errorf("files changed: %v -> %v", before, after)
			}
			for _, secret := range c.env {
				if len(secret) > 4 && strings.Contains(r.stderr, secret) && strings.HasPrefix(secret, "abc") {
					t.Errorf("a secret was printed")
				}
			}
		})
	}
}

func TestAllProblemsAreListedAtOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), "mode: baseline\napplication: typo3\nwebsite_url: example.com\ndirectories: [../x, /y]\ntechnique: s3fs\ncolour: blue\n")
	r := runCLI(t, dir, nil, "plan", "--offline")
	if r.code != 64 {
		t.Fatalf("exit %d, want 64", r.code)
	}
	for _, key := range []string{"colour:", "application:", "website_url:", "directories[0]:", "directories[1]:", "technique:"} {
		if !strings.Contains(r.stderr, key) {
			t.Errorf("stderr misses %s:\n%s", key, r.stderr)
		}
	}
}

func TestUnknownFlagAndMissingAnswersFileAreBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, args := range [][]string{
		{"render", "--colour"},
		{"plan", "--offline", "-f", "nope.yaml"},
		{"frobnicate"},
		{"render", "extra-argument"},
	} {
		r := runCLI(t, dir, nil, args...)
		if r.code != 64 {
			t.Errorf("%v: exit %d, want 64 (stderr %s)", args, r.code, r.stderr)
		}
		if !strings.HasPrefix(r.stderr, "assetwiz: ") {
			t.Errorf("%v: stderr %q does not start with assetwiz:", args, r.stderr)
		}
	}
}

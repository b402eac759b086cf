package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/provision/faultproxy"
)

// Issue 24 finding 3 end to end: a temporal s3fs site whose bucket holds uploads, switched to
// baseline, while its storage cannot be read (every answer a 502, wrong keys, the provider
// down, no keys): apply --yes exits 1 naming why, and the override file stays as it was; the
// confirmation flag passes the guard.
func TestApplyOfBaselineFailsClosedWhenTheBucketsCannotBeRead(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	r := &s3Run{t: t, dir: t.TempDir()}
	answersFile := filepath.Join(r.dir, "assetwiz.yaml")
	writeFile(t, answersFile, s3Answers(srv, "temporal", "wordpress", "s3fs"))
	env := keysEnv(srv.AccessKey, srv.SecretKey)
	defer r.noSecrets(srv.AccessKey, srv.SecretKey)
	if res := r.run(env, "apply", "--yes"); res.code != 0 {
		t.Fatalf("temporal apply: exit %d\n%s", res.code, res.stderr)
	}
	srv.PutObject(t, "www-example-com-assets-wp-content-uploads", "2026/01/photo.jpg", "jpeg")
	before, err := os.ReadFile(filepath.Join(r.dir, "override.tmpl"))
	if err != nil {
		t.Fatal(err)
	}

	failing := faultproxy.New(t, srv.Endpoint, faultproxy.Options{Rate: 1, Faults: []faultproxy.Fault{faultproxy.BadGateway}})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + l.Addr().String()
	l.Close()
	baseline := func(endpoint string) string {
		return strings.Replace(s3Answers(srv, "baseline", "wordpress", "local"), srv.Endpoint, endpoint, 1)
	}
	for _, tc := range []struct {
		name, answers string
		env           map[string]string
		want          string
	}{
		{"listing 500", baseline(s3test.StartQuirky(t, srv, s3test.Quirks{Fail: "versions"}).URL), env, "InternalError"},
		{"502", baseline(failing.URL()), env, "Bad Gateway"},
		{"wrong keys", baseline(srv.Endpoint), keysEnv(srv.AccessKey, "wrong-secret"), "secret key does not match"},
		{"down", baseline(down), env, "nothing listens"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			writeFile(t, answersFile, tc.answers)
			res := r.run(tc.env, "apply", "--yes")
			if res.code != 1 || !strings.Contains(res.stderr, tc.want) || !strings.Contains(res.stderr, "--i-understand-buckets-will-be-deleted") {
				t.Errorf("apply --yes: exit %d, want 1 saying %q and naming the flag:\n%s", res.code, tc.want, res.stderr)
			}
			if after, _ := os.ReadFile(filepath.Join(r.dir, "override.tmpl")); string(after) != string(before) {
				t.Error("apply refused, yet the override file changed")
			}
		})
	}
	// No keys at all (none in the environment, no override file holding them).
	bare := &s3Run{t: t, dir: t.TempDir()}
	writeFile(t, filepath.Join(bare.dir, "assetwiz.yaml"), baseline(srv.Endpoint))
	if res := bare.run(map[string]string{}, "apply", "--yes"); res.code != 1 || !strings.Contains(res.stderr, "no storage keys") {
		t.Errorf("apply --yes without keys: exit %d, want 1 saying so:\n%s", res.code, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(bare.dir, "override.tmpl")); err == nil {
		t.Error("apply without keys refused, yet wrote the override file")
	}

	writeFile(t, answersFile, baseline(down))
	if res := r.run(env, "apply", "--yes", "--i-understand-buckets-will-be-deleted"); res.code != 0 {
		t.Errorf("apply with the confirmation: exit %d\n%s", res.code, res.stderr)
	}
}

package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
)

// backup read the backup bucket's policy and ACL, then listed both buckets: a round trip
// before the listings. The check now goes out with the listings (the proxy holds the policy
// read and both listings until all three arrive: none goes alone), and still stops every
// copy before it writes (TestPublicBackupBucketIsFixedAndFailsVerify).
func TestBackupReadsTheBucketsAccessWhileListing(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	r := &s3Run{t: t, dir: t.TempDir()}
	answers := func(endpoint string) string {
		return strings.Replace(s3Answers(srv, "temporal", "wordpress", "s3fs"), srv.Endpoint, endpoint, 1) +
			"backup:\n  provider: custom\n  region: us-east-1\n  endpoint: " + endpoint + "\n"
	}
	writeFile(t, filepath.Join(r.dir, "assetwiz.yaml"), answers(srv.Endpoint))
	env := keysEnv(srv.AccessKey, srv.SecretKey)
	env["BACKUP_S3_ACCESS_KEY"], env["BACKUP_S3_SECRET_KEY"] = srv.AccessKey, srv.SecretKey
	defer r.noSecrets(srv.AccessKey, srv.SecretKey)
	if res := r.run(env, "apply", "--yes"); res.code != 0 {
		t.Fatalf("apply: exit %d\n%s", res.code, res.stderr)
	}
	srv.PutObject(t, "www-example-com-assets-wp-content-uploads", "2026/01/photo.jpg", "jpeg")

	p := s3test.StartQuirky(t, srv, s3test.Quirks{Together: "policy list-type", TogetherN: 3})
	writeFile(t, filepath.Join(r.dir, "assetwiz.yaml"), answers(p.URL))
	if res := r.run(env, "backup", "--progress", "none"); res.code != 0 {
		t.Fatalf("backup: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if n := p.Apart(); n != 0 {
		t.Fatalf("%d of the policy read and the two listings went out alone; want all three at once", n)
	}
	copied := false
	for _, q := range p.Requests() {
		copied = copied || q.Key == "2026/01/photo.jpg" && q.Method == "PUT"
	}
	if !copied {
		t.Fatalf("the object was not copied: %+v", p.Requests())
	}
}

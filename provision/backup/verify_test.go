package backup

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/provision/transfer"
)

// verify's checks of a backup bucket against versitygw: missing before apply; after it,
// what held (exists, versioned, not public, no backup yet); the last backup once one ran;
// and each way it stops holding.
func TestVerifySaysWhatItCheckedOfTheBackupBuckets(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	ctx := context.Background()
	a := answers(t, "mode: temporal\napplication: wordpress\nwebsite_url: www.example.com\ntechnique: s3fs\n"+
		"storage:\n  provider: digitalocean\nbackup:\n  provider: custom\n  region: us-east-1\n  endpoint: "+srv.Endpoint+"\n")
	c := srv.Client(t)
	b := Backend{Client: c}
	name := "www-example-com-assets-wp-content-uploads-backup"
	said := func() string {
		var out []string
		for _, ch := range b.Verify(ctx, a) {
			out = append(out, ch.String())
		}
		return strings.Join(out, "\n")
	}
	if got, want := said(), "✗ backup bucket "+name+": missing; run assetwiz apply to create it"; got != want {
		t.Errorf("before apply: %q, want %q", got, want)
	}
	p, err := b.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if err := provision.Apply(ctx, p, provision.ApplyOptions{}).Err(); err != nil {
		t.Fatal(err)
	}
	if got, want := said(), "✓ backup bucket "+name+": exists, versioned, not public, no backup has finished yet; run assetwiz backup"; got != want {
		t.Errorf("after apply: %q, want %q", got, want)
	}
	finished := time.Now().Add(-3 * time.Hour).UTC().Truncate(time.Second)
	if err := transfer.WriteMarker(ctx, c, name, transfer.Marker{Finished: finished, Objects: 1234, Bytes: 5_000_000}); err != nil {
		t.Fatal(err)
	}
	want := "✓ backup bucket " + name + ": exists, versioned, not public, last backup finished " + finished.Format(time.RFC3339) + " (3 hours ago), 1,234 objects, 5.0 MB"
	if got := said(); got != want {
		t.Errorf("after a backup: %q, want %q", got, want)
	}
	if err := transfer.WriteMarker(ctx, c, name, transfer.Marker{Finished: finished, Objects: 1, Bytes: 2_000_000}); err != nil {
		t.Fatal(err)
	}
	if got := said(); !strings.HasSuffix(got, ", 1 object, 2.0 MB") {
		t.Errorf("after a backup of one object: %q", got)
	}

	// Versioning suspended and a statement open to everyone: each is a failure of its own,
	// after what still held.
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(name),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}}); err != nil {
		t.Fatal(err)
	}
	open := `{"Version":"2012-10-17","Statement":[{"Sid":"Open","Effect":"Allow","Principal":"*","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::` + name + `/*"}]}`
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(name), Policy: aws.String(open)}); err != nil {
		t.Fatal(err)
	}
	checks := b.Verify(ctx, a)
	fails := provision.Failures(checks)
	if len(checks) != 3 || !checks[0].OK() || !strings.HasPrefix(checks[0].Detail, "exists, last backup finished") || len(fails) != 2 ||
		fails[0] != "backup bucket "+name+": versioning is not enabled, and a backup run must never lose an older copy; run assetwiz apply" ||
		!strings.HasPrefix(fails[1], "backup bucket "+name+": public: policy statement Open") {
		t.Errorf("after the changes: %q", checks)
	}
}

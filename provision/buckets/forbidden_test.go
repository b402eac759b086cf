package buckets_test

import (
	"context"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/steps"
)

// Issue 24 finding 6: a HEAD answered with a bare 403 (no body, no code) stopped there, and
// wrong keys and a name owned by another account got the same line. One follow-up read (GET
// ?location, which servers answer with a code) now tells them apart, and the line says which.
func TestABare403SaysWhich(t *testing.T) {
	srv := s3test.Start(t)
	ctx := context.Background()

	// Wrong secret: versitygw answers HEAD with a bare 403, GET ?location with SignatureDoesNotMatch.
	a := answers(t, srv, steps.ModeTemporal, steps.TechniqueS3fs, "joomla")
	a.Secrets.S3SecretKey = "not-the-secret"
	_, err := buckets.Live{Getenv: func(string) string { return "" }}.Plan(ctx, a)
	if err == nil || !strings.Contains(err.Error(), "the secret key does not match the access key") || strings.Contains(err.Error(), "another account") {
		t.Errorf("wrong secret: %v", err)
	}
	if err := buckets.CheckAccess(ctx, a); err == nil || !strings.Contains(err.Error(), "the secret key does not match") {
		t.Errorf("wrong secret, key check: %v", err)
	}

	// Another account's bucket, as Ceph RGW answers it: a bare 403 to HEAD, AccessDenied to the rest.
	b := answers(t, srv, steps.ModeTemporal, steps.TechniqueS3fs, "joomla")
	proxy := s3test.StartQuirky(t, srv, s3test.Quirks{ForeignBucket: b.Buckets()[0].Name})
	b.Storage.Endpoint = proxy.URL
	_, err = buckets.Live{Getenv: func(string) string { return "" }}.Plan(ctx, b)
	if err == nil || !strings.Contains(err.Error(), "another account owns this bucket name") || strings.Contains(err.Error(), "secret key") {
		t.Errorf("another account's bucket: %v", err)
	}
	var gets int
	for _, r := range proxy.Requests() {
		if r.Sub == "location" {
			gets++
		}
	}
	if gets != 1 {
		t.Errorf("%d reads of ?location after the 403, want one", gets)
	}
}

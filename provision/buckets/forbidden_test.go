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
	t.Parallel()
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

// Issue 24 finding 8: a 301 blamed storage.region even when the server sent the request to
// another server. The line now says where the redirect points, and names a region only when
// the server names one.
func TestARedirectSaysWhereItPoints(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		q        s3test.Quirks
		want     string
		notWants string
	}{
		{"elsewhere", s3test.Quirks{Redirect: "https://moved.example.net"}, "redirected the request to https://moved.example.net", "region"},
		{"region", s3test.Quirks{Redirect: "https://s3.eu-west-1.example.net", RedirectRegion: "eu-west-1"}, "lives in region eu-west-1", "redirected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := answers(t, srv, steps.ModeTemporal, steps.TechniqueS3fs, "joomla")
			a.Storage.Endpoint = s3test.StartQuirky(t, srv, tc.q).URL
			_, err := buckets.Live{Getenv: func(string) string { return "" }}.Plan(ctx, a)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), tc.notWants) {
				t.Errorf("%v; want %q and not %q", err, tc.want, tc.notWants)
			}
		})
	}
}

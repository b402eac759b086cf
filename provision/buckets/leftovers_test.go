package buckets_test

import (
	"context"
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/provision/faultproxy"
	"github.com/assetwiz/assetwiz/steps"
)

// versionsOf lists every object version and delete marker of a bucket.
func versionsOf(t *testing.T, c *s3.Client, bucket string) (versions, markers int) {
	t.Helper()
	vs, err := c.ListObjectVersions(context.Background(), &s3.ListObjectVersionsInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	return len(vs.Versions), len(vs.DeleteMarkers)
}

// Issue 24 finding 1: verify cleaned up twice, and the second, plain DELETE left a delete
// marker in a versioned bucket every run; a baseline plan then counted the markers as data.
// Now verify leaves neither a version nor a marker, run after run, and a baseline plan of the
// touched bucket warns of nothing.
func TestVerifyLeavesNoVersionNorDeleteMarker(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	ctx := context.Background()
	a := answers(t, srv, steps.ModeTemporal, steps.TechniqueS3fs, "joomla")
	live := buckets.Live{Getenv: func(string) string { return "" }}
	p, err := live.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if err := provision.Apply(ctx, p, provision.ApplyOptions{}).Err(); err != nil {
		t.Fatal(err)
	}
	name := a.Buckets()[0].Name
	c := srv.Client(t)
	// versitygw makes no marker for a DELETE of a key that is gone (RGW does): the proxy's
	// log shows what verify sent, which must be one DELETE naming the version its PUT made.
	proxy := s3test.StartQuirky(t, srv, s3test.Quirks{})
	a.Storage.Endpoint = proxy.URL
	for run := 1; run <= 3; run++ {
		proxy.Reset()
		if fails := provision.Failures(live.Verify(ctx, a)); len(fails) > 0 {
			t.Fatalf("verify %d: %q", run, fails)
		}
		if v, m := versionsOf(t, c, name); v+m > 0 {
			t.Fatalf("after verify %d: %d versions, %d delete markers left in %s", run, v, m, name)
		}
		var deletes []s3test.Request
		for _, r := range proxy.Requests() {
			if r.Method == "DELETE" {
				deletes = append(deletes, r)
			}
		}
		if len(deletes) != 1 || deletes[0].VersionID == "" || !strings.HasPrefix(deletes[0].Key, buckets.VerifyKeyPrefix) {
			t.Errorf("verify %d sent %+v; want one DELETE of its test object naming the version it made", run, deletes)
		}
	}
	baseline := answers(t, srv, steps.ModeBaseline, steps.TechniqueLocal, "joomla")
	bp, err := live.Plan(ctx, baseline)
	if err != nil {
		t.Fatal(err)
	}
	if len(bp.DataLoss) > 0 || len(bp.GuardUnread) > 0 {
		t.Errorf("a bucket verify touched warns of data loss: %v %v %q", bp.DataLoss, bp.GuardUnread, bp.Warnings)
	}
}

// The guard counts object versions, current or not; a delete marker alone holds nothing.
func TestDataLossGuardIgnoresLoneDeleteMarkers(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	ctx := context.Background()
	temporal := answers(t, srv, steps.ModeTemporal, steps.TechniqueS3fs, "joomla")
	live := buckets.Live{Getenv: func(string) string { return "" }}
	p, err := live.Plan(ctx, temporal)
	if err != nil {
		t.Fatal(err)
	}
	if err := provision.Apply(ctx, p, provision.ApplyOptions{}).Err(); err != nil {
		t.Fatal(err)
	}
	name := temporal.Buckets()[0].Name
	c := srv.Client(t)
	// Two uploads deleted, then their versions removed by id: only the markers remain.
	for _, key := range []string{"a.jpg", "b.jpg"} {
		put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(name), Key: aws.String(key), Body: strings.NewReader("x")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(name), Key: aws.String(key)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(name), Key: aws.String(key), VersionId: put.VersionId}); err != nil {
			t.Fatal(err)
		}
	}
	if v, m := versionsOf(t, c, name); v != 0 || m != 2 {
		t.Fatalf("setup: %d versions, %d markers; want 0 and 2", v, m)
	}
	baseline := answers(t, srv, steps.ModeBaseline, steps.TechniqueLocal, "joomla")
	bp, err := live.Plan(ctx, baseline)
	if err != nil {
		t.Fatal(err)
	}
	if len(bp.DataLoss) > 0 {
		t.Errorf("lone delete markers counted as data: %v", bp.DataLoss)
	}
	// One old version among the markers is data.
	srv.PutObject(t, name, "c.jpg", "x")
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(name), Key: aws.String("c.jpg")}); err != nil {
		t.Fatal(err)
	}
	if bp, err = live.Plan(ctx, baseline); err != nil || !slices.Equal(bp.DataLoss, []string{name}) {
		t.Errorf("an old version among markers: data loss %v, %v", bp.DataLoss, err)
	}
}

// Issue 24 finding 3: when the buckets a baseline build deletes cannot be read (the provider
// answers 502 to everything, refuses the keys, is down, or there are no keys), the guard fails
// closed: the plan says why (GuardUnread, which apply and the wizard refuse unless confirmed),
// rather than only warning.
func TestDataLossGuardFailsClosed(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	ctx := context.Background()
	failing := faultproxy.New(t, srv.Endpoint, faultproxy.Options{Rate: 1, Faults: []faultproxy.Fault{faultproxy.BadGateway}})
	// The bucket exists and holds an upload; only its version listing fails, every time.
	site := answers(t, srv, steps.ModeTemporal, steps.TechniqueS3fs, "joomla")
	if _, err := srv.Client(t).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(site.Buckets()[0].Name)}); err != nil {
		t.Fatal(err)
	}
	srv.PutObject(t, site.Buckets()[0].Name, "photo.jpg", "jpeg")
	listing := s3test.StartQuirky(t, srv, s3test.Quirks{Fail: "versions"})
	for _, tc := range []struct {
		name     string
		endpoint string
		secrets  steps.Secrets
		want     string
	}{
		{"listing 500", listing.URL, steps.Secrets{S3AccessKey: srv.AccessKey, S3SecretKey: srv.SecretKey}, "InternalError"},
		{"502", failing.URL(), steps.Secrets{S3AccessKey: srv.AccessKey, S3SecretKey: srv.SecretKey}, "Bad Gateway"},
		{"wrong keys", srv.Endpoint, steps.Secrets{S3AccessKey: srv.AccessKey, S3SecretKey: "wrong-secret"}, "secret key does not match"},
		{"down", closedPort(t), steps.Secrets{S3AccessKey: srv.AccessKey, S3SecretKey: srv.SecretKey}, "nothing listens"},
		{"no keys", srv.Endpoint, steps.Secrets{}, "no storage keys"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := answers(t, srv, steps.ModeBaseline, steps.TechniqueLocal, "joomla")
			a.Storage.Endpoint, a.Secrets = tc.endpoint, tc.secrets
			p, err := buckets.Live{Getenv: func(string) string { return "" }}.Plan(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			// The guard fails closed: a reason apply refuses on, not a warning alone.
			why := strings.Join(p.GuardUnread, "; ")
			if len(p.GuardUnread) == 0 || !strings.Contains(strings.ToLower(why), strings.ToLower(tc.want)) {
				t.Errorf("guard unread %q (warnings %q); want it to say %q", p.GuardUnread, p.Warnings, tc.want)
			}
		})
	}
}

// closedPort is an endpoint where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

package buckets_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/steps"
	"github.com/assetwiz/assetwiz/steps/stepstest"
)

// answers are completed, valid answers for the test server.
func answers(t *testing.T, srv *s3test.Server, mode, technique, application string) *steps.Answers {
	t.Helper()
	return stepstest.Answers(t, fmt.Sprintf("mode: %s\napplication: %s\nwebsite_url: www.example.com\ntechnique: %s\n"+
		"storage:\n  provider: custom\n  region: us-east-1\n  endpoint: %s\n", mode, application, technique, srv.Endpoint),
		stepstest.Keys(srv.AccessKey, srv.SecretKey))
}

func ops(p provision.Plan) map[string]provision.Op {
	out := map[string]provision.Op{}
	for _, a := range p.Actions {
		out[a.Key()] = a.Op
	}
	return out
}

func TestPlanApplyVerifyAgainstVersitygw(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	ctx := context.Background()
	a := answers(t, srv, steps.ModeTemporal, steps.TechniqueS3fs, "drupal")
	live := buckets.Live{Getenv: func(string) string { return "" }}

	p, err := live.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	for k, op := range ops(p) {
		if op != provision.Create {
			t.Errorf("first plan: %s is %s, want create", k, op)
		}
	}
	res := provision.Apply(ctx, p, provision.ApplyOptions{})
	if err := res.Err(); err != nil {
		t.Fatalf("apply: %v", err)
	}
	// versitygw has no lifecycle: apply shows the rule as skipped, not done, and goes on.
	var skipped []string
	for i, st := range res.Status {
		if st == provision.Skipped {
			skipped = append(skipped, res.Actions[i].Key())
		}
	}
	if len(skipped) != 3 || !strings.HasPrefix(skipped[0], "bucket_lifecycle/") || res.Count()[provision.Done] != 6 {
		t.Errorf("skipped %q, %d done, want the 3 lifecycle rules skipped and 6 done", skipped, res.Count()[provision.Done])
	}
	c := srv.Client(t)
	for _, b := range a.Buckets() {
		v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(b.Name)})
		if err != nil || v.Status != "Enabled" {
			t.Errorf("bucket %s versioning: %v %v", b.Name, v, err)
		}
	}

	p2, err := live.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if p2.Changes() {
		t.Errorf("second plan has changes: %v", ops(p2))
	}
	if !strings.Contains(strings.Join(p2.Warnings, "\n"), "lifecycle rules") {
		t.Errorf("second plan: no lifecycle warning in %q", p2.Warnings)
	}

	checks := live.Verify(ctx, a)
	if fails := provision.Failures(checks); len(fails) > 0 {
		t.Fatalf("verify: %q", fails)
	}
	// verify says what it checked: one check per bucket, naming what held.
	if len(checks) != len(a.Buckets()) {
		t.Errorf("verify: %d checks for %d buckets: %q", len(checks), len(a.Buckets()), checks)
	}
	for i, b := range a.Buckets() {
		if i >= len(checks) {
			break
		}
		want := "✓ bucket " + b.Name + ": exists, versioning enabled, round-trips an object, not public"
		if got := checks[i].String(); got != want {
			t.Errorf("check %d: %q, want %q", i, got, want)
		}
	}
	// verify leaves nothing behind, not even old versions.
	for _, b := range a.Buckets() {
		vs, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(b.Name)})
		if err != nil || len(vs.Versions)+len(vs.DeleteMarkers) > 0 {
			t.Errorf("bucket %s after verify: %d versions, %d delete markers, %v", b.Name, len(vs.Versions), len(vs.DeleteMarkers), err)
		}
	}

	gone := a.Buckets()[1].Name
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(gone)}); err != nil {
		t.Fatal(err)
	}
	fails := provision.Failures(live.Verify(ctx, a))
	if len(fails) != 1 || !strings.Contains(fails[0], gone) || !strings.Contains(fails[0], "missing") {
		t.Errorf("verify after removing %s: %q", gone, fails)
	}
	p3, err := live.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if got := ops(p3)["bucket/"+gone]; got != provision.Create {
		t.Errorf("plan after removal: bucket %s is %s", gone, got)
	}
}

func TestSuspendedVersioningIsAnUpdate(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	ctx := context.Background()
	a := answers(t, srv, steps.ModeTemporal, steps.TechniqueS3fs, "joomla")
	name := a.Buckets()[0].Name
	c := srv.Client(t)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	p, err := buckets.Live{}.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	got := ops(p)
	if got["bucket/"+name] != provision.Noop || got["bucket_versioning/"+name] != provision.Create {
		t.Errorf("existing unversioned bucket: %v", got)
	}
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(name),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusSuspended}}); err != nil {
		t.Fatal(err)
	}
	p, err = buckets.Live{}.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if op := ops(p)["bucket_versioning/"+name]; op != provision.Update {
		t.Errorf("suspended versioning: %s, want update", op)
	}
}

func TestCORSForPluginKeepsOtherRules(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	ctx := context.Background()
	a := answers(t, srv, steps.ModeTemporal, steps.TechniquePlugin, "wordpress")
	name := a.Buckets()[0].Name
	c := srv.Client(t)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	other := s3types.CORSRule{ID: aws.String("theirs"), AllowedOrigins: []string{"https://other.example.org"}, AllowedMethods: []string{"PUT"}}
	if _, err := c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: aws.String(name), CORSConfiguration: &s3types.CORSConfiguration{CORSRules: []s3types.CORSRule{other}}}); err != nil {
		t.Fatal(err)
	}
	live := buckets.Live{}
	p, err := live.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if op := ops(p)["bucket_cors/"+name]; op != provision.Create {
		t.Fatalf("cors: %s, want create", op)
	}
	if err := provision.Apply(ctx, p, provision.ApplyOptions{}).Err(); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(name)})
	if err != nil || len(got.CORSRules) != 2 {
		t.Fatalf("cors after apply: %+v %v", got, err)
	}
	p, err = live.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if p.Changes() {
		t.Errorf("plan after apply has changes: %v", ops(p))
	}
}

func TestDataLossGuardInBaseline(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	ctx := context.Background()
	a := answers(t, srv, steps.ModeBaseline, steps.TechniquePlugin, "wordpress")
	name := a.Buckets()[0].Name
	p, err := buckets.Live{}.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.DataLoss) != 0 {
		t.Errorf("no bucket yet, yet data loss: %v", p.DataLoss)
	}
	if _, err := srv.Client(t).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	if p, _ = (buckets.Live{}).Plan(ctx, a); len(p.DataLoss) != 0 {
		t.Errorf("empty bucket, yet data loss: %v", p.DataLoss)
	}
	srv.PutObject(t, name, "2026/01/photo.jpg", "jpeg")
	p, err = buckets.Live{}.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.DataLoss) != 1 || p.DataLoss[0] != name {
		t.Errorf("data loss: %v", p.DataLoss)
	}
	if w := strings.Join(p.Warnings, "\n"); !strings.Contains(w, "deletes") || !strings.Contains(w, name) {
		t.Errorf("warnings: %q", p.Warnings)
	}
}

func TestWrongKeysAreAClearError(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	ctx := context.Background()
	a := answers(t, srv, steps.ModeTemporal, steps.TechniqueS3fs, "wordpress")
	if err := buckets.CheckAccess(ctx, a); err != nil {
		t.Fatalf("good keys: %v", err)
	}
	for _, bad := range []steps.Secrets{
		{S3AccessKey: "AKWRONGWRONG", S3SecretKey: srv.SecretKey},
		{S3AccessKey: srv.AccessKey, S3SecretKey: "wrong-secret-value"},
	} {
		a.Secrets = bad
		_, err := buckets.Live{}.Plan(ctx, a)
		checkKeyError(t, err, bad, srv)
		checkKeyError(t, buckets.CheckAccess(ctx, a), bad, srv)
		fails := provision.Failures(buckets.Live{}.Verify(ctx, a))
		if len(fails) != 1 {
			t.Errorf("verify with bad keys: %q", fails)
		}
	}
}

func checkKeyError(t *testing.T, err error, used steps.Secrets, srv *s3test.Server) {
	t.Helper()
	if err == nil {
		t.Fatal("no error with wrong keys")
	}
	msg := err.Error()
	if !strings.Contains(msg, "S3_ACCESS_KEY") || !strings.Contains(msg, "S3_SECRET_KEY") {
		t.Errorf("error does not say what to check: %s", msg)
	}
	for _, secret := range []string{used.S3AccessKey, used.S3SecretKey, srv.AccessKey, srv.SecretKey} {
		if strings.Contains(msg, secret) {
			t.Errorf("error holds a key: %s", msg)
		}
	}
}

func TestVersitygwBinaryIsFound(t *testing.T) {
	t.Parallel()
	p, err := s3test.Binary()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil || filepath.Base(p) != "versitygw" {
		t.Fatal(p, err)
	}
}

// A directory whose bucket name the generation cannot have (classic keeps the '_') is never
// sent to the provider by the key check: the provider's BadRequest read as "the keys do not
// work" although they do (issue 21).
func TestKeyCheckSendsNoBucketNameTheGenerationCannotHave(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	a := answers(t, srv, steps.ModeTemporal, steps.TechniqueS3fs, "wordpress")
	a.Toolkit, a.Directories = steps.ToolkitClassic, []string{"my_uploads"}
	if a.BucketNameProblem("my_uploads") == "" {
		t.Fatal("classic my_uploads should make a bad bucket name")
	}
	if err := buckets.CheckAccess(context.Background(), a); err != nil {
		t.Errorf("good keys, bad bucket name: %v", err)
	}
	a.Secrets.S3SecretKey = "wrong-secret-value"
	checkKeyError(t, buckets.CheckAccess(context.Background(), a), a.Secrets, srv)
}

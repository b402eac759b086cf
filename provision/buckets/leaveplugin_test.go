package buckets_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/steps"
)

// anonymousGet is the status of a GET of an object without keys.
func anonymousGet(t *testing.T, srv *s3test.Server, bucket, key string) int {
	t.Helper()
	resp, err := http.Get(srv.Endpoint + "/" + bucket + "/" + key)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Issue 24 finding 2: a site switched from plugin to s3fs kept assetwiz's public-read
// statement and CORS rule; plan and verify said nothing and an anonymous GET still answered
// 200. Now the plan deletes assetwiz's own statement and rule (and only those: another's
// statement and rule stay), verify fails until it is done, and the bucket is private after.
func TestLeavingThePluginRemovesWhatItMadePublic(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	ctx := context.Background()
	live := buckets.Live{Getenv: func(string) string { return "" }}
	plugin := answers(t, srv, steps.ModeTemporal, steps.TechniquePlugin, "wordpress")
	name := plugin.Buckets()[0].Name
	p, err := live.Plan(ctx, plugin)
	if err != nil {
		t.Fatal(err)
	}
	if err := provision.Apply(ctx, p, provision.ApplyOptions{}).Err(); err != nil {
		t.Fatal(err)
	}
	c := srv.Client(t)
	// Someone adds a statement and a CORS rule of their own.
	pol, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	theirs := `{"Sid":"Theirs","Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::` + name + `/*"}`
	withTheirs := strings.Replace(aws.ToString(pol.Policy), `"Statement":[`, `"Statement":[`+theirs+`,`, 1)
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(name), Policy: aws.String(withTheirs)}); err != nil {
		t.Fatal(err)
	}
	cors, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	rules := append(cors.CORSRules, s3types.CORSRule{ID: aws.String("theirs"), AllowedOrigins: []string{"https://other.example.org"}, AllowedMethods: []string{"PUT"}})
	if _, err := c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: aws.String(name), CORSConfiguration: &s3types.CORSConfiguration{CORSRules: rules}}); err != nil {
		t.Fatal(err)
	}
	srv.PutObject(t, name, "2026/01/photo.jpg", "jpeg")
	if got := anonymousGet(t, srv, name, "2026/01/photo.jpg"); got != http.StatusOK {
		t.Fatalf("plugin: anonymous GET %d, want 200", got)
	}

	s3fs := answers(t, srv, steps.ModeTemporal, steps.TechniqueS3fs, "wordpress")
	p, err = live.Plan(ctx, s3fs)
	if err != nil {
		t.Fatal(err)
	}
	got := ops(p)
	if got["bucket_policy/"+name] != provision.Delete || got["bucket_cors/"+name] != provision.Delete {
		t.Fatalf("plugin → s3fs: %v, want the policy and CORS deleted", got)
	}
	if s := p.Summary(); s.Delete != 2 {
		t.Errorf("summary %+v, want 2 deletes", s)
	}
	fails := provision.Failures(live.Verify(ctx, s3fs))
	if v := strings.Join(fails, "\n"); !strings.Contains(v, "bucket_policy "+name+": apply would delete") || !strings.Contains(v, "bucket_cors "+name+": apply would delete") {
		t.Errorf("verify before the apply: %q", fails)
	}
	if err := provision.Apply(ctx, p, provision.ApplyOptions{}).Err(); err != nil {
		t.Fatal(err)
	}
	if got := anonymousGet(t, srv, name, "2026/01/photo.jpg"); got == http.StatusOK {
		t.Errorf("s3fs: anonymous GET %d, want a refusal", got)
	}
	pol, err = c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(name)})
	if err != nil || !strings.Contains(aws.ToString(pol.Policy), "Theirs") || strings.Contains(aws.ToString(pol.Policy), buckets.PolicySid) {
		t.Errorf("policy after: %s %v; want theirs kept, ours gone", aws.ToString(pol.Policy), err)
	}
	cors, err = c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(name)})
	if err != nil || len(cors.CORSRules) != 1 || aws.ToString(cors.CORSRules[0].ID) != "theirs" {
		t.Errorf("CORS after: %+v %v; want theirs alone", cors, err)
	}
	if p, err := live.Plan(ctx, s3fs); err != nil || p.Changes() {
		t.Errorf("plan after: %v %v", ops(p), err)
	}
	if fails := provision.Failures(live.Verify(ctx, s3fs)); len(fails) > 0 {
		t.Errorf("verify after: %q", fails)
	}

	// A statement of someone else's that opens the bucket to everyone is not assetwiz's to
	// remove, but verify fails while it is there.
	open := `{"Version":"2012-10-17","Statement":[{"Sid":"Wide","Effect":"Allow","Principal":"*","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::` + name + `/*"}]}`
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(name), Policy: aws.String(open)}); err != nil {
		t.Fatal(err)
	}
	fails = provision.Failures(live.Verify(ctx, s3fs))
	if v := strings.Join(fails, "\n"); !strings.Contains(v, "bucket "+name+": public: policy statement Wide allows") {
		t.Errorf("verify with another's public statement: %q", fails)
	}
	// Deleting all of the policy when ours is the only statement.
	if _, err := c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	p, _ = live.Plan(ctx, plugin)
	if err := provision.Apply(ctx, p, provision.ApplyOptions{}).Err(); err != nil {
		t.Fatal(err)
	}
	p, _ = live.Plan(ctx, s3fs)
	if err := provision.Apply(ctx, p, provision.ApplyOptions{}).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(name)}); err == nil {
		t.Error("a policy of assetwiz's statement alone is still there")
	}
}

// The same for a site that leaves the plugin for a technique that makes no bucket: a baseline
// build (technique local by default) still has the plugin's bucket, public until the plan
// removes assetwiz's statement and rule.
func TestLeavingThePluginForLocalRemovesWhatItMadePublic(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	ctx := context.Background()
	live := buckets.Live{Getenv: func(string) string { return "" }}
	plugin := answers(t, srv, steps.ModeTemporal, steps.TechniquePlugin, "wordpress")
	name := plugin.Buckets()[0].Name
	p, err := live.Plan(ctx, plugin)
	if err != nil {
		t.Fatal(err)
	}
	if err := provision.Apply(ctx, p, provision.ApplyOptions{}).Err(); err != nil {
		t.Fatal(err)
	}
	local := answers(t, srv, steps.ModeBaseline, steps.TechniqueLocal, "wordpress")
	p, err = live.Plan(ctx, local)
	if err != nil {
		t.Fatal(err)
	}
	if got := ops(p); got["bucket_policy/"+name] != provision.Delete || got["bucket_cors/"+name] != provision.Delete {
		t.Fatalf("plugin → local: %v, want the policy and CORS deleted", got)
	}
	if fails := provision.Failures(live.Verify(ctx, local)); len(fails) != 2 {
		t.Errorf("verify before the apply: %q", fails)
	}
	if len(p.DataLoss)+len(p.GuardUnread) > 0 {
		t.Fatalf("an empty bucket: %v %v", p.DataLoss, p.GuardUnread)
	}
	if err := provision.Apply(ctx, p, provision.ApplyOptions{}).Err(); err != nil {
		t.Fatal(err)
	}
	srv.PutObject(t, name, "a.jpg", "x")
	if got := anonymousGet(t, srv, name, "a.jpg"); got == http.StatusOK {
		t.Errorf("local: anonymous GET %d, want a refusal", got)
	}
	if p, err := live.Plan(ctx, local); err != nil || p.Changes() {
		t.Errorf("plan after: %v %v", ops(p), err)
	}
	if fails := provision.Failures(live.Verify(ctx, local)); len(fails) > 0 {
		t.Errorf("verify after: %q", fails)
	}
}

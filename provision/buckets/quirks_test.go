package buckets_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/steps"
)

// quirkyAnswers are answers for a plugin site (three buckets with CORS and a policy) whose
// endpoint is the proxy.
func quirkyAnswers(t *testing.T, srv *s3test.Server, endpoint, application string) *steps.Answers {
	a := answers(t, srv, steps.ModeTemporal, steps.TechniquePlugin, application)
	a.Storage.Endpoint = endpoint
	return a
}

// A server that stores policies in its own normal form, offers no CORS (none set on read,
// NotImplemented on write) and loses one of two configuration writes to a bucket made at
// once: after one apply every setting it offers is in place, the CORS rule is shown as
// skipped, and the next plan is empty (the warning remains); verify agrees with plan.
func TestAnotherS3ServerConvergesAndLosesNothing(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	proxy := s3test.StartQuirky(t, srv, s3test.Quirks{PolicyNormalForm: true, NoCORS: true, LoseConcurrentWrites: true, Hold: 20 * time.Millisecond})
	ctx := context.Background()
	a := quirkyAnswers(t, srv, proxy.URL, "drupal")
	live := buckets.Live{Getenv: func(string) string { return "" }}

	p, err := live.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	res := provision.Apply(ctx, p, provision.ApplyOptions{})
	if err := res.Err(); err != nil {
		t.Fatalf("apply: %v", err)
	}
	for i, act := range res.Actions {
		want := provision.Done
		if act.Resource == provision.BucketCORS || act.Resource == provision.BucketLifecycle { // not offered here
			want = provision.Skipped
		}
		if res.Status[i] != want {
			t.Errorf("apply: %s is %q, want %q", act.Key(), res.Status[i], want)
		}
	}
	if lost := proxy.Lost(); len(lost) > 0 {
		t.Errorf("configuration writes sent at once to one bucket, lost by the server: %v", lost)
	}
	// The end state, read from versitygw itself: nothing given was lost.
	c := srv.Client(t)
	for _, b := range a.Buckets() {
		v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(b.Name)})
		if err != nil || v.Status != "Enabled" {
			t.Errorf("bucket %s: versioning %v %v", b.Name, v, err)
		}
		pol, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(b.Name)})
		if err != nil || !strings.Contains(aws.ToString(pol.Policy), buckets.PolicySid) {
			t.Errorf("bucket %s: policy %v %v", b.Name, pol, err)
		}
	}

	p2, err := live.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if p2.Changes() {
		t.Errorf("the plan after apply has changes: %v", ops(p2))
	}
	if w := strings.Join(p2.Warnings, "\n"); !strings.Contains(w, "CORS rules") {
		t.Errorf("the plan after apply does not warn that CORS is not offered: %q", p2.Warnings)
	}
	if fails := provision.Failures(live.Verify(ctx, a)); len(fails) > 0 {
		t.Errorf("verify: %q", fails)
	}

	// Someone removes the policy statement: plan and verify both see it.
	name := a.Buckets()[0].Name
	if _, err := c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	p3, _ := live.Plan(ctx, a)
	fails := provision.Failures(live.Verify(ctx, a))
	if ops(p3)["bucket_policy/"+name] != provision.Create || len(fails) != 1 || !strings.Contains(fails[0], "bucket_policy "+name) {
		t.Errorf("policy removed: plan %v, verify %q", ops(p3), fails)
	}
}

// The requests of a new site, per bucket: GET ?versioning (NoSuchBucket: the probe), then each
// document written once, one after another, in this order; no confirming LIST after the 404,
// no read of a document of a bucket made in the same run, no note of versitygw's refused
// lifecycle rules (their read is refused too, which tells the next plan). The no-op re-apply
// reads each bucket's other documents after its GET ?versioning, which told that it exists,
// and writes nothing. Counted, not timed: a longer chain fails here.
func TestRequestsPerBucketOfANewSite(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	proxy := s3test.StartQuirky(t, srv, s3test.Quirks{})
	ctx := context.Background()
	a := quirkyAnswers(t, srv, proxy.URL, "drupal")
	live := buckets.Live{Getenv: func(string) string { return "" }}
	p, err := live.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if res := provision.Apply(ctx, p, provision.ApplyOptions{}); res.Err() != nil {
		t.Fatal(res.Err())
	}
	perBucket := func() map[string][]string {
		out := map[string][]string{}
		for _, r := range proxy.Requests() {
			out[r.Bucket] = append(out[r.Bucket], r.Method+" "+r.Sub)
		}
		return out
	}
	got := perBucket()
	want := []string{"GET versioning", "PUT ", "PUT versioning", "PUT lifecycle", "PUT cors", "PUT policy"}
	for _, b := range a.Buckets() {
		if !slices.Equal(got[b.Name], want) {
			t.Errorf("bucket %s, new: requests %q, want %q", b.Name, got[b.Name], want)
		}
	}
	if others := got[""]; len(others) > 1 {
		t.Errorf("requests outside the buckets: %q, want only the one key check", others)
	}

	proxy.Reset()
	p2, err := live.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if res := provision.Apply(ctx, p2, provision.ApplyOptions{}); res.Err() != nil || p2.Changes() {
		t.Fatalf("re-apply: changes %v, %v", ops(p2), res.Err())
	}
	got = perBucket()
	for _, b := range a.Buckets() {
		reqs := got[b.Name]
		if len(reqs) == 0 || reqs[0] != "GET versioning" {
			t.Errorf("bucket %s, no-op: %q does not start with its GET ?versioning", b.Name, reqs)
			continue
		}
		rest := slices.Sorted(slices.Values(reqs[1:]))
		if w := []string{"GET cors", "GET lifecycle", "GET policy"}; !slices.Equal(rest, w) {
			t.Errorf("bucket %s, no-op: after the GET ?versioning %q, want %q (read at once)", b.Name, rest, w)
		}
	}
}

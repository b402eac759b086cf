package buckets_test

import (
	"context"
	"net/url"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/steps"
)

// requestsPerBucket is the proxy's log, per bucket, as "METHOD sub".
func requestsPerBucket(proxy *s3test.Quirky) map[string][]string {
	out := map[string][]string{}
	for _, r := range proxy.Requests() {
		out[r.Bucket] = append(out[r.Bucket], r.Method+" "+r.Sub)
	}
	return out
}

// Issue 26 item 1: a new versioned bucket with a lifecycle rule on versitygw (which refuses
// lifecycle rules, on write and on read) took six requests: after the refused PUT ?lifecycle,
// a GET ?tagging of the bucket just made and a PUT ?tagging noting the refusal. Now four:
// HEAD, PUT, PUT ?versioning, PUT ?lifecycle; the next plan tells the refusal from its own read,
// and is empty.
func TestANewBucketTakesFourRequestsOnVersitygw(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	proxy := s3test.StartQuirky(t, srv, s3test.Quirks{})
	ctx := context.Background()
	a := answers(t, srv, steps.ModeTemporal, steps.TechniqueS3fs, "drupal")
	a.Storage.Endpoint = proxy.URL
	live := buckets.Live{Getenv: func(string) string { return "" }}
	p, err := live.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	res := provision.Apply(ctx, p, provision.ApplyOptions{})
	if res.Err() != nil || res.Count()[provision.Skipped] != len(a.Buckets()) {
		t.Fatalf("apply: %v, %v (want each lifecycle rule skipped)", res.Err(), res.Count())
	}
	got := requestsPerBucket(proxy)
	want := []string{"GET versioning", "PUT ", "PUT versioning", "PUT lifecycle"}
	for _, b := range a.Buckets() {
		if !slices.Equal(got[b.Name], want) {
			t.Errorf("bucket %s: %d requests %q, want %q", b.Name, len(got[b.Name]), got[b.Name], want)
		}
	}
	p2, err := live.Plan(ctx, a)
	if err != nil || p2.Changes() {
		t.Errorf("the next plan: %v %v", ops(p2), err)
	}
	c := srv.Client(t)
	for _, b := range a.Buckets() {
		if tags, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(b.Name)}); err == nil && len(tags.TagSet) > 0 {
			t.Errorf("bucket %s: tagged %v; the refusal is told by the read", b.Name, tags.TagSet)
		}
	}
}

// A server that refuses CORS on write but answers its read with "none set" (as MinIO does):
// the refusal on a bucket made in this run is checked with one read of ?cors and noted
// without reading the new bucket's tags (it has none), so the next plan is empty.
func TestARefusalTheReadCannotTellIsNotedWithoutReadingTags(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	proxy := s3test.StartQuirky(t, srv, s3test.Quirks{NoCORS: true})
	ctx := context.Background()
	a := quirkyAnswers(t, srv, proxy.URL, "joomla")
	live := buckets.Live{Getenv: func(string) string { return "" }}
	p, err := live.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if res := provision.Apply(ctx, p, provision.ApplyOptions{}); res.Err() != nil {
		t.Fatal(res.Err())
	}
	name := a.Buckets()[0].Name
	want := []string{"GET versioning", "PUT ", "PUT versioning", "PUT lifecycle", "PUT cors", "GET cors", "PUT tagging"} // joomla's plugin serves through the site: no policy
	if got := requestsPerBucket(proxy)[name]; !slices.Equal(got, want) {
		t.Errorf("requests %q, want %q", got, want)
	}
	p2, err := live.Plan(ctx, a)
	if err != nil || p2.Changes() {
		t.Errorf("the next plan: %v %v", ops(p2), err)
	}
}

// The no-op re-apply of the bench's site (WordPress, s3fs, versioning on, a custom provider)
// on versitygw as it is (no lifecycle rules, on read or write), per bucket: GET ?versioning,
// whose answer says both that the bucket exists and its versioning (it took a HEAD before, five
// requests), then three reads sent at once (lifecycle, refused, which tells the plan by
// itself; the CORS rule and policy assetwiz may have made for the plugin technique, kept from
// issue 24), and nothing else: no HEAD, no tags read, no write. Every bucket's policy read is
// held by the proxy until all are under way, so the buckets' reads go at once, not in turn.
// Counted, not timed: one more request per bucket fails here.
func TestANoOpPlanTakesFourRequestsPerBucketOnVersitygw(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	ctx := context.Background()
	a := answers(t, srv, steps.ModeTemporal, steps.TechniqueS3fs, "wordpress")
	a.Directories = []string{"wp-content/uploads", "wp-content/uploads-2", "wp-content/uploads-3", "wp-content/uploads-4"}
	if ps := a.Validate(); len(ps) > 0 {
		t.Fatal(ps)
	}
	live := buckets.Live{Getenv: func(string) string { return "" }}
	p, err := live.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if res := provision.Apply(ctx, p, provision.ApplyOptions{}); res.Err() != nil {
		t.Fatal(res.Err())
	}
	proxy := s3test.StartQuirky(t, srv, s3test.Quirks{Together: "policy", TogetherN: len(a.Buckets())})
	a.Storage.Endpoint = proxy.URL
	p2, err := live.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if p2.Changes() {
		t.Fatalf("the second plan changes %v", ops(p2))
	}
	if res := provision.Apply(ctx, p2, provision.ApplyOptions{}); res.Err() != nil {
		t.Fatal(res.Err())
	}
	got := requestsPerBucket(proxy)
	for _, b := range a.Buckets() {
		reqs := got[b.Name]
		if len(reqs) == 0 || reqs[0] != "GET versioning" {
			t.Errorf("bucket %s: %q does not start with its GET ?versioning", b.Name, reqs)
			continue
		}
		rest := slices.Sorted(slices.Values(reqs[1:]))
		if want := []string{"GET cors", "GET lifecycle", "GET policy"}; !slices.Equal(rest, want) {
			t.Errorf("bucket %s: after the GET ?versioning %d requests %q, want %q", b.Name, len(rest), rest, want)
		}
	}
	if others := got[""]; len(others) != 1 {
		t.Errorf("requests outside the buckets: %q, want the one key check", others)
	}
	if n := proxy.Apart(); n > 0 {
		t.Errorf("%d policy reads went alone: the buckets' reads were not under way at once", n)
	}
}

// PublicAccess (verify's and the backup plan's check that a bucket is not public) reads the
// policy and the ACL at once: neither answer tells the other, so one round trip, not two. The
// proxy holds both reads until both are under way; read one after the other, the first waits
// s3test.TogetherWait alone and is counted by Apart.
func TestPublicAccessReadsPolicyAndACLAtOnce(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	proxy := s3test.StartQuirky(t, srv, s3test.Quirks{Together: "policy acl", TogetherN: 2})
	ctx := context.Background()
	c := srv.Client(t)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("private-one")}); err != nil {
		t.Fatal(err)
	}
	a := answers(t, srv, steps.ModeTemporal, steps.TechniqueS3fs, "drupal")
	a.Storage.Endpoint = proxy.URL
	pc, err := buckets.NewClient(ctx, a, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	grants, err := buckets.PublicAccess(ctx, pc, "private-one")
	if err != nil || len(grants) > 0 {
		t.Fatalf("PublicAccess of a private bucket: %v, %v", grants, err)
	}
	if n := proxy.Apart(); n > 0 {
		t.Errorf("%d of the policy and ACL reads went alone, want both at once", n)
	}
	var subs []string
	for _, r := range proxy.Requests() {
		subs = append(subs, r.Sub)
	}
	if slices.Sort(subs); !slices.Equal(subs, []string{"acl", "policy"}) {
		t.Errorf("requests %q, want one policy and one ACL read", subs)
	}
}

// The keys are checked with a list of the account's buckets, which may hold thousands; one
// bucket tells as much as all of them (max-buckets=1), and the rest is XML no one reads.
func TestTheKeyCheckAsksForOneBucket(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	proxy := s3test.StartQuirky(t, srv, s3test.Quirks{})
	c := srv.Client(t)
	ctx := context.Background()
	for _, name := range []string{"other-site-a", "other-site-b", "other-site-c"} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	a := answers(t, srv, steps.ModeTemporal, steps.TechniqueS3fs, "drupal")
	a.Storage.Endpoint = proxy.URL
	if _, err := (buckets.Live{Getenv: func(string) string { return "" }}).Plan(ctx, a); err != nil {
		t.Fatal(err)
	}
	lists := 0
	for _, r := range proxy.Requests() {
		if r.Method == "GET" && r.Bucket == "" {
			lists++
			if q, _ := url.ParseQuery(r.Query); q.Get("max-buckets") != "1" {
				t.Errorf("the key check lists the buckets with query %q, want max-buckets=1", r.Query)
			}
		}
	}
	if lists != 1 {
		t.Errorf("%d lists of the buckets, want 1 (the key check)", lists)
	}
}

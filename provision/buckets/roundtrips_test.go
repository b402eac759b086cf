package buckets_test

import (
	"context"
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
	if res.Err() != nil || res.Count()[provision.NotOffered] != len(a.Buckets()) {
		t.Fatalf("apply: %v, %v (want each lifecycle rule skipped)", res.Err(), res.Count())
	}
	got := requestsPerBucket(proxy)
	want := []string{"HEAD ", "PUT ", "PUT versioning", "PUT lifecycle"}
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
	want := []string{"HEAD ", "PUT ", "PUT versioning", "PUT lifecycle", "PUT cors", "GET cors", "PUT tagging"} // joomla's plugin serves through the site: no policy
	if got := requestsPerBucket(proxy)[name]; !slices.Equal(got, want) {
		t.Errorf("requests %q, want %q", got, want)
	}
	p2, err := live.Plan(ctx, a)
	if err != nil || p2.Changes() {
		t.Errorf("the next plan: %v %v", ops(p2), err)
	}
}

package buckets_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/provision/faultproxy"
	"github.com/assetwiz/assetwiz/steps"
)

// assetwiz's requests name assetwiz and carry none of the SDK's own bookkeeping (the per-call
// invocation id, the Lambda trace header even inside Lambda, the retry counter where the SDK
// does not retry), which costs every request CPU for nothing (leanStack); the client that
// retries keeps its retry loop.
func TestRequestsNameAssetwizAndCarryNoSDKBookkeeping(t *testing.T) {
	t.Setenv("AWS_LAMBDA_FUNCTION_NAME", "f") // as inside Lambda: the SDK would add X-Amzn-Trace-Id
	t.Setenv("_X_AMZN_TRACE_ID", "Root=1-5759e988-bd862e3fe1be46a994272793")
	srv := s3test.Start(t)
	var mu sync.Mutex
	var seen []http.Header
	proxy := faultproxy.New(t, srv.Endpoint, faultproxy.Options{Tamper: func(req *http.Request, _ *http.Response) error {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, req.Header.Clone())
		return nil
	}})
	a := steps.Answers{Storage: steps.Storage{Provider: "custom", Region: "us-east-1", Endpoint: proxy.URL()},
		Secrets: steps.Secrets{S3AccessKey: srv.AccessKey, S3SecretKey: srv.SecretKey}}
	ctx := context.Background()
	plan, err := buckets.NewPlanClient(ctx, &a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plan.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("lean-stack")}); err != nil {
		t.Fatal(err)
	}
	if _, err := plan.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("lean-stack")}); err != nil {
		t.Fatal(err)
	}
	retrying, err := buckets.NewClient(ctx, &a, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := retrying.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("lean-stack")}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 3 {
		t.Fatalf("%d requests reached the server, want 3", len(seen))
	}
	for i, h := range seen {
		if ua := h.Get("User-Agent"); ua != buckets.UserAgent || !strings.HasPrefix(ua, "assetwiz ") {
			t.Errorf("request %d: User-Agent %q, want %q", i+1, ua, buckets.UserAgent)
		}
		for _, name := range []string{"Amz-Sdk-Invocation-Id", "X-Amzn-Trace-Id"} {
			if v := h.Get(name); v != "" {
				t.Errorf("request %d carries %s: %s", i+1, name, v)
			}
		}
		if h.Get("Authorization") == "" {
			t.Errorf("request %d is not signed", i+1)
		}
	}
	for i, h := range seen[:2] {
		if v := h.Get("Amz-Sdk-Request"); v != "" {
			t.Errorf("plan request %d carries the SDK's retry counter (%s) though the SDK does not retry it", i+1, v)
		}
	}
	if v := seen[2].Get("Amz-Sdk-Request"); !strings.Contains(v, "max=5") {
		t.Errorf("the retrying client's request says Amz-Sdk-Request %q: its retry loop is gone", v)
	}
}

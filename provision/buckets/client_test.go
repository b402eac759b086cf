package buckets_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/steps"
)

func customAnswers(t *testing.T, endpoint string) *steps.Answers {
	t.Helper()
	a := steps.Answers{
		Mode: steps.ModeTemporal, Application: "wordpress", WebsiteURL: "www.example.com", Technique: steps.TechniqueS3fs,
		Storage: steps.Storage{Provider: "custom", Region: "us-east-1", Endpoint: endpoint},
	}
	a.Complete()
	a.Secrets = steps.Secrets{S3AccessKey: "AKIDTEST", S3SecretKey: "test-secret"}
	return &a
}

// stall accepts connections and never answers.
func stall(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 64)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- c
		}
	}()
	t.Cleanup(func() {
		l.Close()
		for c := range accepted {
			c.Close()
		}
	})
	return "http://" + l.Addr().String()
}

// A server that accepts requests and never answers fails the plan within the bounds (each
// answer awaited AnswerTimeout, the reads' retries within Retry.Total), naming the provider
// and the request, instead of hanging.
func TestAStalledServerFailsThePlanNamingProviderAndRequest(t *testing.T) {
	t.Parallel()
	a := customAnswers(t, stall(t))
	live := buckets.Live{
		Getenv:        func(string) string { return "" },
		AnswerTimeout: 50 * time.Millisecond,
		Retry:         provision.RetryPolicy{Attempts: 2, Base: time.Millisecond, Max: time.Millisecond, Total: 5 * time.Second},
	}
	_, err := live.Plan(context.Background(), a)
	if err == nil {
		t.Fatal("the plan against a server that never answers succeeded")
	}
	for _, want := range []string{"GetBucketVersioning", "no answer from Any other S3-compatible endpoint", "within 50ms", "gave up after 2 tries"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

// An action's tries together are bounded by Retry.Total, and the error says so: a server
// that answers the first byte of a document and then nothing is cut off there.
func TestAnActionIsBoundedInTime(t *testing.T) {
	t.Parallel()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead || (r.Method == http.MethodGet && r.URL.Path != "/") {
			w.WriteHeader(http.StatusNotFound) // no such bucket (HEAD, or GET ?versioning)
			return
		}
		if r.Method == http.MethodGet {
			w.Write([]byte(`<?xml version="1.0"?><ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>`))
			return
		}
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		<-r.Context().Done() // headers, then nothing until the client gives up
	}))
	t.Cleanup(slow.Close)
	a := customAnswers(t, slow.URL)
	p, err := buckets.Live{Getenv: func(string) string { return "" }}.Plan(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	res := provision.Apply(context.Background(), p, provision.ApplyOptions{Retry: provision.RetryPolicy{Total: 300 * time.Millisecond}})
	if err := res.Err(); err == nil || !strings.Contains(err.Error(), "an action may take at most 300ms") {
		t.Errorf("apply against a server that never finishes its answer: %v", err)
	}
	slow.CloseClientConnections()
}

// A redirect to another origin (here another port of the same host) is not followed: the
// SigV4 Authorization header never reaches it.
func TestNoCredentialsOnARedirectToAnotherOrigin(t *testing.T) {
	t.Parallel()
	var leaked atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" || r.Header.Get("X-Amz-Security-Token") != "" {
			leaked.Add(1)
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(other.Close)
	first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	}))
	t.Cleanup(first.Close)
	c, err := buckets.NewClient(context.Background(), customAnswers(t, first.URL), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String("assets")})
	if err == nil {
		t.Error("a redirect to another origin was taken as an answer")
	}
	_, _ = c.GetBucketPolicy(context.Background(), &s3.GetBucketPolicyInput{Bucket: aws.String("assets")})
	if n := leaked.Load(); n > 0 {
		t.Errorf("%d requests carried credentials to another origin", n)
	}
}

// An endless answer is cut off at MaxAnswerBytes, not buffered whole.
func TestAnEndlessAnswerIsCutOff(t *testing.T) {
	t.Parallel()
	var sent atomic.Int64
	endless := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		chunk := []byte(strings.Repeat("a", 64<<10))
		w.Write([]byte(`{"Version":"2012-10-17","Id":"`))
		for i := 0; i < 4<<20/64; i++ { // up to 4 GiB, as long as the client reads
			n, err := w.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	t.Cleanup(endless.Close)
	c, err := buckets.NewClient(context.Background(), customAnswers(t, endless.URL), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetBucketPolicy(context.Background(), &s3.GetBucketPolicyInput{Bucket: aws.String("assets")})
	if !errors.Is(err, buckets.ErrAnswerTooLarge) {
		t.Errorf("an endless policy: %v, want ErrAnswerTooLarge", err)
	}
	endless.CloseClientConnections()
	endless.Close() // waits for the handler: sent is final
	if n := sent.Load(); n > 4*buckets.MaxAnswerBytes {
		t.Errorf("the client read %d MiB of an endless answer", n>>20)
	}
}

// A key check that reached no server must not say the keys work, also when the answers make no
// bucket to look at (local, efs): the wizard's "✓ The keys work." once showed for a closed port.
func TestTheKeyCheckFailsWhenNothingAnswers(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	a := customAnswers(t, closed)
	a.Technique = steps.TechniqueLocal // no bucket: the check is the ListBuckets alone
	a.Complete()
	if len(a.Buckets()) != 0 {
		t.Fatalf("technique local makes buckets %v", a.Buckets())
	}
	err = buckets.CheckAccess(context.Background(), a)
	if err == nil {
		t.Fatal("the key check passed though nothing listens at " + closed)
	}
	if !strings.Contains(err.Error(), l.Addr().String()) && !strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("the error does not say where it looked: %v", err)
	}
}

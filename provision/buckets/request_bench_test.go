package buckets_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/steps"
)

// BenchmarkOneRequest is one GET ?versioning of an existing bucket on versitygw, one after
// another: through assetwiz's S3 client (the AWS SDK, as plan and apply use it) and through a
// bare signed request (net/http and the SDK's SigV4 signer, as bench/serverfloor sends it).
// The server's work is the same; the difference is what a request costs the client, which on
// a 200-bucket apply, every request at once on 2 CPUs shared with the server, is its time.
//
//	go test ./provision/buckets -run '^$' -bench OneRequest -benchmem
func BenchmarkOneRequest(b *testing.B) {
	srv := s3test.Start(b)
	ctx := context.Background()
	const bucket = "bench-one-request"
	if _, err := srv.Client(b).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		b.Fatal(err)
	}
	b.Run("sdk", func(b *testing.B) {
		a := steps.Answers{Storage: steps.Storage{Provider: "custom", Region: "us-east-1", Endpoint: srv.Endpoint},
			Secrets: steps.Secrets{S3AccessKey: srv.AccessKey, S3SecretKey: srv.SecretKey}}
		c, err := buckets.NewPlanClient(ctx, &a)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bare", func(b *testing.B) {
		signer := v4.NewSigner()
		creds := aws.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}
		emptySum := sha256.Sum256(nil)
		payload := hex.EncodeToString(emptySum[:])
		client := &http.Client{}
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.Endpoint+"/"+bucket+"?versioning", nil)
			req.Header.Set("X-Amz-Content-Sha256", payload)
			if err := signer.SignHTTP(ctx, creds, req, payload, "s3", "us-east-1", time.Now()); err != nil {
				b.Fatal(err)
			}
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
}

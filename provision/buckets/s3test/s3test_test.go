package s3test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func TestStartServesBuckets(t *testing.T) {
	t.Parallel()
	srv := Start(t)
	c := srv.Client(t)
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("s3test-bucket")}); err != nil {
		t.Fatal(err)
	}
	srv.PutObject(t, "s3test-bucket", "hello.txt", "hi")
	data, err := os.ReadFile(filepath.Join(srv.Dir, "s3test-bucket", "hello.txt"))
	if err != nil || string(data) != "hi" {
		t.Fatalf("object on disk: %q, %v", data, err)
	}
}

// A virtual-hosted server serves a bucket's object under <bucket>.<domain> given as the Host
// header on loopback, and path-style as before; a Host for another domain is path-style, so
// it does not find the object at the bucket-less path.
func TestStartVirtualHostedServesBucketHosts(t *testing.T) {
	t.Parallel()
	srv := StartVirtualHosted(t, "ams3", "ams3.digitaloceanspaces.com")
	c := srv.Client(t)
	if _, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("s3test-vhost")}); err != nil {
		t.Fatal(err)
	}
	srv.PutObject(t, "s3test-vhost", "a/hello.txt", "hi")
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::s3test-vhost/*"}]}`
	if _, err := c.PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String("s3test-vhost"), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	get := func(host, path string) (int, string) {
		req, err := http.NewRequest(http.MethodGet, srv.Endpoint+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if code, body := get("s3test-vhost.ams3.digitaloceanspaces.com", "/a/hello.txt"); code != 200 || body != "hi" {
		t.Errorf("virtual-host GET: %d %q", code, body)
	}
	if code, body := get("s3test-vhost.fra1.digitaloceanspaces.com", "/a/hello.txt"); code == 200 {
		t.Errorf("a GET for another domain found the object: %d %q", code, body)
	}
	if code, body := get("", "/s3test-vhost/a/hello.txt"); code != 200 || body != "hi" {
		t.Errorf("path-style GET: %d %q", code, body)
	}
}

package s3test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func TestStartServesBuckets(t *testing.T) {
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

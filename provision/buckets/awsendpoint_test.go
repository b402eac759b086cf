package buckets_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/steps"
)

// storage.endpoint given for provider aws (a gateway, a private endpoint) is where the
// snippets and exports point, so the buckets are made there: never at AWS's own endpoint.
func TestAWSWithAnEndpointMakesTheBucketsThere(t *testing.T) {
	t.Parallel()
	srv := s3test.StartRegion(t, "eu-west-1") // signed for AWS's region, as a real gateway would be
	a := steps.Answers{Toolkit: steps.ToolkitOriginal, Mode: steps.ModeTemporal, Application: "joomla", WebsiteURL: "www.example.com",
		Technique: steps.TechniqueS3fs, Storage: steps.Storage{Provider: "aws", Region: "eu-west-1", Endpoint: srv.Endpoint}}
	a.Complete()
	if ps := a.Validate(); len(ps) > 0 {
		t.Fatalf("answers: %v", ps)
	}
	a.Secrets = steps.Secrets{S3AccessKey: srv.AccessKey, S3SecretKey: srv.SecretKey}
	getenv := func(string) string { return "" }
	ctx := context.Background()
	p, err := buckets.Live{Getenv: getenv}.Plan(ctx, &a)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	if res := provision.Apply(ctx, p, provision.ApplyOptions{}); res.Err() != nil {
		t.Fatalf("apply: %v", res.Err())
	}
	name := a.Buckets()[0].Name
	if _, err := srv.Client(t).HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Errorf("bucket %s is not at storage.endpoint %s: %v", name, srv.Endpoint, err)
	}
}

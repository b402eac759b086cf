package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// sdkClient sends the waves through the AWS SDK's S3 client, configured as assetwiz's plan and
// apply client is for a custom endpoint (provision/buckets newClient) but with the SDK's whole
// middleware stack, on the bare client's HTTP client: the difference is the SDK's own cost.
type sdkClient struct{ s3 *s3.Client }

func newSDKClient(c client) sdkClient {
	return sdkClient{s3.New(s3.Options{
		Region:                     c.region,
		BaseEndpoint:               aws.String(c.base),
		UsePathStyle:               true,
		Retryer:                    aws.NopRetryer{},
		HTTPClient:                 c.http,
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
		Credentials:                credentials.NewStaticCredentialsProvider(c.creds.AccessKeyID, c.creds.SecretAccessKey, ""),
	})}
}

func (c sdkClient) send(w wave, bucket string) error {
	ctx, b := context.Background(), aws.String(bucket)
	var err error
	switch strings.TrimSuffix(w.method+" "+w.query, "=") {
	case "HEAD ":
		_, err = c.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: b})
	case "PUT ":
		_, err = c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	case "PUT versioning":
		_, err = c.s3.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b,
			VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	case "PUT lifecycle":
		_, err = c.s3.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: b,
			LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{
				ID: aws.String("assetwiz-noncurrent"), Status: types.ExpirationStatusEnabled,
				Filter:                      &types.LifecycleRuleFilter{Prefix: aws.String("")},
				NoncurrentVersionExpiration: &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(30)},
			}}}})
	case "GET versioning":
		_, err = c.s3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b})
	case "GET lifecycle":
		_, err = c.s3.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
	case "GET cors":
		_, err = c.s3.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: b})
	case "GET policy":
		_, err = c.s3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
	default:
		return fmt.Errorf("-sdk does not send %s ?%s", w.method, w.query)
	}
	status := http.StatusOK
	var re *smithyhttp.ResponseError
	switch {
	case errors.As(err, &re):
		status = re.HTTPStatusCode()
	case err != nil:
		return fmt.Errorf("%s %s: %w", w.method, bucket, err)
	}
	if !w.statusOK(status) {
		return fmt.Errorf("%s %s: %d: %v", w.method, bucket, status, err)
	}
	return nil
}

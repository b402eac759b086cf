package buckets

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/provision"
)

// countObjects counts the object versions (current or not) of each bucket, up to
// provision.DataLossCountCap, for the data-loss warning: the wizard shows how much a build
// would delete. A bucket that cannot be counted is left out (the warning stands without it).
func countObjects(ctx context.Context, c *s3.Client, names []string) map[string]int {
	if len(names) == 0 {
		return nil
	}
	out := make(map[string]int, len(names))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Go(func() {
			n, err := countVersions(ctx, c, name)
			if err != nil {
				return
			}
			mu.Lock()
			out[name] = n
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

// countVersions counts a bucket's object versions, or its current objects where the provider
// lists no versions; delete markers hold nothing and are not counted.
func countVersions(ctx context.Context, c *s3.Client, bucket string) (int, error) {
	n := 0
	in := &s3.ListObjectVersionsInput{Bucket: aws.String(bucket)}
	for n < provision.DataLossCountCap {
		out, err := c.ListObjectVersions(ctx, in)
		if isUnsupported(err) {
			return countCurrent(ctx, c, bucket)
		}
		if err != nil {
			return 0, err
		}
		n += len(out.Versions)
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		in.KeyMarker, in.VersionIdMarker = out.NextKeyMarker, out.NextVersionIdMarker
	}
	return min(n, provision.DataLossCountCap), nil
}

func countCurrent(ctx context.Context, c *s3.Client, bucket string) (int, error) {
	n := 0
	in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket)}
	for n < provision.DataLossCountCap {
		out, err := c.ListObjectsV2(ctx, in)
		if err != nil {
			return 0, err
		}
		n += len(out.Contents)
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		in.ContinuationToken = out.NextContinuationToken
	}
	return min(n, provision.DataLossCountCap), nil
}

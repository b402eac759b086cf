package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/assetwiz/assetwiz/provision"
)

// store is one bucket as sync, backup and restore reach it: every request goes through the
// project's retry policy (provision.RetryPolicy) exactly once, with the SDK's own retries
// turned off, so a throttled provider is backed off and a failing one is given up on within
// the policy's bounds, not after the policy's tries times the SDK's.
type store struct {
	c      *s3.Client
	bucket string
	retry  provision.RetryPolicy
}

func newStore(c *s3.Client, bucket string, p provision.RetryPolicy) *store {
	return &store{c: c, bucket: bucket, retry: p}
}

// noSDKRetries turns the SDK's retries off for one call, whatever the client was built with.
func noSDKRetries(o *s3.Options) {
	o.Retryer = aws.NopRetryer{}
	o.RetryMaxAttempts = 1
}

// do runs one request under the retry policy.
func (s *store) do(ctx context.Context, call func(ctx context.Context) error) error {
	return provision.Retry(ctx, s.retry, call)
}

// doBody is do for a request carrying or returning a body of size bytes: the policy's bound
// for the whole action grows with the time the body may take.
func (s *store) doBody(ctx context.Context, size int64, call func(ctx context.Context) error) error {
	p := s.retry
	if p.Total <= 0 {
		p.Total = 2 * time.Minute
	}
	p.Total += 2 * bodyTime(size)
	return provision.Retry(ctx, p, call)
}

// versioningEnabled says whether the bucket keeps versions (GetBucketVersioning answers
// Enabled); false when it does not, or when it cannot be read.
func (s *store) versioningEnabled(ctx context.Context) bool {
	var status types.BucketVersioningStatus
	err := s.do(ctx, func(ctx context.Context) error {
		out, err := s.c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(s.bucket)}, noSDKRetries)
		if err == nil {
			status = out.Status
		}
		return err
	})
	return err == nil && status == types.BucketVersioningStatusEnabled
}

// head reads an object's size, ETag and metadata; found is false when there is no such object
// (or its newest version is a delete marker).
func (s *store) head(ctx context.Context, key, version string) (out *s3.HeadObjectOutput, found bool, err error) {
	in := &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)}
	if version != "" && version != "null" {
		in.VersionId = aws.String(version)
	}
	err = s.do(ctx, func(ctx context.Context) error {
		var err error
		out, err = s.c.HeadObject(ctx, in, noSDKRetries)
		return err
	})
	if err != nil {
		if code := errorCodeOf(err); code == "NotFound" || code == "NoSuchKey" || code == "404" {
			return nil, false, nil
		}
		var re interface{ HTTPStatusCode() int }
		if errors.As(err, &re) && re.HTTPStatusCode() == 404 {
			return nil, false, nil
		}
		return nil, false, err
	}
	return out, true, nil
}

// errLongerThanListed is a body that goes on past the size its listing gave.
var errLongerThanListed = errors.New("the server sent more bytes than the listing gave for the object")

// sameSize checks a GET's Content-Length (when it has one) against the listed size.
func sameSize(o Object, contentLength *int64) error {
	if n := aws.ToInt64(contentLength); contentLength != nil && n != o.Size {
		return fmt.Errorf("the object is %d bytes, the listing gave %d: it changed since; run again", n, o.Size)
	}
	return nil
}

// bodyTime bounds the reading of one body of size bytes: a minute, plus a second for every
// 256 KiB (a link slower than that is not one a backup can finish on anyway).
func bodyTime(size int64) time.Duration {
	return time.Minute + time.Duration(size/(256<<10))*time.Second
}

// get reads an object (version) whose listing gave size bytes into w: at most size bytes are
// read (a body that goes on is an error, not a memory leak), in at most bodyTime(size), and
// an answer whose Content-Length is missing (chunked) is read the same way. It returns the
// answer's headers (content type, metadata, ETag) for the copy.
func (s *store) get(ctx context.Context, o Object, w func() (io.Writer, func())) (*s3.GetObjectOutput, error) {
	var out *s3.GetObjectOutput
	err := s.doBody(ctx, o.Size, func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, bodyTime(o.Size))
		defer cancel()
		var err error
		out, err = s.c.GetObject(ctx, getInput(s.bucket, o), noSDKRetries)
		if err != nil {
			return err
		}
		defer out.Body.Close()
		if err := sameSize(o, out.ContentLength); err != nil {
			return err
		}
		dst, reset := w()
		n, err := io.Copy(dst, io.LimitReader(out.Body, o.Size+1))
		switch {
		case err != nil:
			reset()
			return err
		case n > o.Size:
			reset()
			return errLongerThanListed
		case n < o.Size:
			reset()
			return fmt.Errorf("the body ended after %d of %d bytes: %w", n, o.Size, io.ErrUnexpectedEOF)
		}
		return nil
	})
	return out, err
}

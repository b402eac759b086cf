package transfer

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// MaxSingleCopy is the largest object one CopyObject copies on AWS (5 GiB); larger ones are
// copied in parts (UploadPartCopy).
const MaxSingleCopy = 5 << 30

// serverSide is a copy between two buckets that one server holds under one set of keys: the
// server copies each object itself (CopyObject, UploadPartCopy), and no byte of content passes
// through assetwiz.
type serverSide struct {
	// limit is the largest object copied with one CopyObject.
	limit int64
	// conditional: the destination honours If-None-Match on CopyObject (AWS does; versitygw
	// 1.8 ignores it). Found out once (probed), by the first copy that needs the condition.
	mu          sync.Mutex
	probed      bool
	conditional bool
	// off: the server refused a copy as not implemented; the rest is streamed.
	off atomic.Bool
	// noChecksum: the server refused a copy asked for a checksum (copyChecksum); the rest are
	// asked for none.
	noChecksum atomic.Bool
	// cleanup is the probe's deletion, which the copies need not wait for; Copy does.
	cleanup sync.WaitGroup
}

// streamedCopyBelow: a new object smaller than this, on a server that does not make a single
// copy conditional, is streamed (GET, then a conditional PUT) rather than copied in parts.
const streamedCopyBelow = 8 << 20

// errStream sends one object down the streaming path: its MD5 is known only by reading it, or
// the server does not copy.
var errStream = errors.New("copy this object by streaming it")

// sameServer reports whether two clients reach the same server with the same keys: then a
// bucket of one can be copied into a bucket of the other by the server.
func sameServer(ctx context.Context, a, b *s3.Client) bool {
	if a == nil || b == nil {
		return false
	}
	if a == b {
		return true
	}
	oa, ob := a.Options(), b.Options()
	if aws.ToString(oa.BaseEndpoint) != aws.ToString(ob.BaseEndpoint) || oa.Region != ob.Region || oa.UsePathStyle != ob.UsePathStyle ||
		oa.Credentials == nil || ob.Credentials == nil {
		return false
	}
	ca, err := oa.Credentials.Retrieve(ctx)
	if err != nil {
		return false
	}
	cb, err := ob.Credentials.Retrieve(ctx)
	if err != nil {
		return false
	}
	return ca.AccessKeyID == cb.AccessKeyID && ca.SecretAccessKey == cb.SecretAccessKey && ca.SessionToken == cb.SessionToken
}

// copySource is the x-amz-copy-source of an object (version): bucket/key, URL-escaped.
func copySource(bucket string, o Object) string {
	src := url.PathEscape(bucket) + "/" + strings.ReplaceAll(url.PathEscape(o.Key), "%2F", "/")
	if o.VersionID != "" && o.VersionID != "null" {
		src += "?versionId=" + url.QueryEscape(o.VersionID)
	}
	return src
}

// serverCopy has the server copy one object (version), keeping every promise of copyObject:
// the source must still be the one listed (x-amz-copy-source-if-match), a write of a key
// believed free asks the server to refuse it when the key is taken (errExists), the copy keeps
// the content type and metadata and records the object's MD5 (md5chksum) and, with versions,
// where it came from (assetwiz-source). A single CopyObject is conditional only where the
// server honours If-None-Match on copies; elsewhere a new object goes through a multipart copy
// (whose completion is conditional), or, when small, is streamed (two requests either way).
func (c *copier) serverCopy(ctx context.Context, o Object, ifAbsent, withSource bool) error {
	ss := c.server
	listed := etagMD5(o.ETag)
	inParts := o.Size > ss.limit
	if ifAbsent && !inParts && !c.conditionalCopies(ctx) {
		if ss.off.Load() {
			return errStream
		}
		if o.Size < streamedCopyBelow {
			return errStream // GET + conditional PUT: as few round trips as a multipart copy's, fewer than its three
		}
		inParts = true
	}
	// COPY keeps the source's metadata as it is; only when nothing is to be added or dropped,
	// and the ETag tells the MD5 the copy keeps.
	keep := !withSource && !c.b.Restore && listed != nil && !inParts
	in := &s3.CopyObjectInput{Bucket: aws.String(c.to.bucket), Key: aws.String(o.Key), CopySource: aws.String(copySource(c.from.bucket, o)),
		CopySourceIfMatch: nonEmpty(o.ETag), MetadataDirective: types.MetadataDirectiveCopy}
	sum := listed
	if !keep {
		out, found, err := c.from.head(ctx, o.Key, o.VersionID)
		if err != nil {
			return err
		}
		if !found || aws.ToInt64(out.ContentLength) != o.Size {
			return errors.New("the object changed since it was listed; run again")
		}
		sum = etagMD5(aws.ToString(out.ETag))
		if sum == nil {
			sum = metaMD5(out.Metadata)
		}
		if sum == nil {
			return errStream // the MD5 is known only by reading the content
		}
		if listed != nil && !bytes.Equal(listed, sum) {
			return errors.New("the object changed since it was listed; run again")
		}
		meta := c.copiedMeta(out.Metadata, o, withSource)
		meta[MetaMD5] = base64.StdEncoding.EncodeToString(sum)
		if in.CopySourceIfMatch == nil {
			in.CopySourceIfMatch = out.ETag
		}
		in.MetadataDirective, in.Metadata, in.ContentType, in.CacheControl = types.MetadataDirectiveReplace, meta, out.ContentType, out.CacheControl
	}
	if inParts {
		return c.copyInParts(ctx, o, in, ifAbsent)
	}
	if ifAbsent {
		in.IfNoneMatch = aws.String("*")
	}
	if !ss.noChecksum.Load() {
		in.ChecksumAlgorithm = copyChecksum(o)
	}
	var out *s3.CopyObjectOutput
	copyOnce := func() error {
		return c.to.doBody(ctx, o.Size, func(ctx context.Context) error {
			var err error
			out, err = c.to.c.CopyObject(ctx, in, noSDKRetries)
			return err
		})
	}
	err := copyOnce()
	if in.ChecksumAlgorithm != "" && refusedChecksum(err) {
		// A server that does not take x-amz-checksum-algorithm on a copy: asked without it.
		ss.noChecksum.Store(true)
		in.ChecksumAlgorithm = ""
		err = copyOnce()
	}
	switch {
	case err == nil:
	case errorCodeOf(err) == "NotImplemented":
		ss.off.Store(true)
		return errStream
	case isPreconditionFailed(err) && ifAbsent:
		return errExists // the key was taken, or the source changed: the caller asks again
	case isPreconditionFailed(err):
		return errors.New("the object changed since it was listed; run again")
	default:
		return err
	}
	if out.CopyObjectResult != nil {
		if got := etagMD5(aws.ToString(out.CopyObjectResult.ETag)); got != nil && !bytes.Equal(got, sum) {
			return fmt.Errorf("the copy's ETag %s is not the source's MD5 %x", aws.ToString(out.CopyObjectResult.ETag), sum)
		}
	}
	c.prog.DoneBytes.Add(o.Size)
	return nil
}

// copyChecksum is the checksum a single CopyObject asks the server to compute over the copy:
// CRC32C, which servers compute in hardware, unless the listing says the source has a
// checksum of another kind than the default CRC64NVME (whoever wrote it chose it: the copy
// keeps it). versitygw computes a copy's checksum over every byte, as it reads them for the
// MD5 (the ETag assetwiz checks, computed either way): CRC64NVME costs it about 0.6 s of CPU
// per GiB copied, CRC32C next to nothing (bench/RESULTS.md, "backup at its floor").
func copyChecksum(o Object) types.ChecksumAlgorithm {
	for _, a := range o.checksums {
		if a != types.ChecksumAlgorithmCrc64nvme {
			return ""
		}
	}
	return types.ChecksumAlgorithmCrc32c
}

// refusedChecksum: the server refused a request as it would refuse a header it does not take.
func refusedChecksum(err error) bool {
	switch errorCodeOf(err) {
	case "InvalidArgument", "InvalidRequest", "NotImplemented":
		return true
	}
	return false
}

// conditionalCopies reports whether the destination honours If-None-Match on CopyObject. The
// first caller finds out, once: it writes an empty object of its own under .assetwiz/ in the
// destination and copies it twice to another such key with If-None-Match: *; a server that
// honours the condition refuses the second copy. The probe's objects (every version) are
// deleted after, beside the copies. No object of the user's is copied to find out.
func (c *copier) conditionalCopies(ctx context.Context) bool {
	ss := c.server
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.probed {
		return ss.conditional
	}
	ss.probed = true
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	src, dst := reservedPrefix+"copy-probe-"+hex.EncodeToString(rnd[:]), reservedPrefix+"copy-probe-"+hex.EncodeToString(rnd[:])+"-copy"
	type version struct{ key, id *string }
	var made []version
	defer func() {
		// One after another, newest first: versitygw loses track of a key whose versions are
		// deleted at once.
		dctx := context.WithoutCancel(ctx)
		ss.cleanup.Go(func() {
			for _, v := range slices.Backward(made) {
				_ = c.to.do(dctx, func(ctx context.Context) error {
					_, err := c.to.c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(c.to.bucket), Key: v.key, VersionId: v.id}, noSDKRetries)
					return err
				})
			}
		})
	}()
	err := c.to.do(ctx, func(ctx context.Context) error {
		out, err := c.to.c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(c.to.bucket), Key: aws.String(src), Body: bytes.NewReader(nil),
			ContentLength: aws.Int64(0)}, unsignedPayload, noSDKRetries)
		if err == nil {
			made = append(made, version{aws.String(src), out.VersionId})
		}
		return err
	})
	if err != nil {
		return false
	}
	in := &s3.CopyObjectInput{Bucket: aws.String(c.to.bucket), Key: aws.String(dst), CopySource: aws.String(copySource(c.to.bucket, Object{Key: src})),
		IfNoneMatch: aws.String("*")}
	copyOnce := func() error {
		return c.to.do(ctx, func(ctx context.Context) error {
			out, err := c.to.c.CopyObject(ctx, in, noSDKRetries)
			if err == nil {
				made = append(made, version{aws.String(dst), out.VersionId})
			}
			return err
		})
	}
	if err := copyOnce(); err != nil {
		if errorCodeOf(err) == "NotImplemented" {
			ss.off.Store(true)
		}
		return false
	}
	ss.conditional = isPreconditionFailed(copyOnce())
	return ss.conditional
}

// copyInParts copies one object with a multipart upload whose parts the server copies
// (UploadPartCopy), completed with If-None-Match when the key was free; an upload that fails
// is aborted. in carries the destination's metadata (REPLACE) and the source's condition.
func (c *copier) copyInParts(ctx context.Context, o Object, in *s3.CopyObjectInput, ifAbsent bool) error {
	partSize := o.Size // one part when it fits (up to 5 GiB): fewest requests, and no parts to join
	if o.Size > c.server.limit {
		partSize = max(c.put.partSize, (o.Size+maxParts-1)/maxParts)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	var created *s3.CreateMultipartUploadOutput
	err := c.to.do(context.WithoutCancel(ctx), func(cctx context.Context) error {
		var err error
		created, err = c.to.c.CreateMultipartUpload(cctx, &s3.CreateMultipartUploadInput{Bucket: in.Bucket, Key: in.Key,
			ContentType: in.ContentType, CacheControl: in.CacheControl, Metadata: in.Metadata}, noSDKRetries)
		return err
	})
	if err != nil {
		return err
	}
	abort := func(cause error) error {
		if aerr := c.put.abortUpload(ctx, o.Key, created.UploadId); aerr != nil {
			return fmt.Errorf("%w (and the unfinished upload %s could not be aborted: %v)", cause, aws.ToString(created.UploadId), describe(aerr))
		}
		return cause
	}
	nparts := max(1, int32((o.Size+partSize-1)/partSize))
	parts := make([]types.CompletedPart, nparts)
	pctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int32)
	var wg sync.WaitGroup
	for range max(1, min(c.put.partWorkers, int(nparts))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range next {
				off := int64(n) * partSize
				size := min(partSize, o.Size-off)
				pin := &s3.UploadPartCopyInput{Bucket: in.Bucket, Key: in.Key, UploadId: created.UploadId, PartNumber: aws.Int32(n + 1),
					CopySource: in.CopySource, CopySourceIfMatch: in.CopySourceIfMatch}
				if nparts > 1 {
					pin.CopySourceRange = aws.String(fmt.Sprintf("bytes=%d-%d", off, off+size-1))
				}
				err := c.to.doBody(pctx, size, func(ctx context.Context) error {
					out, err := c.to.c.UploadPartCopy(ctx, pin, noSDKRetries)
					if err == nil {
						parts[n] = types.CompletedPart{ETag: out.CopyPartResult.ETag, PartNumber: aws.Int32(n + 1)}
					}
					return err
				})
				if err != nil {
					if isPreconditionFailed(err) {
						err = errors.New("the object changed since it was listed; run again")
					}
					cancel(err)
					return
				}
				c.prog.DoneBytes.Add(size)
				if c.put.onPart != nil {
					c.put.onPart(o.Key, n+1)
				}
			}
		}()
	}
feed:
	for n := range nparts {
		select {
		case next <- n:
		case <-pctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(pctx); err != nil {
		return abort(err)
	}
	var ifNoneMatch *string
	if ifAbsent {
		ifNoneMatch = aws.String("*")
	}
	err = c.to.do(ctx, func(ctx context.Context) error {
		_, err := c.to.c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: in.Bucket, Key: in.Key, UploadId: created.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}, IfNoneMatch: ifNoneMatch}, noSDKRetries)
		return err
	})
	if err != nil {
		if ifAbsent && isPreconditionFailed(err) {
			return abort(errExists)
		}
		return abort(err)
	}
	return nil
}

package transfer

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"
	"path"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Sizes of multipart uploads. Below the threshold a file goes in one PUT, like rclone (whose
// cutoff is 200 MiB): with many files in flight, parts add requests, not speed, and some servers
// (versitygw among them) copy the parts once more to complete the upload. Above it, 16 MiB parts,
// bigger for files that would need more than S3's 10,000 parts.
const (
	DefaultMultipartThreshold = 100 << 20
	DefaultPartSize           = 16 << 20
	maxParts                  = 10000
)

// abortTimeout bounds the abort of a multipart upload after Ctrl-C.
const abortTimeout = 30 * time.Second

// body is what is uploaded: a file, or an object read into memory or a temporary file.
type body struct {
	r    io.ReaderAt
	size int64
	md5  []byte // of the whole content
	// contentType and meta are kept from the source; contentType "" is guessed from the key.
	contentType  string
	cacheControl string
	meta         map[string]string
}

// putter uploads to one bucket: a single PUT up to the threshold, multipart beyond it.
type putter struct {
	store     *store
	threshold int64
	partSize  int64
	// partWorkers uploads the parts of one large file in parallel.
	partWorkers int
	// onBytes reports bytes sent (for progress); may be nil.
	onBytes func(n int64)
	// onPart is called after each part is stored, for tests that interrupt a multipart upload.
	onPart func(key string, part int32)
}

// unsignedPayload skips the SHA-256 of the body the SigV4 signer would compute (one more pass
// over every byte): Content-MD5 already makes the server check the content end to end.
var unsignedPayload = s3.WithAPIOptions(v4.SwapComputePayloadSHA256ForUnsignedPayloadMiddleware)

// errExists is a write of a key believed new that the server refused because an object is
// there now (If-None-Match: *): the caller decides again, key by key.
var errExists = errors.New("an object with this key is in the bucket now")

// errChanged is a file whose bytes, as sent, are not those it had when it was hashed: it
// changed while it was being copied.
var errChanged = errors.New("changed while it was being copied; run sync again")

// put uploads b as bucket/key; ifAbsent asks the server to refuse the write when the key
// exists (If-None-Match: *; errExists then). The server checks every byte against Content-MD5
// (of the object, or of each part); the whole-object MD5 also goes into the md5chksum metadata
// so a multipart object can be compared later, and the bytes are hashed as they are sent, so
// what is recorded is what was stored (errChanged otherwise). A multipart upload that fails or
// is interrupted is aborted, so no part of it is left behind.
func (p *putter) put(ctx context.Context, key string, b body, ifAbsent bool) error {
	meta := map[string]string{}
	for k, v := range b.meta {
		meta[k] = v
	}
	meta[MetaMD5] = base64.StdEncoding.EncodeToString(b.md5)
	ct := b.contentType
	if ct == "" {
		ct = contentType(key)
	}
	var ifNoneMatch *string
	if ifAbsent {
		ifNoneMatch = aws.String("*")
	}
	if b.size >= p.threshold {
		return p.multipart(ctx, key, b, ct, meta, ifNoneMatch)
	}
	err := p.store.doBody(ctx, b.size, func(ctx context.Context) error {
		h := md5.New()
		_, err := p.store.c.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(p.store.bucket), Key: aws.String(key),
			Body: &countingReader{r: io.NewSectionReader(b.r, 0, b.size), on: p.onBytes, h: h}, ContentLength: aws.Int64(b.size),
			ContentMD5: aws.String(base64.StdEncoding.EncodeToString(b.md5)), ContentType: aws.String(ct),
			CacheControl: nonEmpty(b.cacheControl), Metadata: meta, IfNoneMatch: ifNoneMatch,
		}, unsignedPayload, noSDKRetries)
		if err == nil && !bytes.Equal(h.Sum(nil), b.md5) {
			// The server took bytes that are not those hashed (a provider that does not check Content-MD5).
			return errChanged
		}
		return err
	})
	if ifAbsent && isPreconditionFailed(err) {
		return errExists
	}
	return err
}

// isPreconditionFailed is the answer to a conditional write whose condition failed (412), or a
// concurrent conditional write of the same key (409 ConditionalRequestConflict).
func isPreconditionFailed(err error) bool {
	switch errorCodeOf(err) {
	case "PreconditionFailed", "ConditionalRequestConflict":
		return true
	}
	var re interface{ HTTPStatusCode() int }
	return errors.As(err, &re) && re.HTTPStatusCode() == 412
}

// abortTries bounds the aborts of one upload: S3 says an abort may have to be repeated while
// parts are still arriving (a part request cancelled by Ctrl-C may still be stored after it).
const abortTries = 5

// abortUpload aborts a multipart upload and checks that it is gone (ListParts answers
// NoSuchUpload), aborting again while it is not. The caller's context may be cancelled
// (Ctrl-C): the abort gets its own.
func (p *putter) abortUpload(ctx context.Context, key string, uploadID *string) error {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
	defer cancel()
	var lastErr error
	for try := range abortTries {
		if try > 0 {
			select {
			case <-time.After(time.Duration(try) * 100 * time.Millisecond):
			case <-actx.Done():
				return lastErr
			}
		}
		err := p.store.do(actx, func(ctx context.Context) error {
			_, err := p.store.c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(p.store.bucket), Key: aws.String(key), UploadId: uploadID}, noSDKRetries)
			return err
		})
		if err != nil && !isNoSuchUpload(err) {
			lastErr = err
			continue
		}
		_, err = p.store.c.ListParts(actx, &s3.ListPartsInput{Bucket: aws.String(p.store.bucket), Key: aws.String(key), UploadId: uploadID}, noSDKRetries)
		if isNoSuchUpload(err) || errorCodeOf(err) == "NoSuchUpload" {
			return nil
		}
		if err != nil {
			lastErr = err
		} else {
			lastErr = errors.New("the upload was still listed after it was aborted")
		}
	}
	return lastErr
}

func (p *putter) multipart(ctx context.Context, key string, b body, ct string, meta map[string]string, ifNoneMatch *string) error {
	partSize := max(p.partSize, (b.size+maxParts-1)/maxParts)
	// No upload is started once the run is cancelled; one being started when it is still gets
	// its answer (its own context), so its id is known and it can be aborted.
	if err := ctx.Err(); err != nil {
		return err
	}
	var created *s3.CreateMultipartUploadOutput
	err := p.store.do(context.WithoutCancel(ctx), func(cctx context.Context) error {
		var err error
		created, err = p.store.c.CreateMultipartUpload(cctx, &s3.CreateMultipartUploadInput{
			Bucket: aws.String(p.store.bucket), Key: aws.String(key), ContentType: aws.String(ct),
			CacheControl: nonEmpty(b.cacheControl), Metadata: meta,
		}, noSDKRetries)
		return err
	})
	if err != nil {
		return err
	}
	uploadID := created.UploadId
	abort := func(cause error) error {
		if aerr := p.abortUpload(ctx, key, uploadID); aerr != nil {
			return fmt.Errorf("%w (and the unfinished upload %s could not be aborted: %v)", cause, aws.ToString(uploadID), describe(aerr))
		}
		return cause
	}
	if err := ctx.Err(); err != nil {
		return abort(err)
	}

	nparts := int32((b.size + partSize - 1) / partSize)
	parts := make([]types.CompletedPart, nparts)
	partMD5s := make([][]byte, nparts)
	// whole hashes the parts' bytes in order as they are read for their Content-MD5 (each part
	// waits for the one before it), so the object's MD5 is that of the bytes the server stored.
	whole := md5.New()
	turn := make([]chan struct{}, nparts+1)
	for i := range turn {
		turn[i] = make(chan struct{})
	}
	close(turn[0])
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int32)
	var wg sync.WaitGroup
	for range max(1, min(p.partWorkers, int(nparts))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range next {
				off := int64(n) * partSize
				size := min(partSize, b.size-off)
				select {
				case <-turn[n]:
				case <-ctx.Done():
					return
				}
				ph := md5.New()
				_, err := io.Copy(io.MultiWriter(ph, whole), io.NewSectionReader(b.r, off, size))
				close(turn[n+1])
				if err != nil {
					cancel(err)
					return
				}
				sum := ph.Sum(nil)
				err = p.store.doBody(ctx, size, func(ctx context.Context) error {
					out, err := p.store.c.UploadPart(ctx, &s3.UploadPartInput{
						Bucket: aws.String(p.store.bucket), Key: aws.String(key), UploadId: uploadID,
						PartNumber: aws.Int32(n + 1), ContentLength: aws.Int64(size),
						Body:       &countingReader{r: io.NewSectionReader(b.r, off, size), on: p.onBytes},
						ContentMD5: aws.String(base64.StdEncoding.EncodeToString(sum)),
					}, unsignedPayload, noSDKRetries)
					if err == nil {
						parts[n] = types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(n + 1)}
					}
					return err
				})
				if err != nil {
					if isBadDigest(err) {
						err = errChanged
					}
					cancel(err)
					return
				}
				partMD5s[n] = sum
				if p.onPart != nil {
					p.onPart(key, n+1)
				}
			}
		}()
	}
feed:
	for n := range nparts {
		select {
		case next <- n:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return abort(err)
	}
	if !bytes.Equal(whole.Sum(nil), b.md5) {
		// The file changed after it was hashed: completing would store content whose MD5 is not
		// the one recorded in its metadata.
		return abort(errChanged)
	}
	var done *s3.CompleteMultipartUploadOutput
	err = p.store.do(ctx, func(ctx context.Context) error {
		var err error
		done, err = p.store.c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
			Bucket: aws.String(p.store.bucket), Key: aws.String(key), UploadId: uploadID,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}, IfNoneMatch: ifNoneMatch,
		}, noSDKRetries)
		return err
	})
	if err != nil {
		if ifNoneMatch != nil && isPreconditionFailed(err) {
			return abort(errExists)
		}
		return abort(err)
	}
	// Where the server follows AWS's multipart ETag (MD5 of the parts' MD5s, "-N"), check it too.
	if want := multipartETag(partMD5s); isMultipartETag(aws.ToString(done.ETag)) && aws.ToString(done.ETag) != want {
		return fmt.Errorf("the stored object's ETag %s is not the %s its parts give", aws.ToString(done.ETag), want)
	}
	return nil
}

func multipartETag(partMD5s [][]byte) string {
	h := md5.New()
	for _, s := range partMD5s {
		h.Write(s)
	}
	return fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(h.Sum(nil)), len(partMD5s))
}

func isMultipartETag(etag string) bool {
	return len(etag) > 36 && etag[0] == '"' && etag[33] == '-'
}

// contentType is the MIME type for a key's extension, as web servers would send it.
func contentType(key string) string {
	if t := mime.TypeByExtension(path.Ext(key)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func md5Of(r io.Reader) ([]byte, error) {
	h := md5.New()
	if _, err := io.Copy(h, r); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// countingReader reports the bytes read through it; it stays seekable, so the SDK can
// rewind it to retry a request (and then reports the bytes again: progress is a rate, not a proof).
// With h set, it hashes what is read (a rewind starts the hash again).
type countingReader struct {
	r  *io.SectionReader
	on func(int64)
	h  hash.Hash
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	if c.on != nil && n > 0 {
		c.on(int64(n))
	}
	if c.h != nil && n > 0 {
		c.h.Write(b[:n])
	}
	return n, err
}

func (c *countingReader) Seek(off int64, whence int) (int64, error) {
	pos, err := c.r.Seek(off, whence)
	if c.h != nil && err == nil && pos == 0 {
		c.h.Reset()
	}
	return pos, err
}

package transfer

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
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
	client    *s3.Client
	bucket    string
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

// put uploads b as bucket/key. The server checks every byte against Content-MD5 (of the
// object, or of each part); the whole-object MD5 also goes into the md5chksum metadata so a
// multipart object can be compared later. A multipart upload that fails or is interrupted
// is aborted, so no part of it is left behind.
func (p *putter) put(ctx context.Context, key string, b body) error {
	meta := map[string]string{}
	for k, v := range b.meta {
		meta[k] = v
	}
	meta[MetaMD5] = base64.StdEncoding.EncodeToString(b.md5)
	ct := b.contentType
	if ct == "" {
		ct = contentType(key)
	}
	if b.size < p.threshold {
		_, err := p.client.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(p.bucket), Key: aws.String(key),
			Body: &countingReader{r: io.NewSectionReader(b.r, 0, b.size), on: p.onBytes}, ContentLength: aws.Int64(b.size),
			ContentMD5: aws.String(base64.StdEncoding.EncodeToString(b.md5)), ContentType: aws.String(ct),
			CacheControl: nonEmpty(b.cacheControl), Metadata: meta,
		}, unsignedPayload)
		return err
	}
	return p.multipart(ctx, key, b, ct, meta)
}

func (p *putter) multipart(ctx context.Context, key string, b body, ct string, meta map[string]string) error {
	partSize := max(p.partSize, (b.size+maxParts-1)/maxParts)
	created, err := p.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket: aws.String(p.bucket), Key: aws.String(key), ContentType: aws.String(ct),
		CacheControl: nonEmpty(b.cacheControl), Metadata: meta,
	})
	if err != nil {
		return err
	}
	uploadID := created.UploadId
	abort := func(cause error) error {
		// The caller's context may be cancelled (Ctrl-C): the abort gets its own.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
		defer cancel()
		_, aerr := p.client.AbortMultipartUpload(actx, &s3.AbortMultipartUploadInput{Bucket: aws.String(p.bucket), Key: aws.String(key), UploadId: uploadID})
		if aerr != nil && !isNoSuchUpload(aerr) {
			return fmt.Errorf("%w (and the unfinished upload %s could not be aborted: %v)", cause, aws.ToString(uploadID), aerr)
		}
		return cause
	}

	nparts := int32((b.size + partSize - 1) / partSize)
	parts := make([]types.CompletedPart, nparts)
	partMD5s := make([][]byte, nparts)
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
				sum, err := md5Of(io.NewSectionReader(b.r, off, size))
				if err != nil {
					cancel(err)
					return
				}
				out, err := p.client.UploadPart(ctx, &s3.UploadPartInput{
					Bucket: aws.String(p.bucket), Key: aws.String(key), UploadId: uploadID,
					PartNumber: aws.Int32(n + 1), ContentLength: aws.Int64(size),
					Body:       &countingReader{r: io.NewSectionReader(b.r, off, size), on: p.onBytes},
					ContentMD5: aws.String(base64.StdEncoding.EncodeToString(sum)),
				}, unsignedPayload)
				if err != nil {
					cancel(err)
					return
				}
				parts[n] = types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(n + 1)}
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
	done, err := p.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: aws.String(p.bucket), Key: aws.String(key), UploadId: uploadID,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	if err != nil {
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
type countingReader struct {
	r  *io.SectionReader
	on func(int64)
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	if c.on != nil && n > 0 {
		c.on(int64(n))
	}
	return n, err
}

func (c *countingReader) Seek(off int64, whence int) (int64, error) { return c.r.Seek(off, whence) }

package transfer

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// errNoPipe: the object cannot be piped (no MD5 to send as Content-MD5, a size for a multipart
// upload, a chunked answer); it goes through a temporary file.
var errNoPipe = errors.New("the object cannot be piped")

// pipe copies one object between two servers by streaming the GET's body into the PUT, as
// rclone does, instead of writing it to a temporary file first. The source's MD5 (its listed
// ETag, a single-part upload's) goes as Content-MD5, so the destination checks every byte and
// stores nothing when one differs; the bytes are hashed on the way as well where the
// destination was not seen to check (md5Probe). A try is a GET and a PUT: the retry policy
// repeats both.
func (c *copier) pipe(ctx context.Context, o Object, ifAbsent, withSource bool) error {
	sum := etagMD5(o.ETag)
	if sum == nil || o.Size >= c.put.threshold {
		return errNoPipe
	}
	p := c.put
	c.md5Probe.start(ctx, p.store) // beside the first GET
	var ifNoneMatch *string
	if ifAbsent {
		ifNoneMatch = aws.String("*")
	}
	err := p.store.doBody(ctx, o.Size, func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, bodyTime(o.Size))
		defer cancel()
		out, err := c.from.c.GetObject(ctx, getInput(c.from.bucket, o), noSDKRetries)
		if err != nil {
			return err
		}
		defer out.Body.Close()
		if out.ContentLength == nil || aws.ToInt64(out.ContentLength) < 0 {
			// A chunked answer could go on past the listed size: the temporary file's read bounds it.
			return errNoPipe
		}
		if err := sameSize(o, out.ContentLength); err != nil {
			return err
		}
		if got := etagMD5(aws.ToString(out.ETag)); got != nil && !bytes.Equal(got, sum) {
			return errors.New("the object changed since it was listed; run again")
		}
		meta := c.copiedMeta(out.Metadata, o, withSource)
		meta[MetaMD5] = base64.StdEncoding.EncodeToString(sum)
		ct := aws.ToString(out.ContentType)
		if ct == "" {
			ct = contentType(o.Key)
		}
		body := &pipeReader{r: out.Body, left: o.Size, on: p.onBytes}
		if !c.md5Probe.checks(ctx) {
			body.h, body.counted = md5.New(), c.opt.hashed
		}
		_, err = p.store.c.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(p.store.bucket), Key: aws.String(o.Key),
			Body: body, ContentLength: aws.Int64(o.Size),
			ContentMD5: aws.String(base64.StdEncoding.EncodeToString(sum)), ContentType: aws.String(ct),
			CacheControl: out.CacheControl, Metadata: meta, IfNoneMatch: ifNoneMatch,
		}, unsignedPayload, noSDKRetries)
		if err != nil {
			if body.err != nil {
				return body.err // the source's fault, not the destination's
			}
			if isBadDigest(err) {
				return fmt.Errorf("the content read does not match the source's MD5 (%x), so the destination stored nothing; run again", sum)
			}
			return err
		}
		if body.left != 0 || body.h != nil && !bytes.Equal(body.h.Sum(nil), sum) {
			// The destination took bytes that are not the source's (a provider that does not check Content-MD5).
			return errChanged
		}
		return nil
	})
	if ifAbsent && isPreconditionFailed(err) {
		return errExists
	}
	return err
}

// pipeReader passes the left bytes of a GET's body to a PUT, counting them and hashing them
// into h when set; a body that ends short is an error, remembered in err so the PUT's failure
// is blamed on the source.
type pipeReader struct {
	r       io.Reader
	left    int64
	on      func(int64)
	h       hash.Hash
	counted *atomic.Int64 // bytes hashed (tests)
	err     error
}

func (p *pipeReader) Read(b []byte) (int, error) {
	if p.left == 0 {
		// The answer's Content-Length is the listed size: HTTP's framing ends the body here.
		return 0, io.EOF
	}
	if int64(len(b)) > p.left {
		b = b[:p.left]
	}
	n, err := p.r.Read(b)
	p.left -= int64(n)
	if n > 0 {
		if p.h != nil {
			p.h.Write(b[:n])
			if p.counted != nil {
				p.counted.Add(int64(n))
			}
		}
		if p.on != nil {
			p.on(int64(n))
		}
	}
	if err == io.EOF && p.left > 0 {
		p.err = fmt.Errorf("the body ended %d bytes short of the listed size: %w", p.left, io.ErrUnexpectedEOF)
		return n, p.err
	}
	if err != nil && err != io.EOF {
		p.err = err
		return n, err
	}
	return n, nil
}

// md5Probe finds out once per copy whether the destination refuses a PUT whose bytes do not
// match its Content-MD5, as AWS, versitygw, MinIO and Ceph do: then it checks every piped byte
// against the source's MD5 itself, and hashing them here as well only costs CPU (1.5 s per GiB
// on the bench's machine, where rclone hashes nothing). It puts a few bytes under .assetwiz/
// with the MD5 of other bytes: refused as BadDigest, the destination checks; taken (then
// deleted) or refused otherwise, it is not trusted to, and the pipe hashes.
type md5Probe struct {
	once    sync.Once
	done    chan struct{}
	ok      bool
	cleanup sync.WaitGroup
}

// start sends the probe, once, without waiting for its answer.
func (m *md5Probe) start(ctx context.Context, to *store) {
	m.once.Do(func() {
		m.done = make(chan struct{})
		go func() {
			defer close(m.done)
			m.ok = m.probe(ctx, to)
		}()
	})
}

// wait waits for the probe, when one was sent, and its deletion; none is sent after.
func (m *md5Probe) wait() {
	m.once.Do(func() {})
	if m.done != nil {
		<-m.done
	}
	m.cleanup.Wait()
}

// checks waits for the probe's answer: true when the destination refuses a wrong Content-MD5.
func (m *md5Probe) checks(ctx context.Context) bool {
	select {
	case <-m.done:
		return m.ok
	case <-ctx.Done():
		return false
	}
}

func (m *md5Probe) probe(ctx context.Context, to *store) bool {
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	key := reservedPrefix + "md5-probe-" + hex.EncodeToString(rnd[:])
	data := []byte("assetwiz: a wrong Content-MD5 must be refused")
	other := md5.Sum([]byte("other bytes"))
	var out *s3.PutObjectOutput
	err := to.do(ctx, func(ctx context.Context) error {
		var err error
		out, err = to.c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(to.bucket), Key: aws.String(key), Body: bytes.NewReader(data),
			ContentLength: aws.Int64(int64(len(data))), ContentMD5: aws.String(base64.StdEncoding.EncodeToString(other[:]))}, unsignedPayload, noSDKRetries)
		return err
	})
	if err == nil {
		// Taken: the destination does not check. The probe's object goes, beside the copies.
		dctx := context.WithoutCancel(ctx)
		m.cleanup.Go(func() {
			_ = to.do(dctx, func(ctx context.Context) error {
				_, err := to.c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(to.bucket), Key: aws.String(key), VersionId: out.VersionId}, noSDKRetries)
				return err
			})
		})
		return false
	}
	return isBadDigest(err)
}

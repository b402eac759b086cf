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
// rclone does, instead of writing it to a temporary file first. Every byte stored is checked
// against the source's MD5 (its listed ETag, a single-part upload's), one of two ways:
//   - into a versioned bucket whose answers give the MD5 of what it stored as the ETag (AWS,
//     versitygw, Ceph, MinIO), the PUT's ETag is compared with the source's MD5, and a version
//     that differs is deleted, which puts back what was there (checkedByETag);
//   - elsewhere, the source's MD5 goes as Content-MD5, so the destination stores nothing when
//     one byte differs (and the bytes are hashed on the way as well where the destination was
//     not seen to check: md5Probe).
//
// The first costs the destination nothing more than the MD5 it computes anyway; Content-MD5 costs
// versitygw a second pass over every byte (1.5 CPU-s per GiB, on the bench's 2 CPUs it shares).
// A try is a GET and a PUT: the retry policy repeats both.
func (c *copier) pipe(ctx context.Context, o Object, ifAbsent, withSource bool) error {
	sum := etagMD5(o.ETag)
	if sum == nil || o.Size >= c.put.threshold {
		return errNoPipe
	}
	// Asked beside the first GET; where the answer is no, the Content-MD5 probe goes at once.
	c.versioned.start(func() bool {
		yes := c.to.versioningEnabled(ctx)
		if !yes {
			c.md5Probe.start(ctx, c.put.store)
		}
		return yes
	})
	err := c.pipeOnce(ctx, o, sum, ifAbsent, withSource)
	if errors.Is(err, errETagNotMD5) {
		// With Content-MD5, now; over the version that could not be deleted, if one was kept
		// (the key is no longer free, but holds only what this run wrote).
		err = c.pipeOnce(ctx, o, sum, ifAbsent && !errors.Is(err, errVersionKept), withSource)
	}
	if ifAbsent && isPreconditionFailed(err) {
		return errExists
	}
	return err
}

// errETagNotMD5: the destination's ETag for a piped PUT was not the source's MD5; the version
// was deleted (or, with errVersionKept, could not be), and the object goes again with
// Content-MD5, as every one after it.
var (
	errETagNotMD5  = errors.New("the destination's ETag is not the MD5 of the bytes sent")
	errVersionKept = errors.New("the version could not be deleted")
)

// pipeOnce is one piped copy, checked by the destination's ETag (checkedByETag) or by
// Content-MD5.
func (c *copier) pipeOnce(ctx context.Context, o Object, sum []byte, ifAbsent, withSource bool) error {
	p := c.put
	var ifNoneMatch *string
	if ifAbsent {
		ifNoneMatch = aws.String("*")
	}
	return p.store.doBody(ctx, o.Size, func(ctx context.Context) error {
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
		in := &s3.PutObjectInput{
			Bucket: aws.String(p.store.bucket), Key: aws.String(o.Key),
			Body: body, ContentLength: aws.Int64(o.Size), ContentType: aws.String(ct),
			CacheControl: out.CacheControl, Metadata: meta, IfNoneMatch: ifNoneMatch,
		}
		byETag := c.checkedByETag(ctx)
		if !byETag {
			in.ContentMD5 = aws.String(base64.StdEncoding.EncodeToString(sum))
			c.md5Probe.start(ctx, p.store) // where an ETag was not the MD5
			if !c.md5Probe.checks(ctx) {
				body.h, body.counted = md5.New(), c.opt.hashed
			}
		}
		put, err := p.store.c.PutObject(ctx, in, unsignedPayload, noSDKRetries)
		if err != nil {
			if body.err != nil {
				return body.err // the source's fault, not the destination's
			}
			if isBadDigest(err) {
				return fmt.Errorf("the content read does not match the source's MD5 (%x), so the destination stored nothing; run again", sum)
			}
			return err
		}
		if byETag && !bytes.Equal(etagMD5(aws.ToString(put.ETag)), sum) {
			return c.undoPut(ctx, o.Key, sum, put)
		}
		if body.left != 0 || body.h != nil && !bytes.Equal(body.h.Sum(nil), sum) {
			// The destination took bytes that are not the source's (a provider that does not check Content-MD5).
			return errChanged
		}
		return nil
	})
}

// checkedByETag says whether a piped PUT is checked by the ETag of the destination's answer:
// the destination bucket is versioned (a version that differs can be deleted, and what was
// there before is current again) and no answer of this copy had an ETag other than the MD5.
func (c *copier) checkedByETag(ctx context.Context) bool {
	return !c.etagNotMD5.Load() && c.versioned.answer(ctx)
}

// undoPut deletes the version a PUT checked by its ETag stored, whose ETag is not the source's
// MD5: other bytes than the source's (a flipped bit on the way), or a provider whose ETags are
// not MD5s (encryption with KMS). The object then goes again with Content-MD5 (errETagNotMD5),
// as the rest of the copy does. A version that could not be deleted (keys that may not delete
// versions) is named in the summary's warnings: the verified copy goes on top of it.
func (c *copier) undoPut(ctx context.Context, key string, sum []byte, put *s3.PutObjectOutput) error {
	c.etagNotMD5.Store(true)
	err := errors.New("no version id in the answer")
	if put.VersionId != nil {
		err = c.to.do(context.WithoutCancel(ctx), func(ctx context.Context) error {
			_, err := c.to.c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(c.to.bucket), Key: aws.String(key), VersionId: put.VersionId}, noSDKRetries)
			return err
		})
	}
	if err != nil {
		c.sum.add(func(s *Summary) {
			s.Warnings = append(s.Warnings, fmt.Sprintf("bucket %s: %s was stored with ETag %s, not the source's MD5 (%x), and that version (%s) could not be deleted (%s); it was sent again with Content-MD5, which the bucket checked, so the current version is right: delete the other by hand",
				c.to.bucket, key, aws.ToString(put.ETag), sum, aws.ToString(put.VersionId), describe(err)))
		})
		return errors.Join(errETagNotMD5, errVersionKept)
	}
	return errETagNotMD5
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

// askedOnce is a question put to the destination once per copy: sent by the first object that
// needs it, without waiting for the answer, which every object after it waits for.
type askedOnce struct {
	once sync.Once
	done chan struct{}
	yes  bool
}

// start asks, once.
func (q *askedOnce) start(ask func() bool) {
	q.once.Do(func() {
		q.done = make(chan struct{})
		go func() {
			defer close(q.done)
			q.yes = ask()
		}()
	})
}

// answer waits for the answer (false when the context ends first).
func (q *askedOnce) answer(ctx context.Context) bool {
	select {
	case <-q.done:
		return q.yes
	case <-ctx.Done():
		return false
	}
}

// wait waits for the question, when one was asked; none is asked after.
func (q *askedOnce) wait() {
	q.once.Do(func() {})
	if q.done != nil {
		<-q.done
	}
}

// md5Probe finds out once per copy whether the destination refuses a PUT whose bytes do not
// match its Content-MD5, as AWS, versitygw, MinIO and Ceph do: then it checks every piped byte
// against the source's MD5 itself, and hashing them here as well only costs CPU (1.5 s per GiB
// on the bench's machine, where rclone hashes nothing). It puts a few bytes under .assetwiz/
// with the MD5 of other bytes: refused as BadDigest, the destination checks; taken (then
// deleted) or refused otherwise, it is not trusted to, and the pipe hashes.
type md5Probe struct {
	asked   askedOnce
	cleanup sync.WaitGroup
}

// start sends the probe, once, without waiting for its answer.
func (m *md5Probe) start(ctx context.Context, to *store) {
	m.asked.start(func() bool { return m.probe(ctx, to) })
}

// wait waits for the probe, when one was sent, and its deletion; none is sent after.
func (m *md5Probe) wait() {
	m.asked.wait()
	m.cleanup.Wait()
}

// checks waits for the probe's answer: true when the destination refuses a wrong Content-MD5.
func (m *md5Probe) checks(ctx context.Context) bool { return m.asked.answer(ctx) }

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

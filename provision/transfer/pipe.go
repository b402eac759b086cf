package transfer

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// errNoPipe: the object cannot be piped (no MD5 to send as Content-MD5, a size for a multipart
// upload, a chunked answer); it goes through a temporary file.
var errNoPipe = errors.New("the object cannot be piped")

// pipe copies one object between two servers by streaming the GET's body into the PUT, as
// rclone does, instead of writing it to a temporary file first. The source's MD5 (its listed
// ETag, a single-part upload's) goes as Content-MD5, so the destination checks every byte and
// stores nothing when one differs; the bytes are hashed on the way as well, for a provider that
// does not check. A try is a GET and a PUT: the retry policy repeats both.
func (c *copier) pipe(ctx context.Context, o Object, ifAbsent, withSource bool) error {
	sum := etagMD5(o.ETag)
	if sum == nil || o.Size >= c.put.threshold {
		return errNoPipe
	}
	p := c.put
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
		body := &pipeReader{r: out.Body, left: o.Size, on: p.onBytes, h: md5.New()}
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
		if body.left != 0 || !bytes.Equal(body.h.Sum(nil), sum) {
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

// pipeReader passes the left bytes of a GET's body to a PUT, hashing and counting them; a
// body that ends short is an error, remembered in err so the PUT's failure is blamed on the source.
type pipeReader struct {
	r    io.Reader
	left int64
	on   func(int64)
	h    hash.Hash
	err  error
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
		p.h.Write(b[:n])
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

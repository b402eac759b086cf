package transfer

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Object is one object (or one version of it) of a bucket listing.
type Object struct {
	Key          string
	Size         int64
	ETag         string
	VersionID    string
	LastModified time.Time
}

// MetaMD5 is the user metadata field that holds the MD5 of the whole object, base64: rclone's
// name for it, so objects copied by either tool compare equal in both. It matters for
// multipart objects, whose ETag is not the MD5 of their content.
const MetaMD5 = "md5chksum"

// reservedPrefix holds assetwiz's own objects in a backup bucket (the last-backup marker):
// never copied either way.
const reservedPrefix = ".assetwiz/"

// listObjects streams a bucket's objects in key order, one page of 1,000 at a time; the next
// page is asked for while the caller works on this one.
func listObjects(ctx context.Context, c *s3.Client, bucket string, yield func(Object) bool) error {
	pages := make(chan []Object, 1)
	errc := make(chan error, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(pages)
		p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				errc <- err
				return
			}
			page := make([]Object, 0, len(out.Contents))
			for _, o := range out.Contents {
				page = append(page, Object{Key: aws.ToString(o.Key), Size: aws.ToInt64(o.Size), ETag: aws.ToString(o.ETag), LastModified: aws.ToTime(o.LastModified)})
			}
			select {
			case pages <- page:
			case <-ctx.Done():
				return
			}
		}
	}()
	for page := range pages {
		for _, o := range page {
			if !yield(o) {
				return nil
			}
		}
	}
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}

// listVersions streams a bucket's object versions grouped by key (each key's versions newest
// first, as S3 lists them), delete markers left out.
func listVersions(ctx context.Context, c *s3.Client, bucket string, yield func(key string, versions []Object) bool) error {
	p := s3.NewListObjectVersionsPaginator(c, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket)})
	var key string
	var group []Object
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, v := range out.Versions {
			k := aws.ToString(v.Key)
			if k != key && group != nil {
				if !yield(key, group) {
					return nil
				}
				group = nil
			}
			key = k
			group = append(group, Object{Key: k, Size: aws.ToInt64(v.Size), ETag: aws.ToString(v.ETag), VersionID: aws.ToString(v.VersionId), LastModified: aws.ToTime(v.LastModified)})
		}
	}
	if group != nil {
		yield(key, group)
	}
	return nil
}

// etagMD5 is the MD5 an ETag stands for: a single-part upload's ETag is the hex MD5 of the
// content on AWS (without SSE-KMS), Ceph (DigitalOcean, Linode, Vultr), MinIO and versitygw.
// A multipart ETag ("...-N") is not, and gives nil.
func etagMD5(etag string) []byte {
	b, err := hex.DecodeString(strings.Trim(etag, `"`))
	if err != nil || len(b) != 16 {
		return nil
	}
	return b
}

// remoteMD5 is the MD5 of an object's content: from its ETag, else from the md5chksum metadata
// (one HEAD request); nil when the object says neither.
func remoteMD5(ctx context.Context, c *s3.Client, bucket string, o Object) ([]byte, error) {
	if sum := etagMD5(o.ETag); sum != nil {
		return sum, nil
	}
	in := &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(o.Key)}
	if o.VersionID != "" {
		in.VersionId = aws.String(o.VersionID)
	}
	out, err := c.HeadObject(ctx, in)
	if err != nil {
		return nil, err
	}
	return metaMD5(out.Metadata), nil
}

func metaMD5(meta map[string]string) []byte {
	for k, v := range meta {
		if strings.EqualFold(k, MetaMD5) {
			if b, err := base64.StdEncoding.DecodeString(v); err == nil && len(b) == 16 {
				return b
			}
		}
	}
	return nil
}

// isNoSuchUpload reports whether an abort found no upload (already gone: fine).
func isNoSuchUpload(err error) bool {
	var nu *types.NoSuchUpload
	return errors.As(err, &nu)
}

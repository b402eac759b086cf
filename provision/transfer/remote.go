package transfer

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
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
	// Latest and DeleteMarker come from a version listing: the newest entry of its key, and
	// an entry that records a deletion (no content).
	Latest       bool
	DeleteMarker bool
	// meta is the md5chksum a HEAD found, when the ETag is not an MD5.
	meta []byte
	// checksums are the algorithms of the checksums the listing says the object has.
	checksums []types.ChecksumAlgorithm
}

// MetaMD5 is the user metadata field that holds the MD5 of the whole object, base64: rclone's
// name for it, so objects copied by either tool compare equal in both. It matters for
// multipart objects, whose ETag is not the MD5 of their content.
const MetaMD5 = "md5chksum"

// reservedPrefix holds assetwiz's own objects in a backup bucket (the last-backup marker):
// never copied either way.
const reservedPrefix = ".assetwiz/"

// orderCheck follows the keys of a listing: S3 lists keys in strictly increasing byte order,
// each page continuing the one before, and the merge of a listing with the other side relies
// on it. A provider (or a proxy) that breaks it is noticed at the first key out of place.
type orderCheck struct {
	last    string
	started bool
	broken  atomic.Pointer[string]
	// complete is set once the whole listing was read: only then is a key it lacks known
	// to be absent (a listing out of order, or cut short, could still name it).
	complete atomic.Bool
}

// trusted reports whether the whole listing was read, in order.
func (c *orderCheck) trusted() bool {
	return c != nil && c.complete.Load() && c.broken.Load() == nil
}

// see checks the next key of the listing.
func (c *orderCheck) see(key string) {
	if c == nil {
		return
	}
	if c.started && key <= c.last {
		what := "repeated"
		if key < c.last {
			what = "listed after " + strconv.Quote(c.last)
		}
		msg := fmt.Sprintf("the listing is out of order (%s %s)", strconv.Quote(key), what)
		c.broken.CompareAndSwap(nil, &msg)
		return
	}
	c.last, c.started = key, true
}

// disorder says how the listing broke its order, "" while it has not.
func (c *orderCheck) disorder() string {
	if c == nil {
		return ""
	}
	if m := c.broken.Load(); m != nil {
		return *m
	}
	return ""
}

// listObjects streams a bucket's objects in key order, one page of 1,000 at a time; the next
// page is asked for while the caller works on this one. Each key is shown to check (may be
// nil) before it is yielded, so the caller knows when the order can no longer be trusted.
func listObjects(ctx context.Context, s *store, check *orderCheck, yield func(Object) bool) error {
	pages := make(chan []Object, 1)
	errc := make(chan error, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(pages)
		var token *string
		for {
			var out *s3.ListObjectsV2Output
			err := s.do(ctx, func(ctx context.Context) error {
				var err error
				out, err = s.c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket), ContinuationToken: token}, noSDKRetries)
				return err
			})
			if err != nil {
				errc <- err
				return
			}
			page := make([]Object, 0, len(out.Contents))
			for _, o := range out.Contents {
				page = append(page, Object{Key: aws.ToString(o.Key), Size: aws.ToInt64(o.Size), ETag: aws.ToString(o.ETag), LastModified: aws.ToTime(o.LastModified),
					checksums: o.ChecksumAlgorithm})
			}
			select {
			case pages <- page:
			case <-ctx.Done():
				return
			}
			next := aws.ToString(out.NextContinuationToken)
			if !aws.ToBool(out.IsTruncated) || next == "" {
				return
			}
			if token != nil && *token == next {
				errc <- errors.New("the listing gave the same continuation token twice")
				return
			}
			token = aws.String(next)
		}
	}()
	for page := range pages {
		for _, o := range page {
			check.see(o.Key)
			if !yield(o) {
				return nil
			}
		}
	}
	select {
	case err := <-errc:
		return err
	default:
		if check != nil && ctx.Err() == nil {
			check.complete.Store(true)
		}
		return nil
	}
}

// errVersionsDisorder is a version listing out of key order: the versions of a key can no
// longer be told apart from another's, so the copy stops.
type errVersionsDisorder struct{ msg string }

func (e *errVersionsDisorder) Error() string {
	return e.msg + "; stopped there, as the versions of one key can no longer be gathered"
}

// listVersions streams a bucket's object versions grouped by key (each key's versions newest
// first, as S3 lists them), delete markers included (DeleteMarker set): a key whose newest
// entry is a delete marker has been deleted. Keys must come in increasing order.
func listVersions(ctx context.Context, s *store, check *orderCheck, yield func(key string, versions []Object) bool) error {
	err := listVersionsFrom(ctx, s, "", yield)
	if err == nil && check != nil && ctx.Err() == nil {
		check.complete.Store(true)
	}
	return err
}

// versionsOf lists the versions of one key (newest first, delete markers included): the
// per-key answer when a version listing cannot be trusted to have named every key.
func versionsOf(ctx context.Context, s *store, key string) ([]Object, error) {
	var found []Object
	err := listVersionsFrom(ctx, s, key, func(k string, v []Object) bool {
		if k == key {
			found = v
		}
		return k <= key
	})
	return found, err
}

// listVersionsFrom is listVersions of the keys starting with prefix.
func listVersionsFrom(ctx context.Context, s *store, prefix string, yield func(key string, versions []Object) bool) error {
	var key string
	var group []Object
	var keyMarker, versionMarker *string
	flush := func() bool {
		if group == nil {
			return true
		}
		slices.SortStableFunc(group, func(a, b Object) int {
			switch {
			case a.Latest != b.Latest:
				if a.Latest {
					return -1
				}
				return 1
			default:
				return b.LastModified.Compare(a.LastModified)
			}
		})
		ok := yield(key, group)
		group = nil
		return ok
	}
	for {
		var out *s3.ListObjectVersionsOutput
		err := s.do(ctx, func(ctx context.Context) error {
			var err error
			out, err = s.c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(s.bucket), Prefix: nonEmpty(prefix), KeyMarker: keyMarker, VersionIdMarker: versionMarker}, noSDKRetries)
			return err
		})
		if err != nil {
			return err
		}
		page := make([]Object, 0, len(out.Versions)+len(out.DeleteMarkers))
		for _, v := range out.Versions {
			page = append(page, Object{Key: aws.ToString(v.Key), Size: aws.ToInt64(v.Size), ETag: aws.ToString(v.ETag), VersionID: aws.ToString(v.VersionId),
				LastModified: aws.ToTime(v.LastModified), Latest: aws.ToBool(v.IsLatest), checksums: v.ChecksumAlgorithm})
		}
		for _, m := range out.DeleteMarkers {
			page = append(page, Object{Key: aws.ToString(m.Key), VersionID: aws.ToString(m.VersionId), LastModified: aws.ToTime(m.LastModified),
				Latest: aws.ToBool(m.IsLatest), DeleteMarker: true})
		}
		slices.SortStableFunc(page, func(a, b Object) int { return strings.Compare(a.Key, b.Key) })
		for _, v := range page {
			switch {
			case group != nil && v.Key == key:
			case group != nil && v.Key < key:
				return &errVersionsDisorder{fmt.Sprintf("the version listing is out of order (%s after %s)", strconv.Quote(v.Key), strconv.Quote(key))}
			default:
				if !flush() {
					return nil
				}
				key = v.Key
			}
			group = append(group, v)
		}
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		if aws.ToString(out.NextKeyMarker) == aws.ToString(keyMarker) && aws.ToString(out.NextVersionIdMarker) == aws.ToString(versionMarker) {
			return errors.New("the version listing gave the same markers twice")
		}
		keyMarker, versionMarker = out.NextKeyMarker, out.NextVersionIdMarker
	}
	flush()
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
func remoteMD5(ctx context.Context, s *store, o Object) ([]byte, error) {
	if sum := etagMD5(o.ETag); sum != nil {
		return sum, nil
	}
	out, found, err := s.head(ctx, o.Key, o.VersionID)
	if err != nil || !found {
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

package transfer

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Buckets is a copy between two buckets, each reached with its own client (they may be at
// different providers): an asset bucket and its backup, one way or the other.
type Buckets struct {
	// Name is what the progress view and the summary call it (the directory).
	Name       string
	From       *s3.Client
	FromBucket string
	To         *s3.Client
	ToBucket   string
}

// Copy copies the objects of one bucket into another: every current object, or with
// versions every version (oldest first, so the newest stays the current one). Equal objects
// are skipped; with versions, a version whose content the destination already holds is skipped.
// A differing object is a conflict unless opt.Overwrite; with versions, only a destination
// whose current content the source never held is one. Nothing is deleted; assetwiz's own
// objects (.assetwiz/) are not copied.
func Copy(ctx context.Context, b Buckets, opt Options, versions bool) (*Summary, error) {
	opt = opt.withDefaults()
	sum := &Summary{Directory: b.Name, From: b.FromBucket, To: b.ToBucket, Conflicts: []Issue{}, Unreadable: []Issue{}, Failed: []Issue{}, Symlinks: []string{}}
	prog := opt.Progress.Dir(b.Name)
	prog.Started.Store(true)
	defer prog.Finished.Store(true)
	c := &copier{b: b, opt: opt, sum: sum, prog: prog, put: &putter{client: b.To, bucket: b.ToBucket, threshold: opt.MultipartThreshold,
		partSize: opt.PartSize, partWorkers: opt.PartWorkers, onPart: opt.OnPart, onBytes: func(n int64) { prog.DoneBytes.Add(n) }}}

	type item struct{ src, dst []Object }
	work := make(chan item)
	var wg sync.WaitGroup
	for range opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range work {
				if versions {
					c.versions(ctx, it.src, it.dst)
				} else {
					var dst *Object
					if len(it.dst) > 0 {
						dst = &it.dst[0]
					}
					c.current(ctx, it.src[0], dst)
				}
				prog.DoneFiles.Add(1)
			}
		}()
	}
	// As in Sync: a destination listing that fails part way stops the merge.
	mergeCtx, stopMerge := context.WithCancel(ctx)
	defer stopMerge()
	var toErr error
	send := func(src, dst []Object) {
		if dst == nil && toErr != nil {
			stopMerge()
			return
		}
		if strings.HasPrefix(src[0].Key, reservedPrefix) {
			return
		}
		sum.add(func(s *Summary) { s.Files++; s.Bytes += src[0].Size })
		select {
		case work <- item{src, dst}:
		case <-ctx.Done():
		}
	}
	var fromErr error
	if versions {
		from := func(yield func([]Object) bool) {
			fromErr = listVersions(ctx, b.From, b.FromBucket, func(_ string, v []Object) bool { return yield(v) })
		}
		to := func(yield func([]Object) bool) {
			toErr = listVersions(ctx, b.To, b.ToBucket, func(_ string, v []Object) bool { return yield(v) })
		}
		mergeKeys(mergeCtx, from, to, func(v []Object) string { return v[0].Key }, func(src []Object, dst *[]Object) {
			var d []Object
			if dst != nil {
				d = *dst
			}
			send(src, d)
		})
	} else {
		from := func(yield func(Object) bool) { fromErr = listObjects(ctx, b.From, b.FromBucket, yield) }
		to := func(yield func(Object) bool) { toErr = listObjects(ctx, b.To, b.ToBucket, yield) }
		mergeKeys(mergeCtx, from, to, func(o Object) string { return o.Key }, func(src Object, dst *Object) {
			var d []Object
			if dst != nil {
				d = []Object{*dst}
			}
			send([]Object{src}, d)
		})
	}
	close(work)
	wg.Wait()
	sum.sortLists()
	switch {
	case ctx.Err() != nil:
		return sum, ctx.Err()
	case fromErr != nil:
		sum.Error = "bucket " + b.FromBucket + ": " + describe(fromErr)
	case toErr != nil:
		sum.Error = "bucket " + b.ToBucket + ": " + describe(toErr)
	}
	return sum, nil
}

// mergeKeys is merge2 for two sorted streams of the same kind.
func mergeKeys[T any](ctx context.Context, src, dst iter.Seq[T], key func(T) string, each func(T, *T)) {
	merge2(ctx, src, dst, key, key, each)
}

type copier struct {
	b    Buckets
	opt  Options
	sum  *Summary
	prog *DirProgress
	put  *putter
}

// current copies one current object, unless the destination holds it already.
func (c *copier) current(ctx context.Context, src Object, dst *Object) {
	if ctx.Err() != nil {
		return
	}
	overwrite := false
	if dst != nil {
		if src.Size == dst.Size {
			same, err := c.sameContent(ctx, src, *dst)
			if err != nil {
				failed(ctx, c.sum, src.Key, err)
				return
			}
			if same {
				c.sum.add(func(s *Summary) { s.Same++ })
				c.prog.DoneBytes.Add(src.Size)
				return
			}
		}
		if !c.opt.Overwrite {
			c.sum.add(func(s *Summary) {
				s.Conflicts = append(s.Conflicts, Issue{src.Key, fmt.Sprintf("differs from the object in %s (%d bytes there, %d in %s)", c.b.ToBucket, dst.Size, src.Size, c.b.FromBucket)})
			})
			return
		}
		overwrite = true
	}
	if c.opt.DryRun {
		c.copied(src.Size, overwrite)
		return
	}
	if err := c.transfer(ctx, src); err != nil {
		failed(ctx, c.sum, src.Key, err)
		return
	}
	c.copied(src.Size, overwrite)
}

func (c *copier) copied(size int64, overwrite bool) {
	c.sum.add(func(s *Summary) {
		s.Copied++
		s.CopiedBytes += size
		if overwrite {
			s.Overwritten++
		}
	})
}

// versions copies the versions of one key that the destination lacks, oldest first.
func (c *copier) versions(ctx context.Context, src, dst []Object) {
	have := map[string]bool{}
	var dstLatest string
	for i, d := range dst {
		sum, err := remoteMD5(ctx, c.b.To, c.b.ToBucket, d)
		if err != nil {
			failed(ctx, c.sum, d.Key, err)
			return
		}
		id := contentID(d.Size, sum)
		have[id] = true
		if i == 0 {
			dstLatest = id
		}
	}
	ids := make([]string, len(src))
	srcHas := map[string]bool{}
	for i, s := range src {
		sum, err := remoteMD5(ctx, c.b.From, c.b.FromBucket, s)
		if err != nil {
			failed(ctx, c.sum, s.Key, err)
			return
		}
		ids[i] = contentID(s.Size, sum)
		srcHas[ids[i]] = true
	}
	if dstLatest != "" && !srcHas[dstLatest] && !c.opt.Overwrite {
		c.sum.add(func(s *Summary) {
			s.Conflicts = append(s.Conflicts, Issue{src[0].Key, "the current object in " + c.b.ToBucket + " is not among the versions in " + c.b.FromBucket})
		})
		return
	}
	copied := false
	for i := len(src) - 1; i >= 0; i-- { // oldest first
		last := i == 0
		if have[ids[i]] && !(last && copied) && !(last && dstLatest != ids[0]) {
			continue
		}
		if ctx.Err() != nil {
			return
		}
		if !c.opt.DryRun {
			if err := c.transfer(ctx, src[i]); err != nil {
				failed(ctx, c.sum, src[i].Key, err)
				return
			}
		}
		have[ids[i]], copied = true, true
		c.copied(src[i].Size, false)
	}
	if !copied {
		c.sum.add(func(s *Summary) { s.Same++ })
	}
}

// contentID names an object's content by size and MD5 ("" MD5 when unknown: never equal).
func contentID(size int64, sum []byte) string {
	if sum == nil {
		return fmt.Sprintf("%d:unknown:%p", size, &sum)
	}
	return fmt.Sprintf("%d:%x", size, sum)
}

// sameContent compares two objects of equal size by MD5; when either has none it reads the
// source's content to find it.
func (c *copier) sameContent(ctx context.Context, src, dst Object) (bool, error) {
	d, err := remoteMD5(ctx, c.b.To, c.b.ToBucket, dst)
	if err != nil || d == nil {
		return false, err
	}
	s, err := remoteMD5(ctx, c.b.From, c.b.FromBucket, src)
	if err != nil {
		return false, err
	}
	if s == nil {
		if s, err = c.hashObject(ctx, src); err != nil {
			return false, err
		}
	}
	return bytes.Equal(s, d), nil
}

func (c *copier) hashObject(ctx context.Context, o Object) ([]byte, error) {
	out, err := c.b.From.GetObject(ctx, getInput(c.b.FromBucket, o))
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return md5Of(out.Body)
}

func getInput(bucket string, o Object) *s3.GetObjectInput {
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(o.Key)}
	if o.VersionID != "" && o.VersionID != "null" {
		in.VersionId = aws.String(o.VersionID)
	}
	return in
}

// inMemory is the size up to which an object being copied is held in memory (bounding the
// memory of a copy to workers × 8 MiB); bigger ones go through a temporary file.
const inMemory = 8 << 20

// transfer reads one object (version) and writes it to the destination, keeping its content
// type and metadata. Small objects pass through memory, large ones through a temporary file;
// either way the MD5 of what was read is checked against the source's before it is written.
func (c *copier) transfer(ctx context.Context, o Object) error {
	out, err := c.b.From.GetObject(ctx, getInput(c.b.FromBucket, o))
	if err != nil {
		return err
	}
	defer out.Body.Close()
	size := aws.ToInt64(out.ContentLength)
	h := md5.New()
	var r io.ReaderAt
	if size < inMemory {
		buf := bytes.NewBuffer(make([]byte, 0, size))
		if _, err := io.Copy(io.MultiWriter(buf, h), out.Body); err != nil {
			return err
		}
		r = bytes.NewReader(buf.Bytes())
	} else {
		tmp, err := os.CreateTemp("", "assetwiz-copy-")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		if _, err := io.Copy(io.MultiWriter(tmp, h), out.Body); err != nil {
			return err
		}
		r = tmp
	}
	got := h.Sum(nil)
	want := etagMD5(aws.ToString(out.ETag))
	if want == nil {
		want = metaMD5(out.Metadata)
	}
	if want != nil && !bytes.Equal(want, got) {
		return fmt.Errorf("the content read does not match the source's MD5 (%x, read %x); run again", want, got)
	}
	meta := map[string]string{}
	for k, v := range out.Metadata {
		if !strings.EqualFold(k, MetaMD5) {
			meta[k] = v
		}
	}
	return c.put.put(ctx, o.Key, body{r: r, size: size, md5: got, contentType: aws.ToString(out.ContentType),
		cacheControl: aws.ToString(out.CacheControl), meta: meta})
}

// Marker is what the last-backup marker object of a backup bucket holds.
type Marker struct {
	Finished time.Time `json:"finished"`
	From     string    `json:"from"`
	Objects  int64     `json:"objects"`
	Bytes    int64     `json:"bytes"`
	Versions bool      `json:"versions"`
}

// MarkerKey is the last-backup marker's key in a backup bucket.
const MarkerKey = reservedPrefix + "last-backup.json"

// WriteMarker records in a backup bucket that a backup of it finished.
func WriteMarker(ctx context.Context, c *s3.Client, bucket string, m Marker) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(MarkerKey),
		Body: bytes.NewReader(data), ContentType: aws.String("application/json")})
	return err
}

// ReadMarker reads a backup bucket's last-backup marker; found is false when no backup has
// finished yet.
func ReadMarker(ctx context.Context, c *s3.Client, bucket string) (m Marker, found bool, err error) {
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(MarkerKey)})
	if err != nil {
		if code := errorCodeOf(err); code == "NoSuchKey" || code == "NotFound" {
			return m, false, nil
		}
		return m, false, fmt.Errorf("bucket %s: %s", bucket, describe(err))
	}
	defer out.Body.Close()
	if err := json.NewDecoder(out.Body).Decode(&m); err != nil {
		return m, false, fmt.Errorf("bucket %s: the last-backup marker is not readable: %w", bucket, err)
	}
	return m, true, nil
}

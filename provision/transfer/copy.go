package transfer

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/provision"
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
	// Restore is a copy back into an asset bucket: an object there that differs from the
	// backup's newest copy is newer than the backup, and is a conflict (unless Overwrite).
	Restore bool
	// Ready, when set, is a check the copy waits for before it writes anything (and before it
	// ends, when there was nothing to write), while it lists both buckets: an error stops the
	// copy with nothing written, and Copy returns it. (backup's: the backup bucket is not
	// public; read beside the listings, not a round trip before them.)
	Ready func() error
}

// MetaSource is the user metadata a copied version keeps of where it came from (size, ETag,
// version id of the source): a source whose MD5 is unknown (multipart, by another tool) is
// then known to be copied already by the next run.
const MetaSource = "assetwiz-source"

// Copy copies the objects of one bucket into another: every current object, or with
// versions every version (oldest first, so the newest stays the current one). Equal objects
// are skipped; with versions, a version the destination already holds is skipped. A differing
// object is a conflict unless opt.Overwrite; with versions, a restore leaves alone every
// current object that differs from the backup's newest copy. A key whose newest entry is a
// delete marker is missing, and is copied. Nothing is deleted; assetwiz's own objects
// (.assetwiz/) are not copied.
func Copy(ctx context.Context, b Buckets, opt Options, versions bool) (*Summary, error) {
	opt = opt.withDefaults()
	sum := newSummary(b.Name, b.FromBucket, b.ToBucket)
	prog := opt.Progress.Dir(b.Name)
	prog.Started.Store(true)
	defer prog.Finished.Store(true)
	from, to := newStore(b.From, b.FromBucket, opt.Retry), newStore(b.To, b.ToBucket, opt.Retry)
	c := &copier{b: b, from: from, to: to, opt: opt, sum: sum, prog: prog, put: &putter{store: to, threshold: opt.MultipartThreshold,
		partSize: opt.PartSize, partWorkers: opt.PartWorkers, onPart: opt.OnPart, onBytes: func(n int64) { prog.DoneBytes.Add(n) }}}
	if sameServer(ctx, b.From, b.To) {
		c.server = &serverSide{limit: opt.CopyThreshold}
	}

	type item struct {
		src, dst []Object
		perKey   bool
	}
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
					c.current(ctx, it.src[0], dst, it.perKey)
				}
				prog.DoneFiles.Add(1)
			}
		}()
	}
	// As in Sync: a destination listing that fails part way stops the merge, and one out of
	// order is not trusted from there on (each key is asked for).
	mergeCtx, stopMerge := context.WithCancel(ctx)
	defer stopMerge()
	var toErr error
	fromCheck, toCheck := &orderCheck{}, &orderCheck{}
	c.listing = toCheck
	var readyOnce sync.Once
	var readyErr error
	ready := func() bool {
		if b.Ready != nil {
			readyOnce.Do(func() { readyErr = b.Ready() })
		}
		return readyErr == nil
	}
	send := func(src, dst []Object) {
		perKey := fromCheck.disorder() != "" || toCheck.disorder() != ""
		if dst == nil && toErr != nil && !perKey {
			stopMerge()
			return
		}
		if strings.HasPrefix(src[0].Key, reservedPrefix) {
			return
		}
		if !ready() {
			stopMerge()
			return
		}
		sum.add(func(s *Summary) { s.Files++; s.Bytes += src[0].Size })
		select {
		case work <- item{src, dst, perKey}:
		case <-ctx.Done():
		}
	}
	var fromErr error
	if versions {
		fromList := func(yield func([]Object) bool) {
			fromErr = listVersions(ctx, from, nil, func(_ string, v []Object) bool { return yield(v) })
		}
		toList := func(yield func([]Object) bool) {
			toErr = listVersions(ctx, to, toCheck, func(_ string, v []Object) bool { return yield(v) })
		}
		mergeKeys(mergeCtx, fromList, toList, func(v []Object) string { return v[0].Key }, func(src []Object, dst *[]Object) {
			if dst == nil && toErr != nil {
				stopMerge() // versions cannot be decided key by key: stop
				return
			}
			var d []Object
			if dst != nil {
				d = *dst
			}
			send(src, d)
		})
	} else {
		fromList := func(yield func(Object) bool) { fromErr = listObjects(ctx, from, fromCheck, yield) }
		toList := func(yield func(Object) bool) { toErr = listObjects(ctx, to, toCheck, yield) }
		mergeKeys(mergeCtx, fromList, toList, func(o Object) string { return o.Key }, func(src Object, dst *Object) {
			var d []Object
			if dst != nil {
				d = []Object{*dst}
			}
			send([]Object{src}, d)
		})
	}
	close(work)
	wg.Wait()
	if c.server != nil {
		c.server.cleanup.Wait()
	}
	c.versioned.wait() // before the probe it may start
	c.md5Probe.wait()
	if !ready() {
		return sum, readyErr
	}
	for _, w := range []struct {
		bucket string
		check  *orderCheck
	}{{b.FromBucket, fromCheck}, {b.ToBucket, toCheck}} {
		if d := w.check.disorder(); d != "" {
			sum.Warnings = append(sum.Warnings, fmt.Sprintf("bucket %s: %s; from there on each object was checked on its own (HEAD), and new ones written only where the key was still free", w.bucket, d))
		}
	}
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
	b        Buckets
	from, to *store
	opt      Options
	sum      *Summary
	prog     *DirProgress
	put      *putter
	// server, when both buckets are on one server under one set of keys, has it copy.
	server *serverSide
	// listing is the destination's: a key it lacks is absent once it was all read in order.
	listing *orderCheck
	// md5Probe finds out, once, whether the destination checks Content-MD5 (pipe.go).
	md5Probe md5Probe
	// versioned: the destination bucket keeps versions (asked once: pipe.go, checkedByETag);
	// etagNotMD5: one of its answers had an ETag other than the MD5 of the bytes sent.
	versioned  askedOnce
	etagNotMD5 atomic.Bool
}

// current copies one current object, unless the destination holds it already. perKey: the
// listing is not trusted, the destination is asked for the key.
func (c *copier) current(ctx context.Context, src Object, dst *Object, perKey bool) {
	if ctx.Err() != nil {
		return
	}
	if perKey || (dst == nil && !c.listing.trusted()) {
		out, found, err := c.to.head(ctx, src.Key, "")
		if err != nil {
			failed(ctx, c.sum, src.Key, err)
			return
		}
		dst = nil
		if found {
			dst = &Object{Key: src.Key, Size: aws.ToInt64(out.ContentLength), ETag: aws.ToString(out.ETag)}
		}
	}
	for try := 0; ; try++ {
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
			c.copied(src, overwrite, false)
			return
		}
		// A new object is written only if its key is still free where the site writes: a
		// restore's bucket. A backup's bucket has no writer but assetwiz's backups and keeps
		// versions, so there the condition guards nothing and costs much (where the server
		// ignores it on copies, as versitygw does, a server copy becomes a multipart copy or a
		// read and a write through assetwiz).
		err := c.transfer(ctx, src, !overwrite && c.b.Restore)
		if errors.Is(err, errExists) && try == 0 {
			out, found, herr := c.to.head(ctx, src.Key, "")
			if herr != nil {
				failed(ctx, c.sum, src.Key, herr)
				return
			}
			if found {
				dst = &Object{Key: src.Key, Size: aws.ToInt64(out.ContentLength), ETag: aws.ToString(out.ETag)}
				continue
			}
			// Refused, yet no object (a delete marker on top, on a server that counts it):
			// checked just now, so written without the condition.
			err = c.transfer(ctx, src, false)
		}
		if err != nil {
			failed(ctx, c.sum, src.Key, err)
			return
		}
		c.copied(src, overwrite, false)
		return
	}
}

// copied counts an object copied (or, on a dry run, to copy, then named: version says which
// version of its key, for --versions).
func (c *copier) copied(o Object, overwrite, version bool) {
	c.sum.add(func(s *Summary) {
		s.Copied++
		s.CopiedBytes += o.Size
		if overwrite {
			s.Overwritten++
		}
		if c.opt.DryRun {
			name := o.Key
			if version && o.VersionID != "" && o.VersionID != "null" {
				name += " (version " + o.VersionID + ")"
			}
			s.ToCopy = append(s.ToCopy, name)
		}
	})
}

// sourceID names a source version that has no known MD5 by its size, ETag and version id.
func sourceID(o Object) string {
	return fmt.Sprintf("%d %s %s", o.Size, strings.Trim(o.ETag, `"`), o.VersionID)
}

// versions copies the versions of one key that the destination lacks, oldest first, so the
// source's newest ends as the destination's current object.
func (c *copier) versions(ctx context.Context, src, dst []Object) {
	key := src[0].Key
	src = slices.DeleteFunc(slices.Clone(src), func(o Object) bool { return o.DeleteMarker })
	if len(src) == 0 {
		return // only delete markers: nothing to copy, and nothing is deleted
	}
	if len(dst) == 0 && !c.listing.trusted() {
		// The destination's listing was not read to its end yet: ask for this key's versions.
		var err error
		if dst, err = versionsOf(ctx, c.to, key); err != nil {
			failed(ctx, c.sum, key, err)
			return
		}
	}
	ids := make([]string, len(src))
	unknown := false
	for i, s := range src {
		sum, err := remoteMD5(ctx, c.from, s)
		if err != nil {
			failed(ctx, c.sum, key, err)
			return
		}
		if sum == nil {
			ids[i], unknown = sourceID(s), true
		} else {
			ids[i] = contentID(s.Size, sum)
		}
	}
	// What the destination holds: each version's content, and where it came from when the
	// source's MD5 is not known. Its current object is none when its newest entry is a delete
	// marker (a deleted object is missing, and is restored).
	have := map[string]bool{}
	current, currentFrom := "", ""
	for i, d := range dst {
		if d.DeleteMarker {
			continue
		}
		var id string
		if sum := etagMD5(d.ETag); sum != nil && !unknown {
			id = contentID(d.Size, sum)
		} else {
			out, found, err := c.to.head(ctx, d.Key, d.VersionID)
			if err != nil {
				failed(ctx, c.sum, key, err)
				return
			}
			if !found {
				continue
			}
			sum := etagMD5(d.ETag)
			if sum == nil {
				sum = metaMD5(out.Metadata)
			}
			id = contentID(d.Size, sum)
			if from := metaValue(out.Metadata, MetaSource); from != "" {
				have[from] = true
				if i == 0 {
					currentFrom = from
				}
			}
		}
		have[id] = true
		if i == 0 {
			current = id
		}
	}
	newest := ids[0]
	currentIsNewest := current != "" && (current == newest || currentFrom == newest)
	if current != "" && !currentIsNewest && !c.opt.Overwrite {
		c.sum.add(func(s *Summary) {
			s.Conflicts = append(s.Conflicts, Issue{key, "the object in " + c.b.ToBucket + " differs from the newest copy in " + c.b.FromBucket + " (it is newer, or changed since): left alone"})
		})
		return
	}
	if c.b.Restore && current != "" {
		// The asset bucket has the key: restore puts back the backup's newest copy (asked
		// for with --overwrite), never older versions on top of it.
		switch {
		case currentIsNewest:
			c.sum.add(func(s *Summary) { s.Same++ })
		case c.opt.DryRun:
			c.copied(src[0], true, true)
		default:
			if err := c.transferVersion(ctx, src[0], false); err != nil {
				failed(ctx, c.sum, key, err)
				return
			}
			c.copied(src[0], true, true)
		}
		return
	}
	copied := false
	missing := current == ""             // absent, or deleted: the first write asks for the key to be free
	for i := len(src) - 1; i >= 0; i-- { // oldest first
		last := i == 0
		if have[ids[i]] && !(last && copied) && !(last && !currentIsNewest) {
			continue
		}
		if ctx.Err() != nil {
			return
		}
		if !c.opt.DryRun {
			ifAbsent := missing && !copied && len(dst) == 0
			if err := c.transferVersion(ctx, src[i], ifAbsent); err != nil {
				if errors.Is(err, errExists) {
					c.sum.add(func(s *Summary) {
						s.Conflicts = append(s.Conflicts, Issue{key, "an object was written to " + c.b.ToBucket + " while the copy ran: left alone"})
					})
					return
				}
				failed(ctx, c.sum, key, err)
				return
			}
		}
		have[ids[i]], copied = true, true
		c.copied(src[i], false, true)
	}
	if !copied {
		c.sum.add(func(s *Summary) { s.Same++ })
	}
}

func metaValue(meta map[string]string, name string) string {
	for k, v := range meta {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
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
	d, err := remoteMD5(ctx, c.to, dst)
	if err != nil || d == nil {
		return false, err
	}
	s, err := remoteMD5(ctx, c.from, src)
	if err != nil {
		return false, err
	}
	if s == nil {
		h := md5.New()
		if _, err := c.from.get(ctx, src, func() (io.Writer, func()) { h.Reset(); return h, func() {} }); err != nil {
			return false, err
		}
		s = h.Sum(nil)
	}
	return bytes.Equal(s, d), nil
}

func getInput(bucket string, o Object) *s3.GetObjectInput {
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(o.Key)}
	if o.VersionID != "" && o.VersionID != "null" {
		in.VersionId = aws.String(o.VersionID)
	}
	return in
}

// inMemory is the size up to which an object being copied is held in memory; bigger ones are
// piped, or go through a temporary file. It bounds the memory of a copy to workers × 1 MiB:
// at 8 MiB, a backup of 64 photos of 7 MB peaked at 490 MB, on web servers that may have 1 GB.
const inMemory = 1 << 20

// transfer copies one current object; transferVersion one version, recording where it came from.
func (c *copier) transfer(ctx context.Context, o Object, ifAbsent bool) error {
	return c.copyObject(ctx, o, ifAbsent, false)
}

func (c *copier) transferVersion(ctx context.Context, o Object, ifAbsent bool) error {
	return c.copyObject(ctx, o, ifAbsent, true)
}

// copyObject reads one object (version) and writes it to the destination, keeping its content
// type and metadata. Small objects pass through memory, large ones are piped (pipe.go) or, when
// they cannot be, go through a temporary file;
// either way no more than the listed size is read (a body that goes on, or ends short, is an
// error), an answer without Content-Length is read the same way, and the MD5 of what was read
// is checked against the source's before it is written.
func (c *copier) copyObject(ctx context.Context, o Object, ifAbsent, withSource bool) error {
	if c.server != nil && !c.server.off.Load() {
		if err := c.serverCopy(ctx, o, ifAbsent, withSource); !errors.Is(err, errStream) {
			return err
		}
	}
	if o.Size >= inMemory {
		// Too big for memory: streamed from the GET into the PUT where it can be, so no
		// temporary file holds it.
		if err := c.pipe(ctx, o, ifAbsent, withSource); !errors.Is(err, errNoPipe) {
			return err
		}
	}
	h := md5.New()
	var mem *bytes.Buffer
	var tmp *os.File
	if o.Size < inMemory {
		mem = bytes.NewBuffer(make([]byte, 0, o.Size))
	} else {
		var err error
		if tmp, err = os.CreateTemp("", "assetwiz-copy-"); err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
	}
	sink := func() (io.Writer, func()) {
		h.Reset()
		if mem != nil {
			mem.Reset()
			return io.MultiWriter(mem, h), func() {}
		}
		_ = tmp.Truncate(0)
		_, _ = tmp.Seek(0, io.SeekStart)
		return io.MultiWriter(tmp, h), func() {}
	}
	out, err := c.from.get(ctx, o, sink)
	if err != nil {
		return err
	}
	var r io.ReaderAt = tmp
	if mem != nil {
		r = bytes.NewReader(mem.Bytes())
	}
	got := h.Sum(nil)
	want := etagMD5(aws.ToString(out.ETag))
	if want == nil {
		want = metaMD5(out.Metadata)
	}
	if listed := etagMD5(o.ETag); listed != nil && want != nil && !bytes.Equal(listed, want) {
		return errors.New("the object changed since it was listed; run again")
	}
	if want != nil && !bytes.Equal(want, got) {
		return fmt.Errorf("the content read does not match the source's MD5 (%x, read %x); run again", want, got)
	}
	meta := c.copiedMeta(out.Metadata, o, withSource)
	return c.put.put(ctx, o.Key, body{r: r, size: o.Size, md5: got, contentType: aws.ToString(out.ContentType),
		cacheControl: aws.ToString(out.CacheControl), meta: meta}, ifAbsent)
}

// copiedMeta is the metadata a copy of o keeps: the source's, less what assetwiz records of
// the copy itself (the MD5 is written anew; the source version only for a backup's versions).
func (c *copier) copiedMeta(from map[string]string, o Object, withSource bool) map[string]string {
	meta := map[string]string{}
	for k, v := range from {
		if !strings.EqualFold(k, MetaMD5) && !strings.EqualFold(k, MetaSource) {
			meta[k] = v
		}
	}
	if withSource && !c.b.Restore {
		meta[MetaSource] = sourceID(o)
	}
	return meta
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
	st := newStore(c, bucket, provision.RetryPolicy{})
	return st.do(ctx, func(ctx context.Context) error {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(MarkerKey),
			Body: bytes.NewReader(data), ContentType: aws.String("application/json")}, noSDKRetries)
		return err
	})
}

// maxMarkerBytes bounds the read of a last-backup marker (a few hundred bytes when assetwiz wrote it).
const maxMarkerBytes = 64 << 10

// ReadMarker reads a backup bucket's last-backup marker; found is false when no backup has
// finished yet.
func ReadMarker(ctx context.Context, c *s3.Client, bucket string) (m Marker, found bool, err error) {
	st := newStore(c, bucket, provision.RetryPolicy{})
	var data []byte
	err = st.do(ctx, func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, bodyTime(maxMarkerBytes))
		defer cancel()
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(MarkerKey)}, noSDKRetries)
		if err != nil {
			return err
		}
		defer out.Body.Close()
		data, err = io.ReadAll(io.LimitReader(out.Body, maxMarkerBytes+1))
		return err
	})
	if err != nil {
		if code := errorCodeOf(err); code == "NoSuchKey" || code == "NotFound" {
			return m, false, nil
		}
		return m, false, fmt.Errorf("bucket %s: %w", bucket, describedError{err})
	}
	if len(data) > maxMarkerBytes {
		return m, false, fmt.Errorf("bucket %s: the last-backup marker is longer than %d bytes: not one assetwiz wrote", bucket, maxMarkerBytes)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, false, fmt.Errorf("bucket %s: the last-backup marker is not readable: %w", bucket, err)
	}
	return m, true, nil
}

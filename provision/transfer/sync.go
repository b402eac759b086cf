// Package transfer copies uploads into the asset buckets (sync: a local folder to a bucket)
// and between buckets (backup and restore). Both sides are read as sorted streams and merged,
// so memory does not grow with the number of files; an object equal in size and MD5 is
// skipped, one that differs is a conflict left alone unless overwriting is asked for, and
// nothing is ever deleted.
package transfer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// DefaultWorkers is how many files are copied at once: uploads of small files wait on the
// network, not the CPU, so many in flight hide the latency of each request.
const DefaultWorkers = 64

// DefaultPartWorkers is how many parts of one large file are sent at once.
const DefaultPartWorkers = 8

// Options tune a sync, backup or restore.
type Options struct {
	// Overwrite replaces objects that differ; without it they are reported as conflicts.
	Overwrite bool
	// DryRun compares and counts, and copies nothing.
	DryRun bool
	// FollowSymlinks copies what symlinks point to (sync only).
	FollowSymlinks bool
	// Workers, PartWorkers, MultipartThreshold, PartSize: 0 takes the defaults.
	Workers            int
	PartWorkers        int
	MultipartThreshold int64
	PartSize           int64
	// Progress, when set, is updated as the copy goes.
	Progress *Progress
	// CacheDir holds the MD5 cache of sync ("" for none): a re-run reads only the files
	// that changed since, instead of every file.
	CacheDir string
	// OnPart is called after each stored part of a multipart upload (tests interrupt there).
	OnPart func(key string, part int32)
}

func (o Options) withDefaults() Options {
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	if o.PartWorkers <= 0 {
		o.PartWorkers = DefaultPartWorkers
	}
	if o.MultipartThreshold <= 0 {
		o.MultipartThreshold = DefaultMultipartThreshold
	}
	if o.PartSize <= 0 {
		o.PartSize = DefaultPartSize
	}
	return o
}

// Issue is one file or object that was not copied, and why.
type Issue struct {
	Key    string `json:"key"`
	Reason string `json:"reason"`
}

// Summary is what one directory's (or bucket's) copy did.
type Summary struct {
	Directory string `json:"directory,omitempty"`
	From      string `json:"from"`
	To        string `json:"to"`
	// Files and Bytes count what was found to copy from.
	Files int64 `json:"files"`
	Bytes int64 `json:"bytes"`
	// Copied (would be copied, with DryRun) and Same (already there, equal).
	Copied      int64 `json:"copied"`
	CopiedBytes int64 `json:"copied_bytes"`
	Overwritten int64 `json:"overwritten"`
	Same        int64 `json:"same"`
	// Conflicts differ from what is there and were left alone.
	Conflicts []Issue `json:"conflicts"`
	// Unreadable could not be read (sync) and were skipped; Failed could not be stored.
	Unreadable []Issue `json:"unreadable"`
	Failed     []Issue `json:"failed"`
	// Symlinks were skipped (not followed).
	Symlinks []string `json:"symlinks_skipped"`
	// Error stopped the whole directory (a missing bucket, refused keys...).
	Error string `json:"error,omitempty"`

	mu sync.Mutex
}

func (s *Summary) add(f func(s *Summary)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

// sortLists puts the lists in key order: the workers finish in any order.
func (s *Summary) sortLists() {
	byKey := func(a, b Issue) int { return strings.Compare(a.Key, b.Key) }
	slices.SortFunc(s.Conflicts, byKey)
	slices.SortFunc(s.Unreadable, byKey)
	slices.SortFunc(s.Failed, byKey)
	slices.Sort(s.Symlinks)
}

// Problems counts what makes the run fail: unreadable or failed files, or a directory error.
func (s *Summary) Problems() int {
	n := len(s.Unreadable) + len(s.Failed)
	if s.Error != "" {
		n++
	}
	return n
}

// Folder is a local folder and the bucket it is copied into.
type Folder struct {
	// Directory is the answers' directory ("wp-content/uploads"), for messages.
	Directory string
	Path      string
	Bucket    string
}

// Sync copies a local folder into its bucket. It returns ctx's error when interrupted, after
// every upload in flight has finished or been aborted.
func Sync(ctx context.Context, c *s3.Client, f Folder, opt Options) (*Summary, error) {
	opt = opt.withDefaults()
	sum := &Summary{Directory: f.Directory, From: f.Path, To: f.Bucket, Conflicts: []Issue{}, Unreadable: []Issue{}, Failed: []Issue{}, Symlinks: []string{}}
	prog := opt.Progress.Dir(f.Directory)
	prog.Started.Store(true)
	defer prog.Finished.Store(true)
	if opt.Progress != nil {
		go countLocal(f.Path, opt.FollowSymlinks, prog)
	}
	put := &putter{client: c, bucket: f.Bucket, threshold: opt.MultipartThreshold, partSize: opt.PartSize,
		partWorkers: opt.PartWorkers, onPart: opt.OnPart, onBytes: func(n int64) { prog.DoneBytes.Add(n) }}

	var walkErr, listErr error
	local := func(yield func(LocalFile) bool) { walkErr = walkSorted(f.Path, opt.FollowSymlinks, yield) }
	remote := func(yield func(Object) bool) { listErr = listObjects(ctx, c, f.Bucket, yield) }

	var cache *cacheReader
	var newCache *cacheWriter
	if opt.CacheDir != "" {
		path := cacheFile(opt.CacheDir, f.Path, f.Bucket)
		cache, newCache = openCache(path), newCacheWriter(path)
		defer cache.close()
	} else {
		cache = &cacheReader{}
	}

	work := make(chan pair)
	var wg sync.WaitGroup
	for range opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				syncFile(ctx, c, put, f.Bucket, p, opt, sum)
				close(p.slot.done)
				prog.DoneFiles.Add(1)
			}
		}()
	}
	// A listing that fails part way would make every later file look new (and so overwrite
	// what differs without a conflict): the merge stops there.
	mergeCtx, stopMerge := context.WithCancel(ctx)
	defer stopMerge()
	merge(mergeCtx, local, remote, func(l LocalFile, r *Object) {
		if r == nil && listErr != nil {
			stopMerge()
			return
		}
		switch {
		case l.Symlink:
			sum.add(func(s *Summary) { s.Symlinks = append(s.Symlinks, l.Key) })
		case l.Problem != "":
			sum.add(func(s *Summary) { s.Unreadable = append(s.Unreadable, Issue{l.Key, l.Problem}) })
		default:
			sum.add(func(s *Summary) { s.Files++; s.Bytes += l.Size })
			p := pair{local: l, remote: r, slot: newCache.add(l)}
			if e, ok := cache.lookup(l.Key); ok && e.size == l.Size && e.state == l.Changed {
				p.cachedMD5 = e.md5
			}
			select {
			case work <- p:
			case <-ctx.Done():
				close(p.slot.done)
			}
		}
	})
	close(work)
	wg.Wait()
	newCache.finish()
	sum.sortLists()
	switch {
	case ctx.Err() != nil:
		return sum, ctx.Err()
	case walkErr != nil:
		sum.Error = "folder " + f.Path + ": " + errText(walkErr)
	case listErr != nil:
		sum.Error = "bucket " + f.Bucket + ": " + describe(listErr)
	}
	return sum, nil
}

type pair struct {
	local  LocalFile
	remote *Object
	// slot is the file's line of the new MD5 cache; cachedMD5 its MD5 from the old one, when
	// the file has not changed since.
	slot      *cacheSlot
	cachedMD5 []byte
}

// merge walks the sorted local files and the sorted listing side by side and calls each
// for every local file, with the object of the same key when there is one. Objects with no
// local file are left alone.
func merge(ctx context.Context, local iter.Seq[LocalFile], remote iter.Seq[Object], each func(LocalFile, *Object)) {
	merge2(ctx, local, remote, func(l LocalFile) string { return l.Key }, func(o Object) string { return o.Key }, each)
}

// merge2 merges two streams sorted by key: each is called for every item of the first, with
// the second's item of the same key when there is one.
func merge2[A, B any](ctx context.Context, first iter.Seq[A], second iter.Seq[B], keyA func(A) string, keyB func(B) string, each func(A, *B)) {
	nextA, stopA := iter.Pull(first)
	defer stopA()
	nextB, stopB := iter.Pull(second)
	defer stopB()
	a, aok := nextA()
	b, bok := nextB()
	for aok && ctx.Err() == nil {
		ka := keyA(a)
		switch {
		case !bok || ka < keyB(b):
			each(a, nil)
			a, aok = nextA()
		case ka > keyB(b):
			b, bok = nextB()
		default:
			found := b
			each(a, &found)
			a, aok = nextA()
			b, bok = nextB()
		}
	}
}

func syncFile(ctx context.Context, c *s3.Client, put *putter, bucket string, p pair, opt Options, sum *Summary) {
	if ctx.Err() != nil {
		return
	}
	l := p.local
	if p.remote != nil && p.cachedMD5 != nil && p.remote.Size == l.Size {
		// Unchanged since the cache was written (the walk's state matched it): compare without opening the file.
		if theirs := etagMD5(p.remote.ETag); theirs != nil && bytes.Equal(theirs, p.cachedMD5) {
			p.slot.entry.md5 = p.cachedMD5
			sum.add(func(s *Summary) { s.Same++ })
			put.onBytes(l.Size)
			return
		}
	}
	file, err := os.Open(l.Path)
	if err != nil {
		sum.add(func(s *Summary) { s.Unreadable = append(s.Unreadable, Issue{l.Key, errText(err)}) })
		return
	}
	defer file.Close()
	st, err := file.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = errors.New("not a regular file")
	}
	if err != nil {
		sum.add(func(s *Summary) { s.Unreadable = append(s.Unreadable, Issue{l.Key, errText(err)}) })
		return
	}
	size := st.Size()
	localMD5 := p.cachedMD5
	if state := stateOf(st); localMD5 == nil || size != l.Size || state != l.Changed {
		if localMD5, err = md5Of(file); err != nil {
			sum.add(func(s *Summary) { s.Unreadable = append(s.Unreadable, Issue{l.Key, errText(err)}) })
			return
		}
	}
	p.slot.entry.size, p.slot.entry.state, p.slot.entry.md5 = size, stateOf(st), localMD5
	b := body{r: file, size: size, md5: localMD5}
	overwrite := false
	if p.remote != nil {
		var theirs []byte
		if p.remote.Size == size {
			theirs, err = remoteMD5(ctx, c, bucket, *p.remote)
			if err != nil {
				failed(ctx, sum, l.Key, err)
				return
			}
		}
		if theirs != nil && bytes.Equal(theirs, localMD5) {
			sum.add(func(s *Summary) { s.Same++ })
			put.onBytes(size)
			return
		}
		if !opt.Overwrite {
			reason := fmt.Sprintf("differs from the object in the bucket (%d bytes here, %d there)", size, p.remote.Size)
			switch {
			case p.remote.Size == size && theirs == nil:
				reason = "the object in the bucket has no MD5 to compare with (multipart upload by another tool)"
			case p.remote.Size == size:
				reason = fmt.Sprintf("differs from the object in the bucket (same size, %d bytes, other content)", size)
			}
			sum.add(func(s *Summary) { s.Conflicts = append(s.Conflicts, Issue{l.Key, reason}) })
			put.onBytes(size)
			return
		}
		overwrite = true
	}
	if !opt.DryRun {
		if err := put.put(ctx, l.Key, b); err != nil {
			if isBadDigest(err) {
				sum.add(func(s *Summary) {
					s.Unreadable = append(s.Unreadable, Issue{l.Key, "changed while it was being copied; run sync again"})
				})
				return
			}
			failed(ctx, sum, l.Key, err)
			return
		}
	} else {
		put.onBytes(size)
	}
	sum.add(func(s *Summary) {
		s.Copied++
		s.CopiedBytes += size
		if overwrite {
			s.Overwritten++
		}
	})
}

// failed records an error storing a key; an interruption is not a failure of the file.
func failed(ctx context.Context, sum *Summary, key string, err error) {
	if ctx.Err() != nil {
		return
	}
	sum.add(func(s *Summary) { s.Failed = append(s.Failed, Issue{key, describe(err)}) })
}

func isBadDigest(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && (ae.ErrorCode() == "BadDigest" || ae.ErrorCode() == "InvalidDigest")
}

// describe is an S3 error in a line: its code and message, never a request's headers.
func describe(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code := ae.ErrorCode()
		switch code {
		case "NoSuchBucket":
			return "the bucket does not exist; run assetwiz apply first"
		case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch":
			return code + ": check the keys and that they may read and write this bucket"
		}
		if msg := ae.ErrorMessage(); msg != "" {
			return code + ": " + msg
		}
		return code
	}
	var oe *smithy.OperationError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Operation() + ": " + strings.TrimSpace(oe.Err.Error())
	}
	return err.Error()
}

// countLocal counts a folder's files and bytes for the progress view's totals.
func countLocal(root string, follow bool, p *DirProgress) {
	_ = walkSorted(root, follow, func(f LocalFile) bool {
		if f.Problem == "" && !f.Symlink {
			p.TotalFiles.Add(1)
			p.TotalBytes.Add(f.Size)
		}
		return true
	})
	p.Counted.Store(true)
}

func errorCodeOf(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

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
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/assetwiz/assetwiz/provision"
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
	// FollowSymlinks copies what symlinks point to, when it is inside the folder (sync only).
	FollowSymlinks bool
	// IncludePrivate copies files the web server's user could not read (sync only); WebUser
	// names that user ("" for www-data).
	IncludePrivate bool
	WebUser        string
	// Retry is the policy every request goes through (zero: the project's defaults).
	Retry provision.RetryPolicy
	// Workers, PartWorkers, MultipartThreshold, PartSize: 0 takes the defaults.
	Workers            int
	PartWorkers        int
	MultipartThreshold int64
	PartSize           int64
	// CopyThreshold is the largest object a server copies with one CopyObject, when both
	// buckets of a copy are on one server (0: MaxSingleCopy, AWS's limit); larger ones are
	// copied in parts of PartSize.
	CopyThreshold int64
	// Progress, when set, is updated as the copy goes.
	Progress *Progress
	// CacheDir holds the MD5 cache of sync ("" for none): a re-run reads only the files
	// that changed since, instead of every file.
	CacheDir string
	// OnPart is called after each stored part of a multipart upload (tests interrupt there).
	OnPart func(key string, part int32)
	// hashed, when set, counts the bytes a piped copy hashed itself (tests).
	hashed *atomic.Int64
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
	if o.CopyThreshold <= 0 {
		o.CopyThreshold = MaxSingleCopy
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
	// ToCopy names what a dry run would copy (keys; with --versions, which version).
	ToCopy []string `json:"to_copy,omitempty"`
	// Conflicts differ from what is there and were left alone.
	Conflicts []Issue `json:"conflicts"`
	// Unreadable could not be read (sync) and were skipped; Failed could not be stored.
	Unreadable []Issue `json:"unreadable"`
	Failed     []Issue `json:"failed"`
	// Symlinks were skipped (not followed).
	Symlinks []string `json:"symlinks_skipped"`
	// Skipped were left out on purpose: outside the folder, private, names that clash.
	Skipped []Issue `json:"skipped"`
	// Warnings say what the provider did that the copy had to work around (a listing out of
	// order), and how.
	Warnings []string `json:"warnings"`
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
	slices.SortFunc(s.Skipped, byKey)
	slices.Sort(s.Symlinks)
	slices.Sort(s.ToCopy)
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
	// Root is the folder given (--from): no file whose real path is outside it is copied,
	// whatever symlinks lead there, Path itself included ("" is Path).
	Root string
}

func newSummary(dir, from, to string) *Summary {
	return &Summary{Directory: dir, From: from, To: to, Conflicts: []Issue{}, Unreadable: []Issue{}, Failed: []Issue{},
		Symlinks: []string{}, Skipped: []Issue{}, Warnings: []string{}}
}

// Sync copies a local folder into its bucket. It returns ctx's error when interrupted, after
// every upload in flight has finished or been aborted.
func Sync(ctx context.Context, c *s3.Client, f Folder, opt Options) (*Summary, error) {
	opt = opt.withDefaults()
	sum := newSummary(f.Directory, f.Path, f.Bucket)
	prog := opt.Progress.Dir(f.Directory)
	prog.Started.Store(true)
	defer prog.Finished.Store(true)
	root := f.Root
	if root == "" {
		root = f.Path
	}
	realRoot, err := absReal(root)
	if err != nil {
		sum.Error = "folder " + root + ": " + errText(err)
		return sum, nil
	}
	realPath, err := absReal(f.Path)
	if err != nil {
		sum.Error = "folder " + f.Path + ": " + errText(err)
		return sum, nil
	}
	if !within(realRoot, realPath) {
		sum.Error = fmt.Sprintf("folder %s: it leads to %s, outside %s; nothing copied from it", f.Path, realPath, root)
		sum.Skipped = append(sum.Skipped, Issue{".", "the folder leads to " + realPath + ", outside " + root})
		return sum, nil
	}
	t := tree{root: realRoot, follow: opt.FollowSymlinks, private: opt.IncludePrivate, web: lookupWebUser(opt.WebUser)}
	if opt.Progress != nil {
		go countLocal(realPath, t, prog)
	}
	st := newStore(c, f.Bucket, opt.Retry)
	put := &putter{store: st, threshold: opt.MultipartThreshold, partSize: opt.PartSize,
		partWorkers: opt.PartWorkers, onPart: opt.OnPart, onBytes: func(n int64) { prog.DoneBytes.Add(n) }}

	var walkErr, listErr error
	check := &orderCheck{}
	local := func(yield func(LocalFile) bool) { walkErr = walkSorted(realPath, t, yield) }
	remote := func(yield func(Object) bool) { listErr = listObjects(ctx, st, check, yield) }

	var cache *cacheReader
	var newCache *cacheWriter
	if opt.CacheDir != "" {
		path := cacheFile(opt.CacheDir, f.Path, f.Bucket)
		cache, newCache = openCache(path), newCacheWriter(path)
		defer cache.close()
	} else {
		cache = &cacheReader{}
	}

	s := &syncer{store: st, put: put, opt: opt, sum: sum, realRoot: realRoot, listing: check}
	work := make(chan pair)
	var wg sync.WaitGroup
	for range opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				s.file(ctx, p)
				close(p.slot.done)
				prog.DoneFiles.Add(1)
			}
		}()
	}
	// A listing that fails part way would make every later file look new (and so overwrite
	// what differs without a conflict): the merge stops there. A listing out of order is
	// not trusted from there on: each file is decided by asking for its key (HEAD).
	mergeCtx, stopMerge := context.WithCancel(ctx)
	defer stopMerge()
	merge(mergeCtx, local, remote, func(l LocalFile, r *Object) {
		perKey := check.disorder() != ""
		if r == nil && listErr != nil && !perKey {
			stopMerge()
			return
		}
		switch {
		case l.Symlink:
			sum.add(func(s *Summary) { s.Symlinks = append(s.Symlinks, l.Key) })
		case l.Skipped != "":
			sum.add(func(s *Summary) { s.Skipped = append(s.Skipped, Issue{l.Key, l.Skipped}) })
		case l.Problem != "":
			sum.add(func(s *Summary) { s.Unreadable = append(s.Unreadable, Issue{l.Key, l.Problem}) })
		default:
			sum.add(func(s *Summary) { s.Files++; s.Bytes += l.Size })
			p := pair{local: l, remote: r, slot: newCache.add(l), perKey: perKey}
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
	if d := check.disorder(); d != "" {
		sum.Warnings = append(sum.Warnings, fmt.Sprintf("bucket %s: %s; from there on each file was checked on its own (HEAD), and new files written only where the key was still free", f.Bucket, d))
	}
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
	// perKey: the listing cannot be trusted here; the object is asked for by its key.
	perKey bool
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
	// The first of each at once: both sides' first listing requests go out together, one
	// round trip before the first copy instead of two.
	var b B
	var bok bool
	bFirst := make(chan struct{})
	go func() {
		defer close(bFirst)
		b, bok = nextB()
	}()
	a, aok := nextA()
	<-bFirst
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

// syncer copies the files of one folder.
type syncer struct {
	store    *store
	put      *putter
	opt      Options
	sum      *Summary
	realRoot string
	listing  *orderCheck
}

// lookup asks the bucket for one key: the object, or nil when there is none.
func (s *syncer) lookup(ctx context.Context, key string) (*Object, error) {
	out, found, err := s.store.head(ctx, key, "")
	if err != nil || !found {
		return nil, err
	}
	o := &Object{Key: key, Size: aws.ToInt64(out.ContentLength), ETag: aws.ToString(out.ETag)}
	if etagMD5(o.ETag) == nil {
		o.meta = metaMD5(out.Metadata)
	}
	return o, nil
}

func (s *syncer) file(ctx context.Context, p pair) {
	if ctx.Err() != nil {
		return
	}
	sum := s.sum
	l := p.local
	if p.perKey || (p.remote == nil && !s.listing.trusted()) {
		// A key the listing lacks is known absent only once the whole listing was read in
		// order; before that it is asked for (a dry run too, which cannot learn from a
		// refused write), so a provider ignoring If-None-Match cannot turn a conflict into
		// an overwrite either.
		r, err := s.lookup(ctx, l.Key)
		if err != nil {
			failed(ctx, sum, l.Key, err)
			return
		}
		p.remote = r
	}
	if p.remote != nil && p.cachedMD5 != nil && p.remote.Size == l.Size {
		// Unchanged since the cache was written (the walk's state matched it): compare without opening the file.
		if theirs := etagMD5(p.remote.ETag); theirs != nil && bytes.Equal(theirs, p.cachedMD5) {
			p.slot.entry.md5 = p.cachedMD5
			sum.add(func(s *Summary) { s.Same++ })
			s.put.onBytes(l.Size)
			return
		}
	}
	// O_NONBLOCK: a file swapped for a FIFO since the walk must not block the run on open.
	file, err := os.OpenFile(l.Path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		sum.add(func(s *Summary) { s.Unreadable = append(s.Unreadable, Issue{l.Key, errText(err)}) })
		return
	}
	defer file.Close()
	// The file opened may not be the one walked (a folder swapped for a symlink since):
	// what counts is where the open file really is.
	if real := realPathOf(file, l.Path); !within(s.realRoot, real) {
		sum.add(func(s *Summary) {
			s.Skipped = append(s.Skipped, Issue{l.Key, "its real path " + real + " is outside the folder being copied"})
		})
		return
	}
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
	for try := 0; ; try++ {
		overwrite := false
		if p.remote != nil {
			var theirs []byte
			if p.remote.Size == size {
				theirs = p.remote.meta
				if theirs == nil {
					if theirs, err = remoteMD5(ctx, s.store, *p.remote); err != nil {
						failed(ctx, sum, l.Key, err)
						return
					}
				}
			}
			if theirs != nil && bytes.Equal(theirs, localMD5) {
				sum.add(func(s *Summary) { s.Same++ })
				s.put.onBytes(size)
				return
			}
			if !s.opt.Overwrite {
				reason := fmt.Sprintf("differs from the object in the bucket (%d bytes here, %d there)", size, p.remote.Size)
				switch {
				case p.remote.Size == size && theirs == nil:
					reason = "the object in the bucket has no MD5 to compare with (multipart upload by another tool)"
				case p.remote.Size == size:
					reason = fmt.Sprintf("differs from the object in the bucket (same size, %d bytes, other content)", size)
				}
				sum.add(func(s *Summary) { s.Conflicts = append(s.Conflicts, Issue{l.Key, reason}) })
				s.put.onBytes(size)
				return
			}
			overwrite = true
		}
		if s.opt.DryRun {
			s.put.onBytes(size)
		} else {
			err := s.put.put(ctx, l.Key, b, !overwrite)
			if errors.Is(err, errExists) && try == 0 {
				// The listing said the key was free; the server says it is not: decide again
				// from the object there now.
				if p.remote, err = s.lookup(ctx, l.Key); err != nil {
					failed(ctx, sum, l.Key, err)
					return
				}
				if p.remote != nil {
					continue
				}
				// Refused, yet no object (a delete marker on top, on a server that counts it):
				// checked just now, so written without the condition.
				err = s.put.put(ctx, l.Key, b, false)
			}
			if err != nil {
				if errors.Is(err, errChanged) || isBadDigest(err) {
					sum.add(func(s *Summary) {
						s.Unreadable = append(s.Unreadable, Issue{l.Key, "changed while it was being copied; run sync again"})
					})
					return
				}
				failed(ctx, sum, l.Key, err)
				return
			}
		}
		dry := s.opt.DryRun
		sum.add(func(s *Summary) {
			s.Copied++
			s.CopiedBytes += size
			if overwrite {
				s.Overwritten++
			}
			if dry {
				s.ToCopy = append(s.ToCopy, l.Key)
			}
		})
		return
	}
}

// realPathOf is where an open file really is: the kernel's name for it (/proc/self/fd), or
// the path resolved where there is no /proc.
// absReal is path made absolute with every symlink resolved: what an open file's real path
// (/proc/self/fd) is compared with. A relative --from left it relative, and every file was
// then "outside the folder being copied": nothing copied, exit 0.
func absReal(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

func realPathOf(f *os.File, path string) string {
	if real, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(int(f.Fd()))); err == nil && filepath.IsAbs(real) {
		return real
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return real
	}
	return path
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

// describedError is err in describe's words, still wrapping it for errors.Is and errors.As.
type describedError struct{ err error }

func (e describedError) Error() string { return describe(e.err) }
func (e describedError) Unwrap() error { return e.err }

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
func countLocal(root string, t tree, p *DirProgress) {
	_ = walkSorted(root, t, func(f LocalFile) bool {
		if f.Problem == "" && f.Skipped == "" && !f.Symlink {
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

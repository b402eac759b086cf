package transfer

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The MD5 cache spares a re-run from reading every file again (s3cmd's --cache-file does the
// same): for each file, its size, state (times and inode) and MD5, one line per file in key
// order. Being in key order, it is read as a third sorted stream beside the walk and the
// listing, and written in that order as the run goes, so it is never held in memory whole.
// A file whose size or state differs from its line is read and hashed again.

// cacheFile is the cache of one folder copied into one bucket.
func cacheFile(dir, folder, bucket string) string {
	abs, err := filepath.Abs(folder)
	if err != nil {
		abs = folder
	}
	sum := sha256.Sum256([]byte(abs + "\x00" + bucket))
	return filepath.Join(dir, hex.EncodeToString(sum[:12])+".tsv")
}

type cacheEntry struct {
	key   string
	size  int64
	state FileState
	md5   []byte
}

func (e cacheEntry) line() string {
	return fmt.Sprintf("%s\t%d\t%d\t%d\t%d\t%x\n", strconv.Quote(e.key), e.size, e.state.ModTime, e.state.ChangeTime, e.state.Inode, e.md5)
}

func parseCacheLine(line string) (cacheEntry, bool) {
	f := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
	if len(f) != 6 {
		return cacheEntry{}, false
	}
	key, err := strconv.Unquote(f[0])
	if err != nil {
		return cacheEntry{}, false
	}
	var e cacheEntry
	var errs [5]error
	e.key = key
	e.size, errs[0] = strconv.ParseInt(f[1], 10, 64)
	e.state.ModTime, errs[1] = strconv.ParseInt(f[2], 10, 64)
	e.state.ChangeTime, errs[2] = strconv.ParseInt(f[3], 10, 64)
	e.state.Inode, errs[3] = strconv.ParseUint(f[4], 10, 64)
	e.md5, errs[4] = hex.DecodeString(f[5])
	for _, err := range errs {
		if err != nil {
			return cacheEntry{}, false
		}
	}
	return e, len(e.md5) == 16
}

// cacheReader reads a cache file forward: lookup(key) for keys asked in increasing order.
type cacheReader struct {
	f    *os.File
	r    *bufio.Reader
	cur  cacheEntry
	have bool
	last string
}

func openCache(path string) *cacheReader {
	f, err := os.Open(path)
	if err != nil {
		return &cacheReader{}
	}
	c := &cacheReader{f: f, r: bufio.NewReaderSize(f, 64<<10)}
	c.advance()
	return c
}

func (c *cacheReader) advance() {
	c.have = false
	for c.r != nil {
		line, err := c.r.ReadString('\n')
		if err != nil {
			c.r = nil
			return
		}
		if e, ok := parseCacheLine(line); ok && e.key > c.last {
			c.cur, c.have, c.last = e, true, e.key
			return
		}
	}
}

// lookup is the entry for key, if the cache has one; keys must come in increasing order.
func (c *cacheReader) lookup(key string) (cacheEntry, bool) {
	for c.have && c.cur.key < key {
		c.advance()
	}
	if c.have && c.cur.key == key {
		return c.cur, true
	}
	return cacheEntry{}, false
}

func (c *cacheReader) close() {
	if c.f != nil {
		c.f.Close()
	}
}

// cacheSlot is one file's line of the new cache, filled by the worker that hashes the file.
type cacheSlot struct {
	entry cacheEntry
	done  chan struct{}
}

// cacheWriter writes the new cache in key order from slots queued in that order, each
// written once its worker is done; at the end it replaces the old cache atomically.
type cacheWriter struct {
	path  string
	tmp   *os.File
	w     *bufio.Writer
	slots chan *cacheSlot
	done  chan struct{}
}

// cacheQueue bounds the slots waiting to be written (and so the memory they hold).
const cacheQueue = 4096

func newCacheWriter(path string) *cacheWriter {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".md5-*.tmp")
	if err != nil {
		return nil
	}
	c := &cacheWriter{path: path, tmp: tmp, w: bufio.NewWriterSize(tmp, 64<<10), slots: make(chan *cacheSlot, cacheQueue), done: make(chan struct{})}
	go func() {
		defer close(c.done)
		for s := range c.slots {
			<-s.done
			if s.entry.md5 != nil {
				_, _ = c.w.WriteString(s.entry.line())
			}
		}
	}()
	return c
}

// add queues a file's slot; nil-safe (no cache).
func (c *cacheWriter) add(f LocalFile) *cacheSlot {
	s := &cacheSlot{entry: cacheEntry{key: f.Key, size: f.Size, state: f.Changed}, done: make(chan struct{})}
	if c != nil {
		c.slots <- s
	}
	return s
}

// finish writes out what was queued and puts the new cache in place of the old.
func (c *cacheWriter) finish() {
	if c == nil {
		return
	}
	close(c.slots)
	<-c.done
	err := c.w.Flush()
	if cerr := c.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(c.tmp.Name(), c.path)
	}
	if err != nil {
		os.Remove(c.tmp.Name())
	}
}

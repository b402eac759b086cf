package transfer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"unicode/utf8"
)

// LocalFile is one file found under the folder being synced.
type LocalFile struct {
	// Key is the object key: the path below the folder, '/' between parts.
	Key  string
	Path string
	Size int64
	// Changed identifies the file's state (modification and change times, inode): equal
	// Changed and Size mean the same content, so its MD5 can be taken from the cache.
	Changed FileState
	// Symlink is set for a symlink that was not followed: it is skipped, and said so.
	Symlink bool
	// Problem says why the file cannot be copied ("" when it can).
	Problem string
}

// maxKeyBytes is the longest object key S3 accepts.
const maxKeyBytes = 1024

// walkSorted calls yield for every file under root in the order S3 lists keys (byte order of
// the key, where a folder's files sort as "folder/..."), reading one folder at a time so the
// tree is never held in memory. Symlinks are followed only when follow is set; a folder
// already on the current path is not entered twice (a symlink loop). yield returns false to stop.
func walkSorted(root string, follow bool, yield func(LocalFile) bool) error {
	st, err := os.Stat(root)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a folder", root)
	}
	w := walker{follow: follow, yield: yield}
	w.dir(root, "", []os.FileInfo{st})
	return nil
}

type walker struct {
	follow  bool
	yield   func(LocalFile) bool
	stopped bool
}

type entry struct {
	name, sortKey string
	info          os.FileInfo
	err           error
}

func (w *walker) dir(path, prefix string, parents []os.FileInfo) {
	des, err := os.ReadDir(path)
	if err != nil && len(des) == 0 {
		w.emit(LocalFile{Key: strings.TrimSuffix(prefix, "/"), Path: path, Problem: "folder cannot be read: " + errText(err)})
		return
	}
	entries := make([]entry, 0, len(des))
	for _, de := range des {
		e := entry{name: de.Name(), sortKey: de.Name()}
		e.info, e.err = de.Info()
		if e.err == nil && e.info.Mode()&fs.ModeSymlink != 0 && w.follow {
			e.info, e.err = os.Stat(filepath.Join(path, e.name))
		}
		if e.err == nil && e.info.IsDir() {
			e.sortKey += "/" // S3 lists "a/b" after "a-c": '/' sorts after '-'
		}
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.sortKey, b.sortKey) })
	for _, e := range entries {
		if w.stopped {
			return
		}
		full := filepath.Join(path, e.name)
		key := prefix + e.name
		switch {
		case e.err != nil:
			w.emit(LocalFile{Key: key, Path: full, Problem: errText(e.err)})
		case !utf8.ValidString(key):
			w.emit(LocalFile{Key: strings.ToValidUTF8(key, "?"), Path: full, Problem: "the name is not UTF-8, which object keys must be"})
		case e.info.Mode()&fs.ModeSymlink != 0:
			// Not followed (the default): like rclone without -L, a symlink is skipped.
			w.emit(LocalFile{Key: key, Path: full, Symlink: true})
		case e.info.IsDir():
			if slices.ContainsFunc(parents, func(p os.FileInfo) bool { return os.SameFile(p, e.info) }) {
				w.emit(LocalFile{Key: key, Path: full, Problem: "symlink loop: the folder is already being copied"})
				continue
			}
			w.dir(full, key+"/", append(parents, e.info))
		case !e.info.Mode().IsRegular():
			w.emit(LocalFile{Key: key, Path: full, Problem: "not a regular file (" + e.info.Mode().Type().String() + ")"})
		case len(key) > maxKeyBytes:
			w.emit(LocalFile{Key: key, Path: full, Problem: "the path is longer than the 1024 bytes an object key may have"})
		default:
			w.emit(LocalFile{Key: key, Path: full, Size: e.info.Size(), Changed: stateOf(e.info)})
		}
	}
}

func (w *walker) emit(f LocalFile) {
	if !w.stopped && !w.yield(f) {
		w.stopped = true
	}
}

// errText is an error without the path the os package puts in front of it.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// FileState is what changes whenever a file's content may have: modification time, change
// time (which no user can set back) and inode (a file replaced by another).
type FileState struct {
	ModTime, ChangeTime int64
	Inode               uint64
}

func stateOf(info os.FileInfo) FileState {
	st := FileState{ModTime: info.ModTime().UnixNano()}
	if sys, ok := info.Sys().(*syscall.Stat_t); ok {
		st.ChangeTime = sys.Ctim.Nano()
		st.Inode = sys.Ino
	}
	return st
}

package transfer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
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
	// Skipped says why the file is not copied on purpose (outside the tree, private...).
	Skipped string
}

// maxKeyBytes is the longest object key S3 accepts.
const maxKeyBytes = 1024

// walkSorted calls yield for every file under root in the order S3 lists keys (byte order of
// the key, where a folder's files sort as "folder/..."), reading one folder at a time so the
// tree is never held in memory. Keys are names in Unicode NFC, as rclone makes them: a name
// written decomposed (NFD, as macOS writes it) gets the key the same name typed on Linux gets;
// two names of one folder that only differ so are both refused, naming each other.
// Symlinks are followed only when t.follow is set, and then only when their real path stays
// under t.root; a folder already on the current path is not entered twice (a symlink loop).
// yield returns false to stop.
func walkSorted(root string, t tree, yield func(LocalFile) bool) error {
	st, err := os.Stat(root)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a folder", root)
	}
	if t.root == "" {
		if t.root, err = absReal(root); err != nil {
			return err
		}
	}
	w := walker{tree: t, yield: yield}
	w.dir(root, "", []os.FileInfo{st}, true)
	return nil
}

// tree is what the walk may copy: files whose real path is under root (resolved, no
// symlink in it), and, unless private is set, only files the web server's user may read.
type tree struct {
	root    string
	follow  bool
	private bool
	web     webUser
}

type walker struct {
	tree
	yield   func(LocalFile) bool
	stopped bool
}

type entry struct {
	name, key, sortKey string
	info               os.FileInfo
	err                error
	// outside is the real path of a followed symlink that leads out of the tree.
	outside string
	clash   string
}

func (w *walker) dir(path, prefix string, parents []os.FileInfo, webOK bool) {
	des, err := os.ReadDir(path)
	if err != nil && len(des) == 0 {
		w.emit(LocalFile{Key: strings.TrimSuffix(prefix, "/"), Path: path, Problem: "folder cannot be read: " + errText(err)})
		return
	}
	entries := make([]entry, 0, len(des))
	for _, de := range des {
		e := entry{name: de.Name(), key: norm.NFC.String(de.Name())}
		e.sortKey = e.key
		e.info, e.err = de.Info()
		if e.err == nil && e.info.Mode()&fs.ModeSymlink != 0 && w.follow {
			full := filepath.Join(path, e.name)
			if real, err := filepath.EvalSymlinks(full); err != nil {
				e.err = err
			} else if !within(w.root, real) {
				e.outside = real
			} else {
				e.info, e.err = os.Stat(full)
			}
		}
		if e.err == nil && e.outside == "" && e.info.IsDir() {
			e.sortKey += "/" // S3 lists "a/b" after "a-c": '/' sorts after '-'
		}
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.sortKey, b.sortKey) })
	// Two names of one folder with one NFC form would be one key: neither is copied.
	for i := 1; i < len(entries); i++ {
		if entries[i].key == entries[i-1].key {
			entries[i].clash, entries[i-1].clash = entries[i-1].name, entries[i].name
		}
	}
	for _, e := range entries {
		if w.stopped {
			return
		}
		full := filepath.Join(path, e.name)
		key := prefix + e.key
		switch {
		case e.err != nil:
			w.emit(LocalFile{Key: key, Path: full, Problem: errText(e.err)})
		case !utf8.ValidString(key):
			w.emit(LocalFile{Key: strings.ToValidUTF8(key, "?"), Path: full, Problem: "the name is not UTF-8, which object keys must be"})
		case e.clash != "":
			w.emit(LocalFile{Key: key, Path: full, Skipped: fmt.Sprintf("%q and %q are one name in Unicode (NFC), so one key: rename one of them", e.name, e.clash)})
		case e.outside != "":
			w.emit(LocalFile{Key: key, Path: full, Skipped: "a symlink to " + e.outside + ", outside the folder being copied"})
		case e.info.Mode()&fs.ModeSymlink != 0:
			// Not followed (the default): like rclone without -L, a symlink is skipped.
			w.emit(LocalFile{Key: key, Path: full, Symlink: true})
		case e.info.IsDir():
			if slices.ContainsFunc(parents, func(p os.FileInfo) bool { return os.SameFile(p, e.info) }) {
				w.emit(LocalFile{Key: key, Path: full, Problem: "symlink loop: the folder is already being copied"})
				continue
			}
			w.dir(full, key+"/", append(parents, e.info), webOK && w.web.may(e.info, 0o1))
		case !e.info.Mode().IsRegular():
			w.emit(LocalFile{Key: key, Path: full, Problem: "not a regular file (" + e.info.Mode().Type().String() + ")"})
		case len(key) > maxKeyBytes:
			w.emit(LocalFile{Key: key, Path: full, Problem: "the path is longer than the 1024 bytes an object key may have"})
		case !w.private && !(webOK && w.web.may(e.info, 0o4)):
			w.emit(LocalFile{Key: key, Path: full, Skipped: "private: " + w.web.name() + " could not read it (" + e.info.Mode().Perm().String() + "); --include-private copies it"})
		default:
			w.emit(LocalFile{Key: key, Path: full, Size: e.info.Size(), Changed: stateOf(e.info)})
		}
	}
}

// within reports whether path (resolved) is root (resolved) or under it.
func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// webUser is the web server's user, who reads the uploads the application serves: a file it
// may not read (such as a root-owned 0600 file) was not meant to be served, so is not
// published. Known is false when no such user exists here: then only what any user may read.
type webUser struct {
	User     string
	UID, GID uint32
	Known    bool
}

// lookupWebUser finds the web server's user by name ("" for www-data, Debian's and Ubuntu's).
func lookupWebUser(name string) webUser {
	if name == "" {
		name = "www-data"
	}
	w := webUser{User: name}
	u, err := user.Lookup(name)
	if err != nil {
		return w
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 == nil && err2 == nil {
		w.UID, w.GID, w.Known = uint32(uid), uint32(gid), true
	}
	return w
}

func (w webUser) name() string {
	if w.Known {
		return "the web server's user (" + w.User + ")"
	}
	return "a user other than the owner"
}

// may reports whether the web server's user has the permission bit (4 read, 1 search) on a
// file: as another user, or as its owner or group.
func (w webUser) may(info os.FileInfo, bit fs.FileMode) bool {
	perm := info.Mode().Perm()
	if perm&bit != 0 {
		return true
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok || !w.Known {
		return false
	}
	return (st.Uid == w.UID && perm&(bit<<6) != 0) || (st.Gid == w.GID && perm&(bit<<3) != 0)
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

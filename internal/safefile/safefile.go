// Package safefile reads and writes the files assetwiz makes (the override file, the snippets):
// atomically, with their mode set before any byte is written, and never through a link, into
// a FIFO or a device, or over a change made since they were read.
package safefile

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// MaxSize is the largest file assetwiz reads (answers, override, snippets): the toolkit's
// override files are a few tens of kilobytes, so anything larger is not one of them.
const MaxSize = 1 << 20

// MaxSizeText names MaxSize in messages.
const MaxSizeText = "1 MiB"

// Errors a caller may want to tell apart (they are wrapped with the path and the fix).
var (
	ErrSymlink    = errors.New("is a symbolic link")
	ErrNotRegular = errors.New("is not a regular file")
	ErrTooLarge   = errors.New("is larger than " + MaxSizeText)
	ErrReadOnly   = errors.New("is read-only")
	ErrChanged    = errors.New("changed since it was read")
)

// State is a file as it was read: its content and what identifies that version of it.
type State struct {
	Exists  bool
	Content string
	Mode    fs.FileMode // permission bits
	Size    int64
	ModTime time.Time
	Sum     [sha256.Size]byte
	// UID and GID own the file; -1 where the system has no such notion.
	UID, GID int
}

// Same reports whether two reads saw the same version of a file.
func (s State) Same(o State) bool {
	return s.Exists == o.Exists && s.Size == o.Size && s.ModTime.Equal(o.ModTime) && s.Sum == o.Sum
}

// Load reads a file safely: a symbolic link, a FIFO, a device, a folder or a file over
// MaxSize is refused before a byte is read, so nothing can hang or fill the memory. A missing
// file is State{Exists: false} and no error.
func Load(path string) (State, error) {
	before, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return State{UID: -1, GID: -1}, nil
	}
	if err != nil {
		return State{}, err
	}
	if err := check(path, before); err != nil {
		return State{}, err
	}
	f, err := openNoFollow(path)
	if err != nil {
		return State{}, fmt.Errorf("%s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat() // the open file itself: no swap between the check and the read
	if err != nil {
		return State{}, err
	}
	if !os.SameFile(before, st) {
		return State{}, fmt.Errorf("%s %w (it was replaced while being read); run again", path, ErrChanged)
	}
	if err := check(path, st); err != nil {
		return State{}, err
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1)) // it may grow after the stat
	if err != nil {
		return State{}, err
	}
	if len(data) > MaxSize {
		return State{}, fmt.Errorf("%s %w; assetwiz reads only files up to that size", path, ErrTooLarge)
	}
	uid, gid := owner(st)
	return State{
		Exists: true, Content: string(data), Mode: st.Mode().Perm(), Size: st.Size(),
		ModTime: st.ModTime(), Sum: sha256.Sum256(data), UID: uid, GID: gid,
	}, nil
}

// check refuses what is not a regular file of a sane size, naming what it is.
func check(path string, st fs.FileInfo) error {
	m := st.Mode()
	switch {
	case m&fs.ModeSymlink != 0:
		target, _ := os.Readlink(path)
		return fmt.Errorf("%s %w (to %s); assetwiz does not write through links: give the real path %s instead, or replace the link with the file", path, ErrSymlink, target, target)
	case !m.IsRegular():
		return fmt.Errorf("%s %w but %s; give the path of a regular file", path, ErrNotRegular, kind(m))
	case st.Size() > MaxSize:
		return fmt.Errorf("%s %w (%d bytes); assetwiz reads only files up to that size", path, ErrTooLarge, st.Size())
	}
	return nil
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

// Read returns a file's content and mode; exists is false when there is no such file.
// It refuses what Load refuses.
func Read(path string) (content string, mode fs.FileMode, exists bool, err error) {
	st, err := Load(path)
	return st.Content, st.Mode, st.Exists, err
}

// Write replaces path's content atomically (see WriteIfUnchanged), whatever it holds now.
func Write(path, content string, mode fs.FileMode) (wrote bool, err error) {
	return WriteIfUnchanged(path, content, mode, nil)
}

// WriteIfUnchanged replaces path's content atomically (a reader sees the old file or the new
// one, never half of one, even if the process is killed), making its folder. The mode is set
// on the temporary file before any byte is written, so a key is never readable by others, not
// even for a moment; an existing file keeps its owner and group. Nothing is written when
// content and mode are already as asked; wrote says whether anything was.
//
// It refuses, writing nothing: a link, a special file, a read-only file (made so on purpose),
// and, when was is given, a file that is no longer the version read then (edited since the
// plan). The file is checked again right before the rename.
func WriteIfUnchanged(path, content string, mode fs.FileMode, was *State) (wrote bool, err error) {
	st, err := Stage(path, content, mode, was)
	if err != nil || st == nil {
		return false, err
	}
	if err := st.Commit(); err != nil {
		return false, err
	}
	return true, nil
}

// Staged is a file's new version written and synced beside it (a hidden temporary file in its
// folder), not yet in its place: Commit puts it there, Discard removes it. Staging ahead lets
// the slow part of a write (the sync to disk) happen while apply waits for the provider.
type Staged struct {
	path, tmp string
	cur       State // the file as it was when staged; Commit refuses any other version
}

// madeByStage holds the folders Stage made: Discard removes them again once empty, whichever
// staged file made them (several are staged into one new folder at once).
var madeByStage sync.Map

// Stage writes path's new version beside it (see WriteIfUnchanged for what it refuses); nil
// when content and mode are already as asked.
func Stage(path, content string, mode fs.FileMode, was *State) (st *Staged, err error) {
	cur, err := Load(path)
	if err != nil {
		return nil, err
	}
	if was != nil && !cur.Same(*was) {
		return nil, Changed(path)
	}
	if err := cur.Writable(path, mode); err != nil {
		return nil, err
	}
	if cur.Exists && cur.Content == content && cur.Mode == mode {
		return nil, nil
	}
	dir := filepath.Dir(path)
	made := missingFolders(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	for _, d := range made {
		madeByStage.Store(d, true)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(mode); err != nil {
		return nil, err
	}
	if cur.Exists {
		if err = keepOwner(tmp, cur.UID, cur.GID); err != nil {
			return nil, fmt.Errorf("%s is owned by uid %d gid %d, and the new file could not be given that owner (%w): run assetwiz as that user or as root", path, cur.UID, cur.GID, err)
		}
	}
	if _, err = tmp.WriteString(content); err != nil {
		return nil, err
	}
	if err = tmp.Sync(); err != nil {
		return nil, err
	}
	if err = tmp.Close(); err != nil {
		return nil, err
	}
	return &Staged{path: path, tmp: tmp.Name(), cur: cur}, nil
}

// Commit puts the staged version in the file's place, unless the file changed since it was
// staged; the rename is durable when Commit returns. On an error the staged version is
// discarded.
func (s *Staged) Commit() (err error) {
	defer func() {
		if err != nil {
			s.Discard()
		}
	}()
	if now, err := Load(s.path); err != nil {
		return err
	} else if !now.Same(s.cur) {
		return Changed(s.path)
	}
	if err := os.Rename(s.tmp, s.path); err != nil {
		return err
	}
	syncDir(filepath.Dir(s.path))
	return nil
}

// Discard removes the staged version, and the folders Stage made if nothing else is in them.
func (s *Staged) Discard() {
	os.Remove(s.tmp)
	for d := filepath.Dir(s.path); ; d = filepath.Dir(d) {
		if _, made := madeByStage.Load(d); !made || os.Remove(d) != nil { // not ours, or not empty
			return
		}
	}
}

// missingFolders lists dir and those of its parents that do not exist, deepest first.
func missingFolders(dir string) []string {
	var out []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || filepath.Dir(d) == d {
			return out
		}
		out = append(out, d)
	}
}

// Writable refuses a file its owner made read-only (no owner write bit): root could replace
// it, but the user said not to. mode is the mode it would get, for the fix in the message.
func (s State) Writable(path string, mode fs.FileMode) error {
	if s.Exists && s.Mode&0o200 == 0 {
		return fmt.Errorf("%s %w (mode %04o); assetwiz does not replace a file made read-only: make it writable (chmod %o %s) or choose another file", path, ErrReadOnly, s.Mode, mode, path)
	}
	return nil
}

// GiveOwner gives path (not a link it may have become) the owner and group of st, when
// they are known and differ; it is best effort, as only root may give a file away.
func GiveOwner(path string, st State) {
	if st.UID >= 0 && st.GID >= 0 {
		os.Lchown(path, st.UID, st.GID)
	}
}

// Changed is the refusal to write over a file edited since assetwiz read it.
func Changed(path string) error {
	return fmt.Errorf("%s %w (edited while assetwiz ran); nothing was written to it: run again to plan with the new content", path, ErrChanged)
}

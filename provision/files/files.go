// Package files reads and writes the files assetwiz makes (the override file, the snippets):
// atomically, with their mode set before any byte is written.
package files

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Read returns a file's content and mode; exists is false when there is no such file.
func Read(path string) (content string, mode fs.FileMode, exists bool, err error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", 0, false, nil
	}
	if err != nil {
		return "", 0, false, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", 0, false, err
	}
	return string(data), st.Mode().Perm(), true, nil
}

// Write replaces path's content atomically (a reader sees the old file or the new one, never
// half of one, even if the process is killed), making its folder. The mode is set on the
// temporary file before any byte is written, so a key is never readable by others, not even
// for a moment. Nothing is written when content and mode are already as asked; wrote says
// whether anything was.
func Write(path, content string, mode fs.FileMode) (wrote bool, err error) {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target // write through a symlink, not over it
	}
	if old, oldMode, exists, err := Read(path); err != nil {
		return false, err
	} else if exists && old == content && oldMode == mode {
		return false, nil
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return false, err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(mode); err != nil {
		return false, err
	}
	if _, err = tmp.WriteString(content); err != nil {
		return false, err
	}
	if err = tmp.Sync(); err != nil {
		return false, err
	}
	if err = tmp.Close(); err != nil {
		return false, err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return false, err
	}
	// The rename is durable only once the folder is synced.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return true, nil
}

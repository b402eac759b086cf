package override

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// FileMode is the mode of the override file: it holds the storage keys.
const FileMode = 0o600

// Read returns a file's content, "" and exists=false when there is none.
func Read(path string) (content string, exists bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return string(data), true, nil
}

// WriteFile replaces path's content atomically (a reader sees the old file or the new one,
// never half of one), keeping the previous content as path.bak. Nothing at all is written
// when the content is already the same. It reports whether it wrote.
func WriteFile(path, content string) (bool, error) {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target // write through a symlink, not over it
	}
	old, exists, err := Read(path)
	if err != nil {
		return false, err
	}
	if exists && old == content {
		return false, nil
	}
	if exists {
		if err := writeAtomic(path+".bak", old); err != nil {
			return false, fmt.Errorf("keeping the previous content: %w", err)
		}
	}
	if err := writeAtomic(path, content); err != nil {
		return false, err
	}
	return true, nil
}

// writeAtomic writes a temporary file beside path, syncs it and renames it over path.
func writeAtomic(path, content string) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(FileMode); err != nil {
		return err
	}
	if _, err = tmp.WriteString(content); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// The rename is durable only once the folder is synced.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

package override

import (
	"fmt"
	"path/filepath"

	"github.com/assetwiz/assetwiz/provision/files"
)

// FileMode is the mode of the override file: it holds the storage keys.
const FileMode = 0o600

// Read returns a file's content, "" and exists=false when there is none.
func Read(path string) (content string, exists bool, err error) {
	content, _, exists, err = files.Read(path)
	return content, exists, err
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
		if _, err := files.Write(path+".bak", old, FileMode); err != nil {
			return false, fmt.Errorf("keeping the previous content: %w", err)
		}
	}
	return files.Write(path, content, FileMode)
}

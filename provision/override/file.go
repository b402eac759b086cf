package override

import (
	"fmt"

	"github.com/assetwiz/assetwiz/provision/files"
)

// FileMode is the mode of the override file: it holds the storage keys.
const FileMode = 0o600

// Load reads the override file with what identifies this version of it, so that a write can
// refuse to replace an edit made after the plan (see WriteFile).
func Load(path string) (files.State, error) { return files.Load(path) }

// WriteFile replaces path's content atomically (a reader sees the old file or the new one,
// never half of one), keeping the previous content as path.bak, and leaves it with mode 0600
// and its owner. Nothing at all is written when content and mode are already right; only
// the mode is fixed (no .bak) when the content is. was, when given, is the version the plan
// read: a file changed since then is not overwritten. It reports whether it wrote.
func WriteFile(path, content string, was *files.State) (bool, error) {
	cur, err := files.Load(path)
	if err != nil {
		return false, err
	}
	if was != nil && !cur.Same(*was) {
		return false, files.Changed(path)
	}
	if err := cur.Writable(path, FileMode); err != nil {
		return false, err
	}
	if cur.Exists && cur.Content == content && cur.Mode == FileMode {
		return false, nil
	}
	if cur.Exists && cur.Content != content {
		if _, err := files.Write(path+".bak", cur.Content, FileMode); err != nil {
			return false, fmt.Errorf("keeping the previous content: %w", err)
		}
		files.GiveOwner(path+".bak", cur) // the user's backup stays the user's, even made by root
	}
	return files.WriteIfUnchanged(path, content, FileMode, &cur)
}

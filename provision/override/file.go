package override

import (
	"fmt"

	"github.com/assetwiz/assetwiz/internal/safefile"
)

// FileMode is the mode of the override file: it holds the storage keys.
const FileMode = 0o600

// Read returns a file's content, "" and exists=false when there is none. Links, FIFOs,
// devices and files over safefile.MaxSize are refused before reading (see safefile.Load).
func Read(path string) (content string, exists bool, err error) {
	content, _, exists, err = safefile.Read(path)
	return content, exists, err
}

// Load reads the override file with what identifies this version of it, so that a write can
// refuse to replace an edit made after the plan (see WriteFile).
func Load(path string) (safefile.State, error) { return safefile.Load(path) }

// WriteFile replaces path's content atomically (a reader sees the old file or the new one,
// never half of one), keeping the previous content as path.bak, and leaves it with mode 0600
// and its owner. Nothing at all is written when content and mode are already right; only
// the mode is fixed (no .bak) when the content is. was, when given, is the version the plan
// read: a file changed since then is not overwritten. It reports whether it wrote.
func WriteFile(path, content string, was *safefile.State) (bool, error) {
	cur, err := safefile.Load(path)
	if err != nil {
		return false, err
	}
	if was != nil && !cur.Same(*was) {
		return false, safefile.Changed(path)
	}
	if err := cur.Writable(path, FileMode); err != nil {
		return false, err
	}
	if cur.Exists && cur.Content == content && cur.Mode == FileMode {
		return false, nil
	}
	if cur.Exists && cur.Content != content {
		if _, err := safefile.Write(path+".bak", cur.Content, FileMode); err != nil {
			return false, fmt.Errorf("keeping the previous content: %w", err)
		}
		safefile.GiveOwner(path+".bak", cur) // the user's backup stays the user's, even made by root
	}
	return safefile.WriteIfUnchanged(path, content, FileMode, &cur)
}

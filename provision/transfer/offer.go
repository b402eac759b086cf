package transfer

import (
	"fmt"
	"path/filepath"

	"github.com/dustin/go-humanize"

	"github.com/assetwiz/assetwiz/steps"
)

// LocalUploads counts the files (and their bytes) in the asset directories under root, the
// way sync would find them (symlinks not followed).
func LocalUploads(a *steps.Answers, root string) (files, bytes int64) {
	t := tree{web: lookupWebUser("")}
	if real, err := filepath.EvalSymlinks(root); err == nil {
		t.root = real
	}
	for _, b := range a.Buckets() {
		_ = walkSorted(filepath.Join(root, filepath.FromSlash(b.Directory)), t, func(f LocalFile) bool {
			if f.Problem == "" && f.Skipped == "" && !f.Symlink {
				files++
				bytes += f.Size
			}
			return true
		})
	}
	return files, bytes
}

// SyncOffer is what the wizard says in the review and after apply when the webroot on this
// machine already holds uploads in the asset directories: how many, and the command that
// copies them into the buckets. "" when there is nothing to offer.
func SyncOffer(a *steps.Answers) string {
	if !a.MakesBuckets() || a.Webroot == "" {
		return ""
	}
	files, bytes := LocalUploads(a, a.Webroot)
	if files == 0 {
		return ""
	}
	what := "files"
	if files == 1 {
		what = "file"
	}
	return fmt.Sprintf("%s holds %s %s (%s) in the asset directories: copy them into the buckets with `assetwiz sync --from %s` (it skips what is there already and never deletes).",
		a.Webroot, humanize.Comma(files), what, humanize.Bytes(uint64(bytes)), a.Webroot)
}

package safefile

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Many files renamed into one folder at once share its syncs: each Write returns only after
// a sync of the folder begun after its own rename, and one sync serves every rename before it.
func TestFilesWrittenAtOnceShareTheirFolderSync(t *testing.T) {
	dir := t.TempDir()
	var syncs atomic.Int32
	var mu sync.Mutex
	var renamedBeforeSync []int // for each sync, how many files were in the folder when it began
	orig := syncFolder
	syncFolder = func(d string) {
		syncs.Add(1)
		entries, _ := os.ReadDir(d)
		mu.Lock()
		renamedBeforeSync = append(renamedBeforeSync, len(entries))
		mu.Unlock()
		time.Sleep(20 * time.Millisecond) // a slow disk: the writes arriving meanwhile wait for the next sync
		orig(d)
	}
	t.Cleanup(func() { syncFolder = orig })

	const files = 40
	var wg sync.WaitGroup
	for i := range files {
		wg.Go(func() {
			path := filepath.Join(dir, fmt.Sprintf("passwd-s3fs-%02d", i))
			if _, err := Write(path, "bucket:KEY:SECRET\n", 0o600); err != nil {
				t.Error(err)
				return
			}
			// The rename is done; a sync that began after it has finished.
			mu.Lock()
			defer mu.Unlock()
			if len(renamedBeforeSync) == 0 {
				t.Errorf("%s: Write returned before any sync of its folder", path)
			}
		})
	}
	wg.Wait()
	if n := syncs.Load(); n >= files/2 {
		t.Errorf("%d folder syncs for %d files written at once, want them shared (a few)", n, files)
	}
	if last := renamedBeforeSync[len(renamedBeforeSync)-1]; last != files {
		t.Errorf("the last sync began with %d files in the folder, want all %d", last, files)
	}
}

// A staged file is invisible in its place until Commit; Discard leaves nothing behind, not
// even the folders Stage made for it, once every file staged there is discarded.
func TestDiscardLeavesNothingBehind(t *testing.T) {
	root := t.TempDir()
	var staged []*Staged
	for _, name := range []string{"a", "b", "c"} {
		st, err := Stage(filepath.Join(root, "out", "s3fs", name), "x\n", 0o600, nil)
		if err != nil || st == nil {
			t.Fatalf("stage %s: %v %v", name, st, err)
		}
		if _, err := os.Lstat(filepath.Join(root, "out", "s3fs", name)); err == nil {
			t.Fatalf("%s is in place before Commit", name)
		}
		staged = append(staged, st)
	}
	for _, st := range staged { // the first discarded is the one that made the folders
		st.Discard()
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("after Discard the folder holds %v, want nothing", entries)
	}
}

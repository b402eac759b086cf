package safefile

import (
	"os"
	"sync"
	"sync/atomic"
)

// A rename is durable only once its folder is synced. Many files renamed into one folder at
// once (a credentials file per bucket: 200 at the end of a large apply) need one sync begun
// after their renames, not one each: a folder's sync writes it to disk, and one sync per
// file made 408 syncs of 200 files where about 210 do (BenchmarkWriteManyAtOnce).
type dirSyncer struct {
	mu    sync.Mutex // held while a sync runs, so a sync begun is also finished
	begun atomic.Uint64
}

var dirSyncers sync.Map // folder → *dirSyncer

// syncDir makes the renames done into dir before the call durable: it waits for a sync of
// dir begun after the call, running one itself when none is.
func syncDir(dir string) {
	v, _ := dirSyncers.LoadOrStore(dir, new(dirSyncer))
	s := v.(*dirSyncer)
	seen := s.begun.Load()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.begun.Load() > seen {
		return // a sync began after our rename, and has finished (we hold mu)
	}
	s.begun.Add(1)
	syncFolder(dir)
}

// syncFolder syncs a folder (a variable so a test can count the syncs).
var syncFolder = func(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

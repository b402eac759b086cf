package transfer

import (
	"sync"
	"sync/atomic"
)

// Progress is what a run has done so far, per directory, for a progress view to read at
// its own pace. Totals are known once the directory has been counted (Counted).
type Progress struct {
	mu   sync.Mutex
	dirs []*DirProgress
}

// DirProgress is one directory's (or bucket's) progress.
type DirProgress struct {
	Name       string
	TotalFiles atomic.Int64
	TotalBytes atomic.Int64
	Counted    atomic.Bool
	DoneFiles  atomic.Int64
	// DoneBytes counts bytes sent plus the size of every file found already there.
	DoneBytes atomic.Int64
	Started   atomic.Bool
	Finished  atomic.Bool
}

// Dir returns the progress of a directory, adding it on first use.
func (p *Progress) Dir(name string) *DirProgress {
	if p == nil {
		return &DirProgress{Name: name}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, d := range p.dirs {
		if d.Name == name {
			return d
		}
	}
	d := &DirProgress{Name: name}
	p.dirs = append(p.dirs, d)
	return d
}

// Dirs lists the directories in the order they were added.
func (p *Progress) Dirs() []*DirProgress {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*DirProgress(nil), p.dirs...)
}

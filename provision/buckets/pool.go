package buckets

import (
	"sync"

	"github.com/assetwiz/assetwiz/internal/deepstack"
)

// readsAtOnce bounds the plan's requests under way at once: as many as the HTTP client keeps
// connections to one host (awsclient: 256), so no read waits for a connection inside the SDK.
// A read that waited there held a goroutine whose stack the SDK's middleware had grown: a
// 200-bucket no-op (1,000 reads) peaked at 70 MB, stacks 27 MB of it.
const readsAtOnce = 256

// pool runs tasks on at most n goroutines, in the order given; a task may give more. Each
// worker runs task after task on a stack grown once, and no goroutine waits for its turn.
type pool struct {
	n       int
	mu      sync.Mutex
	queue   []func()
	running int
	wg      sync.WaitGroup
}

func newPool(n int) *pool { return &pool{n: max(n, 1)} }

// Go runs f on a free worker, or queues it for the first that frees up.
func (p *pool) Go(f func()) {
	p.wg.Add(1)
	p.mu.Lock()
	if p.running < p.n {
		p.running++
		p.mu.Unlock()
		go p.work(f)
		return
	}
	p.queue = append(p.queue, f)
	p.mu.Unlock()
}

func (p *pool) work(f func()) {
	deepstack.Grow()
	for {
		f()
		p.wg.Done()
		p.mu.Lock()
		if len(p.queue) == 0 {
			p.running--
			p.mu.Unlock()
			return
		}
		f = p.queue[0]
		p.queue[0] = nil
		p.queue = p.queue[1:]
		p.mu.Unlock()
	}
}

// Wait waits for every task, those given by tasks included.
func (p *pool) Wait() { p.wg.Wait() }

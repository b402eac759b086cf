package buckets

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The plan's reads run on a bounded pool: never more than n at once, every task run once,
// those given by running tasks included, and Wait returns only after the last.
func TestPoolRunsEveryTaskNeverMoreThanNAtOnce(t *testing.T) {
	t.Parallel()
	const n, buckets, reads = 4, 50, 5
	p := newPool(n)
	var now, most, ran atomic.Int32
	var mu sync.Mutex
	seen := map[[2]int]int{}
	task := func(b, r int) {
		c := now.Add(1)
		for m := most.Load(); c > m && !most.CompareAndSwap(m, c); m = most.Load() {
		}
		time.Sleep(100 * time.Microsecond)
		mu.Lock()
		seen[[2]int{b, r}]++
		mu.Unlock()
		ran.Add(1)
		now.Add(-1)
	}
	for b := range buckets {
		p.Go(func() {
			task(b, 0)
			for r := 1; r < reads; r++ {
				p.Go(func() { task(b, r) })
			}
		})
	}
	p.Wait()
	if got := ran.Load(); got != buckets*reads {
		t.Errorf("%d tasks ran, want %d", got, buckets*reads)
	}
	for k, c := range seen {
		if c != 1 {
			t.Errorf("task %v ran %d times", k, c)
		}
	}
	if most.Load() > n {
		t.Errorf("%d tasks at once, want at most %d", most.Load(), n)
	}
}

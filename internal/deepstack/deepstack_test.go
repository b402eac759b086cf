package deepstack

import "testing"

// Grow works only while grow's array is in its frame: were the compiler to move it to the
// heap (if it escaped), the frame would be small and Grow would grow nothing. Grow never
// touches the array (n is 0), so the array is used here, where a heap one shows as an
// allocation.
func TestGrowsFrameHoldsItsArray(t *testing.T) {
	if n := testing.AllocsPerRun(10, func() { grow(1) }); n != 0 {
		t.Errorf("grow allocates %.0f times a call, want 0: its array went to the heap, and Grow grows nothing", n)
	}
}

// BenchmarkDeepCall is a call a hundred frames deep on a new goroutine, with and without Grow
// first: the cost Grow saves each provider call.
//
//	go test ./internal/deepstack -run '^$' -bench DeepCall
func BenchmarkDeepCall(b *testing.B) {
	for _, grow := range []bool{false, true} {
		name := "fresh"
		if grow {
			name = "grown"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				done := make(chan struct{})
				go func() {
					if grow {
						Grow()
					}
					deep(100)
					close(done)
				}()
				<-done
			}
		})
	}
}

//go:noinline
func deep(n int) byte {
	var frame [200]byte // about an SDK middleware's frame
	frame[n%200] = byte(n)
	if n == 0 {
		return frame[0]
	}
	return deep(n-1) + frame[n%200]
}

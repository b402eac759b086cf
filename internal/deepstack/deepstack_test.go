package deepstack

import "testing"

// Grow works only while its frame is on the stack: were the compiler to move it to the heap
// (if it escaped), Grow would allocate 30 KB a call and grow nothing.
func TestGrowAllocatesNothing(t *testing.T) {
	if n := testing.AllocsPerRun(10, Grow); n != 0 {
		t.Errorf("Grow allocates %.0f times a call, want 0: its frame went to the heap", n)
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

package buckets_test

import (
	"syscall"
	"testing"
	"time"
)

// reportCPU adds the process's CPU time per iteration (user and system, every goroutine: the
// client's own cost, since the S3 server runs in another process) to a benchmark's results.
// Use it as `defer reportCPU(b)()` just before the loop.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64((cpuTime()-start).Microseconds())/float64(b.N), "cpu-µs/op")
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

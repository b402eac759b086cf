package buckets_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/steps"
)

// BenchmarkNoOpPlan is the plan of bench/run's no-op at 200 directories (WordPress, s3fs,
// versioning on, a custom provider): versitygw behind bench/latencyproxy (its own process, so
// that its memory is not counted), which holds every request 50 ms. Besides time and allocations it reports the peak of the Go
// heap's objects plus goroutine stacks during a plan (peak-MB, sampled every millisecond),
// the part of the process's peak memory the plan decides:
//
//	go test ./provision/buckets -run '^$' -bench NoOpPlan -benchmem -benchtime 5x
func BenchmarkNoOpPlan(b *testing.B) {
	srv := s3test.Start(b)
	proxyURL := latencyProxy(b, srv.Endpoint)
	a := steps.Answers{Mode: steps.ModeTemporal, Application: "wordpress", WebsiteURL: "www.example.com", Technique: steps.TechniqueS3fs,
		Storage: steps.Storage{Provider: "custom", Region: "us-east-1", Endpoint: proxyURL}}
	for i := range 200 {
		a.Directories = append(a.Directories, fmt.Sprintf("wp-content/uploads-%03d", i))
	}
	a.Complete()
	a.Secrets = steps.Secrets{S3AccessKey: srv.AccessKey, S3SecretKey: srv.SecretKey}
	ctx := context.Background()
	live := buckets.Live{Getenv: func(string) string { return "" }}
	p, err := live.Plan(ctx, &a)
	if err != nil {
		b.Fatal(err)
	}
	if res := provision.Apply(ctx, p, provision.ApplyOptions{}); res.Err() != nil {
		b.Fatal(res.Err())
	}
	var peak uint64
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		runtime.GC()
		stop := sample(&peak)
		p, err := live.Plan(ctx, &a)
		stop()
		if err != nil || p.Changes() {
			b.Fatalf("the no-op plan: %v, changes %v", err, p.Changes())
		}
	}
	b.ReportMetric(float64(peak)/1e6, "peak-MB")
}

// sample keeps the peak of heap objects plus stacks in *peak until stop is called.
func sample(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/stacks:bytes"}}
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64() + s[1].Value.Uint64(); v > *peak {
				*peak = v
			}
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// latencyProxy builds and starts bench/latencyproxy in front of target; its URL.
func latencyProxy(b *testing.B, target string) string {
	b.Helper()
	dir := b.TempDir()
	bin := filepath.Join(dir, "latencyproxy")
	if out, err := exec.Command("go", "build", "-o", bin, "../../bench/latencyproxy").CombinedOutput(); err != nil {
		b.Fatalf("building bench/latencyproxy: %v\n%s", err, out)
	}
	addrFile := filepath.Join(dir, "addr")
	cmd := exec.Command(bin, "-target", target, "-delay", "50ms", "-addr-file", addrFile)
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for range 200 {
		if addr, err := os.ReadFile(addrFile); err == nil && len(addr) > 0 {
			return "http://" + strings.TrimSpace(string(addr))
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.Fatal("bench/latencyproxy did not start")
	return ""
}

// BenchmarkNewSiteApply is bench/run's 200-directory apply in one process: the plan and the
// apply of a new site's 200 versioned buckets on versitygw behind bench/latencyproxy (50 ms a
// request, connections kept as a provider keeps them), a new site each iteration; its CPU
// profile is where assetwiz's CPU goes:
//
//	go test ./provision/buckets -run '^$' -bench NewSiteApply -benchtime 5x -cpuprofile cpu.out
func BenchmarkNewSiteApply(b *testing.B) {
	srv := s3test.Start(b)
	proxyURL := latencyProxy(b, srv.Endpoint)
	ctx := context.Background()
	live := buckets.Live{Getenv: func(string) string { return "" }}
	site := 0
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		site++
		a := steps.Answers{Mode: steps.ModeTemporal, Application: "wordpress", WebsiteURL: fmt.Sprintf("www.example%d.com", site), Technique: steps.TechniqueS3fs,
			Storage: steps.Storage{Provider: "custom", Region: "us-east-1", Endpoint: proxyURL}}
		for i := range 200 {
			a.Directories = append(a.Directories, fmt.Sprintf("wp-content/uploads-%03d", i))
		}
		a.Complete()
		a.Secrets = steps.Secrets{S3AccessKey: srv.AccessKey, S3SecretKey: srv.SecretKey}
		p, err := live.Plan(ctx, &a)
		if err != nil {
			b.Fatal(err)
		}
		if res := provision.Apply(ctx, p, provision.ApplyOptions{}); res.Err() != nil {
			b.Fatal(res.Err())
		}
	}
}

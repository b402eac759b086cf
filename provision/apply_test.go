package provision

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

var fast = RetryPolicy{Attempts: 4, Base: time.Millisecond, Max: 5 * time.Millisecond, Total: time.Second}

// recorder is a plan whose actions log when they run.
type recorder struct {
	mu      sync.Mutex
	order   []string
	running atomic.Int32
	peak    atomic.Int32
}

func (r *recorder) action(res Resource, id string, after []string, do func(context.Context) error) Action {
	return Action{Resource: res, ID: id, Op: Create, After: after, Do: func(ctx context.Context) error {
		n := r.running.Add(1)
		defer r.running.Add(-1)
		for {
			p := r.peak.Load()
			if n <= p || r.peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
		r.mu.Lock()
		r.order = append(r.order, string(res)+"/"+id)
		r.mu.Unlock()
		if do != nil {
			return do(ctx)
		}
		return nil
	}}
}

func (r *recorder) pos(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, k := range r.order {
		if k == key {
			return i
		}
	}
	return -1
}

func TestApplyOrdersAndBoundsParallelism(t *testing.T) {
	t.Parallel()
	var r recorder
	var p Plan
	for i := 0; i < 12; i++ {
		b := fmt.Sprintf("b%d", i)
		p.Actions = append(p.Actions,
			r.action(Bucket, b, nil, nil),
			r.action(BucketVersioning, b, []string{"bucket/" + b}, nil),
			r.action(BucketLifecycle, b, []string{"bucket_versioning/" + b}, nil))
	}
	p.Actions = append(p.Actions, Action{Resource: File, ID: "noop", Op: Noop})
	res := Apply(context.Background(), p, ApplyOptions{Parallel: 4, Retry: fast})
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 12; i++ {
		b := fmt.Sprintf("b%d", i)
		if !(r.pos("bucket/"+b) < r.pos("bucket_versioning/"+b) && r.pos("bucket_versioning/"+b) < r.pos("bucket_lifecycle/"+b)) {
			t.Fatalf("%s: not in order: %v", b, r.order)
		}
	}
	if peak := r.peak.Load(); peak > 4 || peak < 2 {
		t.Errorf("peak parallelism %d, want 2..4 (independent actions at once, bounded by 4)", peak)
	}
	if c := res.Count(); c[Done] != 36 {
		t.Errorf("done %d, want 36", c[Done])
	}
}

func TestApplyRetriesTransientFaultsOnly(t *testing.T) {
	t.Parallel()
	var tries503, tries403 atomic.Int32
	var retries []Event
	var mu sync.Mutex
	p := Plan{Actions: []Action{
		{Resource: Bucket, ID: "flaky", Op: Create, Do: func(context.Context) error {
			if tries503.Add(1) < 3 {
				return &StatusError{Status: 503, Err: errors.New("SlowDown")}
			}
			return nil
		}},
		{Resource: Bucket, ID: "denied", Op: Create, Do: func(context.Context) error {
			tries403.Add(1)
			return &StatusError{Status: 403, Err: errors.New("AccessDenied")}
		}},
		{Resource: BucketVersioning, ID: "denied", Op: Create, After: []string{"bucket/denied"}, Do: func(context.Context) error {
			t.Error("an action ran after its prerequisite failed")
			return nil
		}},
		{Resource: Bucket, ID: "reset", Op: Create, Do: func() func(context.Context) error {
			var n atomic.Int32
			return func(context.Context) error {
				if n.Add(1) == 1 {
					return fmt.Errorf("read: %w", syscall.ECONNRESET)
				}
				return nil
			}
		}()},
	}}
	res := Apply(context.Background(), p, ApplyOptions{Retry: fast, OnEvent: func(e Event) {
		if e.Status == Retrying {
			mu.Lock()
			retries = append(retries, e)
			mu.Unlock()
		}
	}})
	if got := []Status{res.Status[0], res.Status[1], res.Status[2], res.Status[3]}; got[0] != Done || got[1] != Failed || got[2] != NotStarted || got[3] != Done {
		t.Fatalf("statuses %v", got)
	}
	if tries503.Load() != 3 || tries403.Load() != 1 {
		t.Errorf("tries: 503 %d (want 3), 403 %d (want 1: never retried)", tries503.Load(), tries403.Load())
	}
	if len(retries) != 3 {
		t.Errorf("%d retry events, want 3 (two for 503, one for the reset)", len(retries))
	}
}

func TestApplyGivesUpWithinTheBound(t *testing.T) {
	t.Parallel()
	var tries atomic.Int32
	p := Plan{Actions: []Action{{Resource: Bucket, ID: "down", Op: Create, Do: func(context.Context) error {
		tries.Add(1)
		return &StatusError{Status: 502, Err: errors.New("bad gateway")}
	}}}}
	res := Apply(context.Background(), p, ApplyOptions{Retry: fast})
	if res.Status[0] != Failed || tries.Load() != 4 {
		t.Fatalf("status %s after %d tries, want failed after 4", res.Status[0], tries.Load())
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	t.Parallel()
	var stamps []time.Time
	p := Plan{Actions: []Action{{Resource: CacheRule, ID: "r", Op: Create, Do: func(context.Context) error {
		stamps = append(stamps, time.Now())
		if len(stamps) == 1 {
			return &StatusError{Status: 429, RetryAfter: 300 * time.Millisecond, Err: errors.New("rate limited")}
		}
		return nil
	}}}}
	res := Apply(context.Background(), p, ApplyOptions{Retry: RetryPolicy{Attempts: 3, Base: time.Millisecond, Max: time.Second, Total: 5 * time.Second}})
	if res.Err() != nil || len(stamps) != 2 {
		t.Fatalf("err %v tries %d", res.Err(), len(stamps))
	}
	if gap := stamps[1].Sub(stamps[0]); gap < 300*time.Millisecond {
		t.Errorf("retried after %v, before the server's Retry-After of 300ms", gap)
	}
}

func TestInterruptionStopsNewStartsAndLetsRunningFinish(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	finishedRunning := false
	p := Plan{Actions: []Action{
		{Resource: Bucket, ID: "slow", Op: Create, Do: func(runCtx context.Context) error {
			close(started)
			time.Sleep(50 * time.Millisecond)
			finishedRunning = runCtx.Err() == nil
			return nil
		}},
		{Resource: BucketVersioning, ID: "slow", Op: Create, After: []string{"bucket/slow"}, Do: func(context.Context) error {
			t.Error("an action started after the interruption")
			return nil
		}},
	}}
	go func() { <-started; cancel() }()
	res := Apply(ctx, p, ApplyOptions{Parallel: 1, Retry: fast})
	if !res.Interrupted || res.Status[0] != Done || res.Status[1] != NotStarted || !finishedRunning {
		t.Fatalf("interrupted %v statuses %v finished %v", res.Interrupted, res.Status, finishedRunning)
	}
}

func TestInterruptionGraceCancelsAHungAction(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	p := Plan{Actions: []Action{{Resource: Bucket, ID: "hung", Op: Create, Do: func(runCtx context.Context) error {
		cancel()
		<-runCtx.Done()
		return runCtx.Err()
	}}}}
	start := time.Now()
	res := Apply(ctx, p, ApplyOptions{Grace: 50 * time.Millisecond, Retry: fast})
	if res.Status[0] != Failed || time.Since(start) > 5*time.Second {
		t.Fatalf("status %s after %v", res.Status[0], time.Since(start))
	}
}

func TestApplyStartsEveryChainBeforeFinishingOne(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var started []Resource
	var p Plan
	for i := 0; i < 12; i++ {
		b := fmt.Sprintf("b%d", i)
		step := func(r Resource, after ...string) Action {
			return Action{Resource: r, ID: b, Op: Create, After: after, Do: func(context.Context) error {
				mu.Lock()
				started = append(started, r)
				mu.Unlock()
				time.Sleep(2 * time.Millisecond)
				return nil
			}}
		}
		p.Actions = append(p.Actions, step(Bucket), step(BucketVersioning, "bucket/"+b), step(BucketLifecycle, "bucket_versioning/"+b))
	}
	if res := Apply(context.Background(), p, ApplyOptions{Parallel: 4, Retry: fast}); res.Err() != nil {
		t.Fatal(res.Err())
	}
	for i, r := range started[:12] {
		if r != Bucket {
			t.Fatalf("start %d was a %s before every bucket had started: %v", i, r, started)
		}
	}
}

// The executor checks its graph before anything starts: an unknown prerequisite or a cycle
// is an error, and no action is carried out.
func TestApplyRefusesABrokenGraph(t *testing.T) {
	t.Parallel()
	ran := 0
	do := func(context.Context) error { ran++; return nil }
	for name, p := range map[string]Plan{
		"unknown prerequisite": {Actions: []Action{
			{Resource: Bucket, ID: "a", Op: Create, Do: do},
			{Resource: BucketPolicy, ID: "a", Op: Create, Do: do, After: []string{"bucket/typo"}},
		}},
		"cycle": {Actions: []Action{
			{Resource: Bucket, ID: "a", Op: Create, Do: do, After: []string{"bucket_cors/a"}},
			{Resource: BucketPolicy, ID: "a", Op: Create, Do: do, After: []string{"bucket/a"}},
			{Resource: BucketCORS, ID: "a", Op: Create, Do: do, After: []string{"bucket_policy/a"}},
		}},
	} {
		res := Apply(context.Background(), p, ApplyOptions{})
		if res.GraphErr == nil || res.Err() == nil {
			t.Errorf("%s: no error", name)
		}
		for i, s := range res.Status {
			if s != NotStarted {
				t.Errorf("%s: %s is %s, want not started", name, res.Actions[i].Key(), s)
			}
		}
	}
	if ran > 0 {
		t.Errorf("%d actions ran from a broken plan", ran)
	}
}

// A panic in an action fails that action with a message saying it is a bug; the others go on.
func TestAPanicInAnActionFailsOnlyThatAction(t *testing.T) {
	t.Parallel()
	p := Plan{Actions: []Action{
		{Resource: Bucket, ID: "a", Op: Create, Do: func(context.Context) error { panic("nil map") }},
		{Resource: Bucket, ID: "b", Op: Create, Do: func(context.Context) error { return nil }},
	}}
	res := Apply(context.Background(), p, ApplyOptions{})
	if res.Status[0] != Failed || !errors.Is(res.Errs[0], ErrBug) || res.Status[1] != Done {
		t.Errorf("statuses %v, errors %v", res.Status, res.Errs)
	}
}

// What the provider does not offer is skipped: not done, not failed, not counted as a
// change, and what comes after it goes on.
func TestNotOfferedIsSkippedAndTheChainGoesOn(t *testing.T) {
	t.Parallel()
	p := Plan{Actions: []Action{
		{Resource: BucketCORS, ID: "a", Op: Create, Do: func(context.Context) error { return &NotOfferedError{Reason: "no CORS here"} }},
		{Resource: BucketPolicy, ID: "a", Op: Create, After: []string{"bucket_cors/a"}, Do: func(context.Context) error { return nil }},
	}}
	var events []Event
	res := Apply(context.Background(), p, ApplyOptions{OnEvent: func(e Event) { events = append(events, e) }})
	if res.Err() != nil || res.Status[0] != Skipped || res.Status[1] != Done || res.Count()[Done] != 1 {
		t.Errorf("statuses %v, err %v, counts %v", res.Status, res.Err(), res.Count())
	}
	if !slices.ContainsFunc(events, func(e Event) bool { return e.Status == Skipped && e.Err != nil && e.Err.Error() == "no CORS here" }) {
		t.Errorf("no skipped event with its reason: %v", events)
	}
}

// goroutineID is the running goroutine's number, from its stack's first line.
func goroutineID() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	id, _, _ := strings.Cut(strings.TrimPrefix(string(buf), "goroutine "), " ")
	return id
}

// An action's provider call runs a hundred SDK frames deep; on a new goroutine it grows the
// stack by copying it at each doubling. Apply runs its actions on workers that keep their
// stack for the next action: never more workers than actions at once, each used again.
func TestApplyRunsActionsOnWorkersNotAGoroutineEach(t *testing.T) {
	var mu sync.Mutex
	ran := map[string]int{} // goroutine → actions it ran
	var p Plan
	for b := range 20 {
		prev := ""
		for _, step := range []string{"create", "versioning", "lifecycle"} {
			a := Action{Resource: Bucket, ID: fmt.Sprintf("b%02d-%s", b, step), Op: Create, Do: func(context.Context) error {
				mu.Lock()
				ran[goroutineID()]++
				mu.Unlock()
				return nil
			}}
			if prev != "" {
				a.After = []string{prev}
			}
			prev = a.Key()
			p.Actions = append(p.Actions, a)
		}
	}
	res := Apply(context.Background(), p, ApplyOptions{Parallel: 4, Retry: fast})
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range ran {
		total += n
	}
	if total != 60 {
		t.Fatalf("%d actions ran, want 60", total)
	}
	if len(ran) > 4 {
		t.Errorf("60 actions ran on %d goroutines, at most 4 at once: want at most 4 workers, each running action after action", len(ran))
	}
}

// Prepare runs while the action's prerequisites are under way, and Do only after it; an
// action that never runs (its prerequisite failed) has its preparation undone.
func TestPrepareRunsAheadAndIsUndoneWhenDoNeverRuns(t *testing.T) {
	bucketMade := make(chan struct{})
	var mu sync.Mutex
	var log []string
	note := func(s string) { mu.Lock(); log = append(log, s); mu.Unlock() }
	prepared := make(chan struct{}, 2)
	p := Plan{Actions: []Action{
		{Resource: Bucket, ID: "made", Op: Create, Do: func(context.Context) error {
			for range 2 { // both files are prepared while this bucket is still being made
				select {
				case <-prepared:
				case <-time.After(10 * time.Second):
					return errors.New("the files were not prepared while the bucket was made")
				}
			}
			note("bucket made")
			close(bucketMade)
			return nil
		}},
		{Resource: Bucket, ID: "refused", Op: Create, Do: func(context.Context) error {
			<-bucketMade
			return errors.New("AccessDenied")
		}},
		{Resource: File, ID: "made.txt", Op: Create, After: []string{"bucket/made"},
			Prepare: func(context.Context) func() {
				note("prepare made.txt")
				prepared <- struct{}{}
				return func() { note("undo made.txt") }
			},
			Do: func(context.Context) error { note("write made.txt"); return nil }},
		{Resource: File, ID: "refused.txt", Op: Create, After: []string{"bucket/refused"},
			Prepare: func(context.Context) func() {
				note("prepare refused.txt")
				prepared <- struct{}{}
				return func() { note("undo refused.txt") }
			},
			Do: func(context.Context) error { note("write refused.txt"); return nil }},
	}}
	res := Apply(context.Background(), p, ApplyOptions{Retry: fast})
	if got := res.Status; !slices.Equal(got, []Status{Done, Failed, Done, NotStarted}) {
		t.Fatalf("statuses %v, want [done failed done not started]", got)
	}
	mu.Lock()
	defer mu.Unlock()
	idx := func(s string) int { return slices.Index(log, s) }
	if idx("write made.txt") < idx("bucket made") || idx("write made.txt") < idx("prepare made.txt") {
		t.Errorf("made.txt written before its bucket or its preparation: %q", log)
	}
	if idx("write refused.txt") >= 0 || idx("undo refused.txt") < 0 {
		t.Errorf("refused.txt: want it never written and its preparation undone: %q", log)
	}
	if idx("undo made.txt") >= 0 {
		t.Errorf("made.txt was written, yet its preparation was undone: %q", log)
	}
}

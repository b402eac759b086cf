package provision

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/assetwiz/assetwiz/internal/deepstack"
)

// Status is where an action stands during apply.
type Status string

// The statuses of an action during apply.
const (
	Pending  Status = "pending"
	Running  Status = "running"
	Retrying Status = "retrying"
	Done     Status = "done"
	Failed   Status = "failed"
	// NotStarted: apply stopped (a failure before it, or Ctrl-C) before the action began.
	NotStarted Status = "not started"
	// Skipped: the provider does not offer what the action makes; nothing was changed and
	// the actions after it go on. Not a change, not a failure.
	Skipped Status = "skipped"
)

// NotOfferedError is what an action returns when the provider answered that it does not
// offer the feature at all (S3 NotImplemented): apply shows it as skipped with Reason.
type NotOfferedError struct{ Reason string }

func (e *NotOfferedError) Error() string { return e.Reason }

// Event reports progress: an action started, is retried, finished or failed.
type Event struct {
	Action  Action
	Status  Status
	Err     error
	Attempt int           // for Retrying: the try that failed
	Wait    time.Duration // for Retrying: the wait before the next try
}

// Result is what apply did to each action, in the plan's order.
type Result struct {
	Actions []Action
	Status  []Status
	Errs    []error
	// Interrupted: apply was told to stop before everything was done.
	Interrupted bool
	// GraphErr: the plan's graph is broken (Plan.Check); nothing was started.
	GraphErr error
}

// Err joins the failures; nil when no action failed.
func (r Result) Err() error {
	return errors.Join(append([]error{r.GraphErr}, r.Errs...)...)
}

// Count counts the changes (not the noops) by status.
func (r Result) Count() map[Status]int {
	out := map[Status]int{}
	for i, s := range r.Status {
		if r.Actions[i].Op != Noop {
			out[s]++
		}
	}
	return out
}

// ApplyOptions tune apply.
type ApplyOptions struct {
	// Parallel bounds how many actions run at once (default DefaultParallel).
	Parallel int
	// OnEvent receives progress, one call at a time.
	OnEvent func(Event)
	// Retry bounds the retries of transient faults.
	Retry RetryPolicy
	// Grace is how long running actions may go on after an interruption before they are
	// cancelled (default 30s).
	Grace time.Duration
}

// Check validates the plan's graph before anything starts: every After names an action of
// the plan, and no action waits on itself through a cycle.
func (p Plan) Check() error {
	index := make(map[string]int, len(p.Actions))
	for i, a := range p.Actions {
		if _, dup := index[a.Key()]; dup {
			return fmt.Errorf("internal error: the plan holds %s twice", a.Key())
		}
		index[a.Key()] = i
	}
	for _, a := range p.Actions {
		for _, dep := range a.After {
			if _, ok := index[dep]; !ok {
				return fmt.Errorf("internal error: %s waits for %s, which is not in the plan", a.Key(), dep)
			}
		}
	}
	// Depth-first search with three colours: grey is on the current path, so reaching a grey
	// action again is a cycle.
	const white, grey, black = 0, 1, 2
	colour := make([]int, len(p.Actions))
	var visit func(i int, path []string) error
	visit = func(i int, path []string) error {
		colour[i] = grey
		path = append(path, p.Actions[i].Key())
		for _, dep := range p.Actions[i].After {
			j := index[dep]
			switch colour[j] {
			case grey:
				return fmt.Errorf("internal error: the plan has a cycle: %s → %s", strings.Join(path, " → "), dep)
			case white:
				if err := visit(j, path); err != nil {
					return err
				}
			}
		}
		colour[i] = black
		return nil
	}
	for i := range p.Actions {
		if colour[i] == white {
			if err := visit(i, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// DefaultParallel is how many actions run at once by default: enough that every bucket of a
// large site (200 directories) has its chain under way at once, so apply takes about one
// bucket's chain of round trips. A provider that finds it too many answers with a throttle
// (503 SlowDown, 429), which is retried with a growing, jittered wait: its rate limit slows the
// run down rather than failing it.
const DefaultParallel = 256

// prepareAtOnce bounds the preparations under way at once (Action.Prepare: file writes, each
// synced to disk; more at once only queue in the kernel).
const prepareAtOnce = 8

// Apply carries out the plan: each action once those it comes After are done, independent
// actions in parallel, transient faults retried. An action whose prerequisite failed is not
// started. When ctx is cancelled no new action starts; running ones may finish within the
// grace time.
func Apply(ctx context.Context, p Plan, opt ApplyOptions) Result {
	if opt.Parallel <= 0 {
		opt.Parallel = DefaultParallel
	}
	if opt.Grace <= 0 {
		opt.Grace = 30 * time.Second
	}
	opt.Retry = opt.Retry.withDefaults()
	n := len(p.Actions)
	res := Result{Actions: p.Actions, Status: make([]Status, n), Errs: make([]error, n)}
	if err := p.Check(); err != nil {
		for i := range res.Status {
			res.Status[i], res.Errs[i] = NotStarted, nil
		}
		res.GraphErr = err
		return res
	}
	index := make(map[string]int, n)
	for i, a := range p.Actions {
		index[a.Key()] = i
		res.Status[i] = Pending
	}
	var emitMu sync.Mutex
	emit := func(e Event) {
		if opt.OnEvent != nil {
			emitMu.Lock()
			defer emitMu.Unlock()
			opt.OnEvent(e)
		}
	}

	// Running actions get a context of their own: an interruption stops new starts at once,
	// but lets running ones finish (a half-made bucket setting helps no one) until the grace.
	runCtx, cancelRun := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRun()
	defer context.AfterFunc(ctx, func() {
		grace := time.NewTimer(opt.Grace)
		defer grace.Stop()
		select {
		case <-grace.C:
			cancelRun()
		case <-runCtx.Done(): // apply returned
		}
	})()

	// The graph as counts: each action's prerequisites not yet done, and who waits on whom.
	// A completion then costs its dependents, not a scan of every action and every After
	// (every file waits for every remote action: files × remote per scan on a large site).
	waiting := make([]int, n)
	dependents := make([][]int, n)
	seen := make([]int, n) // seen[j] == i+1: j already counted for i
	for i, a := range p.Actions {
		for _, dep := range a.After {
			j := index[dep] // Plan.Check made sure it is there
			if seen[j] == i+1 {
				continue
			}
			seen[j] = i + 1
			waiting[i]++
			dependents[j] = append(dependents[j], i)
		}
	}
	ready := &readyQueue{height: chainHeights(dependents)}
	var instant []int // ready actions that need no call (noops)
	makeReady := func(i int) {
		if p.Actions[i].Op == Noop || p.Actions[i].Do == nil {
			instant = append(instant, i)
		} else {
			heap.Push(ready, i)
		}
	}
	// block marks an action not started, and everything that waits on it, directly or not.
	block := func(i int) {
		stack := []int{i}
		for len(stack) > 0 {
			j := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if res.Status[j] != Pending {
				continue
			}
			res.Status[j] = NotStarted
			stack = append(stack, dependents[j]...)
		}
	}
	settled := func(j int, s Status) {
		res.Status[j] = s
		if s != Done && s != Skipped {
			for _, i := range dependents[j] {
				block(i)
			}
			return
		}
		for _, i := range dependents[j] {
			if waiting[i]--; waiting[i] == 0 && res.Status[i] == Pending {
				makeReady(i)
			}
		}
	}
	// Preparations run at once, a few at a time (they are file writes, not provider calls),
	// and an action waits for its own as for a prerequisite.
	prepared := make(chan int)
	undo := make([]func(), n)
	preparing := 0
	prepareSlots := make(chan struct{}, prepareAtOnce)
	for i, a := range p.Actions {
		if a.Prepare == nil || a.Op == Noop || a.Do == nil {
			continue
		}
		waiting[i]++
		preparing++
		go func() {
			prepareSlots <- struct{}{}
			undo[i] = a.Prepare(runCtx)
			<-prepareSlots
			prepared <- i
		}()
	}
	for i := range waiting {
		if waiting[i] == 0 {
			makeReady(i)
		}
	}

	type finished struct {
		i   int
		err error
	}
	done := make(chan finished)
	// Workers, not a goroutine per action: an action's call runs a hundred SDK middleware frames
	// deep, and a new goroutine grows its stack there by copying it at each doubling (a fifth of
	// a 200-bucket apply's CPU). A worker keeps its grown stack for the next action. A worker
	// is idle from the moment its done is received (it goes straight back to jobs), so there are
	// never more workers than actions running at once.
	jobs := make(chan int)
	defer close(jobs)
	work := func(i int) {
		deepstack.Grow()
		for ok := true; ok; i, ok = <-jobs {
			act := p.Actions[i]
			err := withRetries(runCtx, opt.Retry, Recovered(act.Do), func(attempt int, wait time.Duration, err error) {
				emit(Event{Action: act, Status: Retrying, Attempt: attempt, Wait: wait, Err: err})
			})
			done <- finished{i, err}
		}
	}
	running, workers := 0, 0
	start := func(i int) {
		res.Status[i] = Running
		running++
		emit(Event{Action: p.Actions[i], Status: Running})
		if running > workers {
			workers++
			go work(i)
			return
		}
		jobs <- i
	}
	for {
		if ctx.Err() != nil { // interrupted: nothing new starts, noops included
			for _, i := range instant {
				block(i)
			}
			instant = nil
			for ready.Len() > 0 {
				block(heap.Pop(ready).(int))
			}
		}
		for len(instant) > 0 {
			i := instant[0]
			instant = instant[1:]
			settled(i, Done)
		}
		for running < opt.Parallel && ready.Len() > 0 {
			start(heap.Pop(ready).(int))
		}
		if running == 0 && preparing == 0 {
			break
		}
		var f finished
		select {
		case i := <-prepared:
			preparing--
			if waiting[i]--; waiting[i] == 0 && res.Status[i] == Pending {
				makeReady(i)
			}
			continue
		case f = <-done:
		}
		running--
		act := p.Actions[f.i]
		var notOffered *NotOfferedError
		switch {
		case errors.As(f.err, &notOffered):
			res.Errs[f.i] = nil
			settled(f.i, Skipped)
			emit(Event{Action: act, Status: Skipped, Err: notOffered})
		case f.err != nil:
			res.Errs[f.i] = named(act, f.err)
			settled(f.i, Failed)
			emit(Event{Action: act, Status: Failed, Err: res.Errs[f.i]})
		default:
			settled(f.i, Done)
			emit(Event{Action: act, Status: Done})
		}
	}
	for i, s := range res.Status {
		if s == Pending { // waits on something interrupted before it could start
			res.Status[i] = NotStarted
		}
		if res.Status[i] == NotStarted && undo[i] != nil { // its Do never ran
			undo[i]()
		}
	}
	res.Interrupted = ctx.Err() != nil
	return res
}

// readyQueue holds the actions ready to start: those with the longest chain of actions
// waiting on them first, then in the plan's order. With a bound on parallelism this starts
// every bucket before finishing the first one's settings, so the run takes about as long as
// the longest chain, not the chains one after another.
type readyQueue struct {
	items  []int
	height []int
}

func (q *readyQueue) Len() int { return len(q.items) }
func (q *readyQueue) Less(a, b int) bool {
	x, y := q.items[a], q.items[b]
	if q.height[x] != q.height[y] {
		return q.height[x] > q.height[y]
	}
	return x < y
}
func (q *readyQueue) Swap(a, b int) { q.items[a], q.items[b] = q.items[b], q.items[a] }
func (q *readyQueue) Push(x any)    { q.items = append(q.items, x.(int)) }
func (q *readyQueue) Pop() any {
	last := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	return last
}

// chainHeights is, for each action, the longest chain of actions waiting on it (the graph
// has no cycle: Plan.Check).
func chainHeights(dependents [][]int) []int {
	height := make([]int, len(dependents))
	known := make([]bool, len(dependents))
	var of func(j int) int
	of = func(j int) int {
		if !known[j] {
			for _, i := range dependents[j] {
				height[j] = max(height[j], of(i)+1)
			}
			known[j] = true
		}
		return height[j]
	}
	for j := range dependents {
		of(j)
	}
	return height
}

// Recovered turns a panic in do into its error (ErrBug), so one bug fails one action and the
// run ends with exit 1 and a message rather than a stack trace from a goroutine.
func Recovered(do func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%w: %v", ErrBug, r)
			}
		}()
		return do(ctx)
	}
}

// ErrBug marks an error that comes from a bug in assetwiz, not from the provider or the input.
var ErrBug = errors.New("internal error (a bug in assetwiz; please report it at " + ReportURL + ")")

// ReportURL is where bugs are reported.
const ReportURL = "https://github.com/assetwiz/assetwiz/issues"

// named prefixes an action's error with the resource it concerns, unless the backend did.
func named(act Action, err error) error {
	prefix := fmt.Sprintf("%s %s", act.Resource, act.ID)
	if strings.HasPrefix(err.Error(), prefix) {
		return err
	}
	return fmt.Errorf("%s: %w", prefix, err)
}

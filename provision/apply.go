package provision

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
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
	Skipped  Status = "not started"
)

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
}

// Err joins the failures; nil when no action failed.
func (r Result) Err() error {
	return errors.Join(r.Errs...)
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
	// Parallel bounds how many actions run at once (default 16).
	Parallel int
	// OnEvent receives progress, one call at a time.
	OnEvent func(Event)
	// Retry bounds the retries of transient faults.
	Retry RetryPolicy
	// Grace is how long running actions may go on after an interruption before they are
	// cancelled (default 30s).
	Grace time.Duration
}

// Apply carries out the plan: each action once those it comes After are done, independent
// actions in parallel, transient faults retried. An action whose prerequisite failed is not
// started. When ctx is cancelled no new action starts; running ones may finish within the
// grace time.
func Apply(ctx context.Context, p Plan, opt ApplyOptions) Result {
	if opt.Parallel <= 0 {
		opt.Parallel = 16
	}
	if opt.Grace <= 0 {
		opt.Grace = 30 * time.Second
	}
	opt.Retry = opt.Retry.withDefaults()
	n := len(p.Actions)
	res := Result{Actions: p.Actions, Status: make([]Status, n), Errs: make([]error, n)}
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

	type finished struct {
		i   int
		err error
	}
	done := make(chan finished)
	running := 0
	order := byLongestChain(p.Actions, index)
	for {
		for progress := true; progress; { // settle every action that can be settled now
			progress = false
			for _, i := range order {
				if res.Status[i] != Pending {
					continue
				}
				ready, blocked := depsState(p.Actions[i], index, res.Status)
				switch {
				case blocked || ctx.Err() != nil:
					res.Status[i], progress = Skipped, true
				case !ready:
				case p.Actions[i].Op == Noop || p.Actions[i].Do == nil:
					res.Status[i], progress = Done, true
				case running < opt.Parallel:
					res.Status[i] = Running
					running++
					act := p.Actions[i]
					emit(Event{Action: act, Status: Running})
					go func(i int) {
						err := withRetries(runCtx, opt.Retry, act.Do, func(attempt int, wait time.Duration, err error) {
							emit(Event{Action: act, Status: Retrying, Attempt: attempt, Wait: wait, Err: err})
						})
						done <- finished{i, err}
					}(i)
				}
			}
		}
		if running == 0 {
			break
		}
		f := <-done
		running--
		act := p.Actions[f.i]
		if f.err != nil {
			res.Status[f.i], res.Errs[f.i] = Failed, named(act, f.err)
			emit(Event{Action: act, Status: Failed, Err: res.Errs[f.i]})
		} else {
			res.Status[f.i] = Done
			emit(Event{Action: act, Status: Done})
		}
	}
	res.Interrupted = ctx.Err() != nil
	return res
}

// depsState says whether an action's prerequisites are all done (ready), or one of them
// failed or was not started (blocked).
func depsState(a Action, index map[string]int, status []Status) (ready, blocked bool) {
	for _, dep := range a.After {
		j, ok := index[dep]
		if !ok {
			continue // a prerequisite outside this plan is already in place
		}
		switch status[j] {
		case Failed, Skipped:
			return false, true
		case Done:
		default:
			return false, false
		}
	}
	return true, false
}

// named prefixes an action's error with the resource it concerns, unless the backend did.
func named(act Action, err error) error {
	prefix := fmt.Sprintf("%s %s", act.Resource, act.ID)
	if strings.HasPrefix(err.Error(), prefix) {
		return err
	}
	return fmt.Errorf("%s: %w", prefix, err)
}

// byLongestChain orders the actions for starting: those with the longest chain of actions
// waiting on them first, then in the plan's order. With a bound on parallelism this starts
// every bucket before finishing the first one's settings, so the run takes about as long as
// the longest chain, not the chains one after another.
func byLongestChain(actions []Action, index map[string]int) []int {
	height := make([]int, len(actions)) // the longest chain of dependents below each action
	// Iterate to a fixpoint (plans are shallow); the bound stops a cycle from looping forever.
	for pass, changed := 0, true; changed && pass <= len(actions); pass++ {
		changed = false
		for i, a := range actions {
			for _, dep := range a.After {
				if j, ok := index[dep]; ok && height[j] < height[i]+1 {
					height[j], changed = height[i]+1, true
				}
			}
		}
	}
	order := make([]int, len(actions))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool { return height[order[x]] > height[order[y]] })
	return order
}

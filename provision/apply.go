package provision

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Status is where an action stands during apply.
type Status string

// The statuses of an action during apply.
const (
	Pending Status = "pending"
	Running Status = "running"
	Done    Status = "done"
	Failed  Status = "failed"
	Skipped Status = "not started"
)

// Event reports progress: an action started, finished or failed.
type Event struct {
	Action Action
	Status Status
	Err    error
}

// Result is what apply did to each action, in the plan's order.
type Result struct {
	Actions []Action
	Status  []Status
	Errs    []error
}

// Err is the first failure, nil when every action is done.
func (r Result) Err() error {
	var errs []error
	for _, e := range r.Errs {
		if e != nil {
			errs = append(errs, e)
		}
	}
	return errors.Join(errs...)
}

// ApplyOptions tune apply.
type ApplyOptions struct {
	// Parallel bounds how many actions run at once (default 8).
	Parallel int
	// OnEvent receives progress; it is called from several goroutines, one call at a time.
	OnEvent func(Event)
}

// Apply carries out the plan: each action once those it comes After are done, independent
// actions in parallel. An action whose prerequisite failed is not started. When ctx is
// cancelled no new action starts; running ones finish.
func Apply(ctx context.Context, p Plan, opt ApplyOptions) Result {
	n := len(p.Actions)
	res := Result{Actions: p.Actions, Status: make([]Status, n), Errs: make([]error, n)}
	if opt.Parallel <= 0 {
		opt.Parallel = 8
	}
	index := map[string]int{}
	for i, a := range p.Actions {
		index[a.Key()] = i
		res.Status[i] = Pending
	}
	var mu sync.Mutex
	emit := func(e Event) {
		if opt.OnEvent != nil {
			opt.OnEvent(e)
		}
	}
	sem := make(chan struct{}, opt.Parallel)
	var wg sync.WaitGroup
	// ready reports whether i can start now; blocked whether it never can. Called with mu held.
	state := func(i int) (ready, blocked bool) {
		for _, dep := range p.Actions[i].After {
			j, ok := index[dep]
			if !ok {
				continue // a prerequisite outside this plan is already in place
			}
			switch res.Status[j] {
			case Failed, Skipped:
				return false, true
			case Done:
			default:
				return false, false
			}
		}
		return true, false
	}
	wake := make(chan struct{}, 1)
	for {
		mu.Lock()
		progress, remaining := false, 0
		for i := range p.Actions {
			if res.Status[i] != Pending {
				continue
			}
			ready, blocked := state(i)
			switch {
			case blocked || ctx.Err() != nil:
				res.Status[i] = Skipped
				progress = true
				continue
			case !ready:
				remaining++
				continue
			}
			act := p.Actions[i]
			if act.Op == Noop || act.Do == nil {
				res.Status[i] = Done
				progress = true
				continue
			}
			res.Status[i] = Running
			remaining++
			wg.Add(1)
			go func(i int, act Action) {
				defer wg.Done()
				sem <- struct{}{}
				mu.Lock()
				emitLocked := func(e Event) { emit(e) }
				emitLocked(Event{Action: act, Status: Running})
				mu.Unlock()
				err := act.Do(ctx)
				<-sem
				mu.Lock()
				if err != nil {
					res.Status[i], res.Errs[i] = Failed, fmt.Errorf("%s %s: %w", act.Resource, act.ID, err)
					emit(Event{Action: act, Status: Failed, Err: res.Errs[i]})
				} else {
					res.Status[i] = Done
					emit(Event{Action: act, Status: Done})
				}
				mu.Unlock()
				select {
				case wake <- struct{}{}:
				default:
				}
			}(i, act)
		}
		running := 0
		for i := range p.Actions {
			if res.Status[i] == Running {
				running++
			}
		}
		mu.Unlock()
		if progress {
			continue
		}
		if running == 0 {
			break // nothing running and nothing can start: every action has its status
		}
		select {
		case <-wake:
		case <-ctx.Done():
			<-wake // a running action finishes; the next round marks the rest not started
		}
	}
	wg.Wait()
	return res
}

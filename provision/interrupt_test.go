package provision_test

import (
	"context"
	"errors"
	"testing"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// busyBackend plans in a loop that never looks at ctx, until released.
type busyBackend struct{ started, release chan struct{} }

func (b busyBackend) Plan(context.Context, *steps.Answers) (provision.Plan, error) {
	close(b.started)
	<-b.release
	return provision.Plan{}, nil
}

// Finding 9: planning stops on Ctrl-C or SIGTERM (the run's context) even while a backend
// is busy in a loop that does not check it (a 300 000-directory offline plan).
func TestMakeStopsWhenTheRunIsInterrupted(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	b := busyBackend{started: make(chan struct{}), release: make(chan struct{})}
	defer close(b.release)
	done := make(chan error, 1)
	go func() {
		_, err := provision.Make(ctx, &steps.Answers{}, b)
		done <- err
	}()
	<-b.started
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestInterruptibleReturnsTheResult(t *testing.T) {
	t.Parallel()
	v, err := provision.Interruptible(context.Background(), func() (int, error) { return 42, nil })
	if v != 42 || err != nil {
		t.Errorf("got %v %v", v, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	if _, err := provision.Interruptible(ctx, func() (int, error) { ran = true; return 0, nil }); !errors.Is(err, context.Canceled) || ran {
		t.Errorf("an interrupted run started f (%v) or did not say so: %v", ran, err)
	}
}

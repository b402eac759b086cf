package efs

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/efs/types"
)

func TestPollHonoursTheContext(t *testing.T) {
	t.Parallel()
	l := &Live{Wait: Wait{First: time.Millisecond, Max: 5 * time.Millisecond, Timeout: time.Minute}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	start, polls := time.Now(), 0
	err := l.poll(ctx, "file system fs-1", func(context.Context) (types.LifeCycleState, error) {
		polls++
		return types.LifeCycleStateCreating, nil
	})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second { // generous: a loaded machine schedules late
		t.Errorf("poll: %v after %s, want the context's deadline at once", err, time.Since(start))
	}
	if polls < 3 {
		t.Errorf("polled %d times in 30ms with a 1-5ms backoff", polls)
	}
}

func TestPollBacksOff(t *testing.T) {
	t.Parallel()
	l := &Live{Wait: Wait{First: 2 * time.Millisecond, Max: 8 * time.Millisecond, Timeout: 40 * time.Millisecond}}
	var at []time.Time
	err := l.poll(context.Background(), "mount target fsmt-1", func(context.Context) (types.LifeCycleState, error) {
		at = append(at, time.Now())
		return types.LifeCycleStateCreating, nil
	})
	if err == nil || len(at) > 10 {
		t.Fatalf("poll: %v after %d polls, want a timeout after a few", err, len(at))
	}
	if gap := at[len(at)-1].Sub(at[len(at)-2]); gap < 8*time.Millisecond {
		t.Errorf("last pause %s, want it grown to the 8ms maximum", gap)
	}
}

func TestPollStopsOnErrorState(t *testing.T) {
	t.Parallel()
	l := &Live{Wait: DefaultWait}
	err := l.poll(context.Background(), "file system fs-1", func(context.Context) (types.LifeCycleState, error) {
		return types.LifeCycleStateError, nil
	})
	if err == nil || err.Error() != "file system fs-1 is in state error" {
		t.Errorf("poll: %v", err)
	}
}

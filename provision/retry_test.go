package provision

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A refused connection is tried again, but only refusedTries times in all: a wrong port
// is said within a second. Other transient faults get every try of the policy.
func TestRefusedConnectionsGiveUpSooner(t *testing.T) {
	t.Parallel()
	p := RetryPolicy{Attempts: 6, Base: time.Millisecond, Max: 2 * time.Millisecond, Total: time.Minute}
	for _, tc := range []struct {
		err  error
		want int
	}{
		{fmt.Errorf("dial tcp 127.0.0.1:9: connect: %w", syscall.ECONNREFUSED), refusedTries},
		{fmt.Errorf("read: %w", syscall.ECONNRESET), 6},
	} {
		tries := 0
		err := Retry(context.Background(), p, func(context.Context) error { tries++; return tc.err })
		if tries != tc.want {
			t.Errorf("%v: %d tries, want %d", tc.err, tries, tc.want)
		}
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("gave up after %d tries", tc.want)) {
			t.Errorf("%v: error %v, want it to say it gave up after %d tries", tc.err, err, tc.want)
		}
	}
}

type slowDown struct{ code string }

func (e slowDown) Error() string     { return e.code + ": Please reduce your request rate." }
func (e slowDown) ErrorCode() string { return e.code }

// A throttled provider is backed off and tried again past the policy's tries (sync under
// throttling ran out of the SDK's quota): only the action's time bound ends it.
func TestThrottlingIsBackedOffNotFailed(t *testing.T) {
	t.Parallel()
	p := RetryPolicy{Attempts: 3, Base: time.Millisecond, Max: 2 * time.Millisecond, Total: time.Minute}
	for _, throttle := range []error{slowDown{"SlowDown"}, &StatusError{Status: 429, Err: fmt.Errorf("too many requests")}} {
		tries := 0
		err := Retry(context.Background(), p, func(context.Context) error {
			if tries++; tries <= 10 {
				return throttle
			}
			return nil
		})
		if err != nil || tries != 11 {
			t.Errorf("%v: %d tries, error %v; want success on the 11th try", throttle, tries, err)
		}
	}
	// Other transient faults keep the policy's tries.
	tries := 0
	_ = Retry(context.Background(), p, func(context.Context) error { tries++; return slowDown{"InternalError"} })
	if tries != 3 {
		t.Errorf("InternalError: %d tries, want 3", tries)
	}
}

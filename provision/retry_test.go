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

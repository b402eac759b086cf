package provision

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"syscall"
	"time"
)

// RetryPolicy bounds the retries of one action: in count and in total time.
type RetryPolicy struct {
	Attempts int           // tries in all, the first included (default 6)
	Base     time.Duration // the first backoff (default 250ms), doubled each time
	Max      time.Duration // the longest single wait (default 10s)
	Total    time.Duration // no retry starts after this much time on the action (default 2m)
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.Attempts <= 0 {
		p.Attempts = 6
	}
	if p.Base <= 0 {
		p.Base = 250 * time.Millisecond
	}
	if p.Max <= 0 {
		p.Max = 10 * time.Second
	}
	if p.Total <= 0 {
		p.Total = 2 * time.Minute
	}
	return p
}

// backoff is the wait before retry n (1-based): exponential with full jitter, so parallel
// actions throttled together do not come back together.
func (p RetryPolicy) backoff(n int) time.Duration {
	d := p.Base << (n - 1)
	if d > p.Max || d <= 0 {
		d = p.Max
	}
	return d/2 + rand.N(d/2+1)
}

// StatusError is an error with the HTTP status of the answer it came from, for SDK errors
// that do not otherwise tell the executor their status (Cloudflare's), and the wait the
// server asked for (Retry-After).
type StatusError struct {
	Status     int
	RetryAfter time.Duration
	Err        error
}

func (e *StatusError) Error() string             { return e.Err.Error() }
func (e *StatusError) Unwrap() error             { return e.Err }
func (e *StatusError) HTTPStatusCode() int       { return e.Status }
func (e *StatusError) RetryDelay() time.Duration { return e.RetryAfter }

// transientCodes are S3 and AWS error codes that a later try may not get.
var transientCodes = map[string]bool{
	"SlowDown": true, "Throttling": true, "ThrottlingException": true, "RequestLimitExceeded": true,
	"TooManyRequestsException": true, "RequestTimeout": true, "RequestTimeoutException": true,
	"InternalError": true, "InternalFailure": true, "ServiceUnavailable": true, "OperationAborted": true,
}

// Transient reports whether err may go away on a retry, and how long the server asked to
// wait (0 when it did not say). Errors that will not change (403, 400, a bucket name taken)
// are not transient.
func Transient(err error) (bool, time.Duration) {
	if err == nil || errors.Is(err, context.Canceled) {
		return false, 0
	}
	var wait time.Duration
	var delay interface{ RetryDelay() time.Duration }
	if errors.As(err, &delay) {
		wait = delay.RetryDelay()
	}
	var coded interface{ ErrorCode() string }
	if errors.As(err, &coded) && transientCodes[coded.ErrorCode()] {
		return true, wait
	}
	var status interface{ HTTPStatusCode() int }
	if errors.As(err, &status) {
		switch status.HTTPStatusCode() {
		case 429, 500, 502, 503, 504:
			return true, wait
		case 0:
		default:
			return false, 0
		}
	}
	var netErr net.Error
	switch {
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), errors.Is(err, context.DeadlineExceeded):
		return true, wait
	case errors.As(err, &netErr) && netErr.Timeout():
		return true, wait
	}
	return false, 0
}

// throttleCodes are the error codes of a provider asking for fewer requests.
var throttleCodes = map[string]bool{
	"SlowDown": true, "Throttling": true, "ThrottlingException": true, "RequestLimitExceeded": true,
	"TooManyRequestsException": true, "TooManyRequests": true,
}

// Throttled reports whether err is a provider asking to slow down (503 SlowDown, 429).
func Throttled(err error) bool {
	var coded interface{ ErrorCode() string }
	if errors.As(err, &coded) && throttleCodes[coded.ErrorCode()] {
		return true
	}
	var status interface{ HTTPStatusCode() int }
	return errors.As(err, &status) && status.HTTPStatusCode() == 429
}

// Retry runs do under the policy, for reads outside apply (plan, verify): the same bounds
// in tries and time as an action of apply.
func Retry(ctx context.Context, p RetryPolicy, do func(context.Context) error) error {
	return withRetries(ctx, p.withDefaults(), do, func(int, time.Duration, error) {})
}

// withRetries runs do until it succeeds, fails for good, or the policy is spent; each retry
// is reported through onRetry before its wait. The tries together never take longer than
// p.Total: a request still running then is cancelled and the error says the bound.
func withRetries(ctx context.Context, p RetryPolicy, do func(context.Context) error, onRetry func(attempt int, wait time.Duration, err error)) error {
	start := time.Now()
	bounded, cancel := context.WithTimeoutCause(ctx, p.Total, errActionBound)
	defer cancel()
	for attempt := 1; ; attempt++ {
		err := do(bounded)
		if err == nil {
			return nil
		}
		if ctx.Err() == nil && context.Cause(bounded) == errActionBound {
			return fmt.Errorf("%w (gave up: an action may take at most %s, tries included)", err, p.Total)
		}
		again, wait := Transient(err)
		tries := p.Attempts
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			tries = min(tries, refusedTries)
		case Throttled(err):
			// A provider asking to slow down is obeyed, not given up on: only the action's
			// time bound (p.Total) ends its tries.
			tries = math.MaxInt
		}
		if !again || attempt >= tries || ctx.Err() != nil {
			if again && attempt >= tries {
				return fmt.Errorf("%w (gave up after %d tries in %s)", err, attempt, time.Since(start).Round(time.Millisecond))
			}
			return err
		}
		if b := p.backoff(attempt); wait < b {
			wait = b
		}
		if wait > p.Max {
			wait = p.Max
		}
		if time.Since(start)+wait > p.Total {
			return fmt.Errorf("%w (gave up after %d tries in %s: the next would pass the bound of %s for one action)", err, attempt, time.Since(start).Round(time.Millisecond), p.Total)
		}
		onRetry(attempt, wait, err)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return err
		}
	}
}

// refusedTries bounds the tries of a request whose connection was refused: a server that is
// restarting comes back within a second, but a wrong port or a stopped server will not, and
// the user should hear so in a second, not after the whole backoff (≈ 4–8 s).
const refusedTries = 3

// errActionBound is the cause of an action's context ending at RetryPolicy.Total.
var errActionBound = errors.New("the action's time bound was reached")

package provision

import "context"

// Interruptible runs f and returns its result, or ctx's error as soon as ctx is done, so
// that a long computation that does not look at ctx itself (loading or planning a hundred
// thousand directories) still stops at once on Ctrl-C or SIGTERM. f then runs on in the
// background until it ends, and its result is dropped: it must only compute, not write.
func Interruptible[T any](ctx context.Context, f func() (T, error)) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1) // buffered: the dropped result does not block f's goroutine
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

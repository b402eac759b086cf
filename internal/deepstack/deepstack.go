// Package deepstack readies a goroutine for calls that run deep, such as the AWS SDK's (about
// a hundred middleware frames).
//
// A goroutine starts on a small stack and grows it by doubling when a call needs more; each
// doubling copies the stack and adjusts every frame on it, so growing while deep inside the
// SDK costs several copies of a deep stack. Grow, called first thing, makes the stack big
// enough in one step while it holds a single frame.
package deepstack

// Size is the stack Grow readies: what one S3 call through the SDK uses.
const Size = 32 << 10

// Grow grows the calling goroutine's stack to hold about Size bytes (a no-op on a stack that
// already does).
func Grow() { grow(0) }

// grow's frame holds a large array, so its entry asks the runtime for a stack that large; the
// array itself is touched only when n > 0 (never): the new stack's pages are faulted in only
// as the calls after use them, not all at once by zeroing the array.
//
//go:noinline
func grow(n int) {
	if n > 0 {
		var frame [Size - 2<<10]byte // a little under Size: the runtime rounds up to the power of 2
		use(frame[:n])
	}
}

//go:noinline
func use([]byte) {}

//go:build race

package tui

// The race detector slows the program several times over: the typist waits longer.
func init() { typistPause, screenWait = 4*typistPause, 3*screenWait }

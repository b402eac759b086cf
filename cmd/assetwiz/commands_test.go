package main

import (
	"bytes"
	"strings"
	"testing"
)

// The help hint of bad input names the command cobra ran, found in the command tree: an
// answer that happens to be a command's name (--mode plan) names no command.
func TestBadInputHintNamesTheCommandFromTheTree(t *testing.T) {
	for _, c := range []struct {
		args []string
		hint string
	}{
		{[]string{"plan", "--bogus"}, "See 'assetwiz plan --help'."},
		{[]string{"backup", "--progress", "x", "--transfers", "many"}, "See 'assetwiz backup --help'."},
		{[]string{"--mode", "plan"}, "See 'assetwiz --help'."}, // the wizard, without a terminal
		{[]string{"completion", "tcsh"}, "See 'assetwiz completion --help'."},
	} {
		code, stderr := run(c.args, &bytes.Buffer{}, &bytes.Buffer{})
		if code != exitBadInput || !strings.Contains(stderr, c.hint) {
			t.Errorf("assetwiz %s: exit %d, want 64 and %q in:\n%s", strings.Join(c.args, " "), code, c.hint, stderr)
		}
	}
}

package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
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

// Bad input keeps the error it was made from in its chain (errors.Is and errors.As see
// through it), with the same words and exit 64.
func TestBadInputKeepsItsChain(t *testing.T) {
	cause := errors.New("the cause")
	err := badInput("-o: override file %w", cause)
	if !errors.Is(err, cause) || exitCode(err) != exitBadInput || err.Error() != "-o: override file the cause" {
		t.Errorf("badInput: Is %v, exit %d, %q", errors.Is(err, cause), exitCode(err), err)
	}
	ps := steps.Problems{{Key: "mode", Message: "is required"}}
	var got steps.Problems
	if err := badInput("%w", ps); !errors.As(err, &got) || len(got) != 1 || got[0].Key != "mode" {
		t.Errorf("errors.As through badInput found %v", got)
	}
}

// The commands' bad input keeps what it was made from: the problems of the answers, the
// gate's data-loss refusal, cobra's flag error.
func TestCommandsBadInputKeepsItsChain(t *testing.T) {
	root := commandTree()
	root.SetArgs([]string{"plan", "--offline", "--mode", "temporal", "--application", "wordpress", "--website-url", "example.com", "--provider", "digitalocean"})
	err := root.Execute()
	var ps steps.Problems
	if exitCode(err) != exitBadInput || !errors.As(err, &ps) || ps[0].Key != "website_url" {
		t.Errorf("plan with a bad answer: exit %d, problems %v (%v)", exitCode(err), ps, err)
	}
	var loss *provision.DataLossError
	if err := gateRefusal(&provision.DataLossError{Buckets: []string{"b"}}); exitCode(err) != exitBadInput || !errors.As(err, &loss) {
		t.Errorf("data-loss refusal: exit %d, lost its chain: %v", exitCode(err), err)
	}
}

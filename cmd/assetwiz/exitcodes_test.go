package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// panicWriter panics on every write: a bug somewhere under a command.
type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("a bug under test") }

// failWriter fails every write: stdout closed, or a full disk.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("write /dev/stdout: broken pipe") }

func run(args []string, stdout *bytes.Buffer, out interface{ Write([]byte) (int, error) }) (int, string) {
	var stderr bytes.Buffer
	code := Main(context.Background(), args, Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: &stderr})
	return code, stderr.String()
}

func TestAPanicIsExit1AndOneLineSayingItIsABug(t *testing.T) {
	t.Parallel()
	code, stderr := run([]string{"version"}, nil, panicWriter{})
	if code != exitFailure {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(stderr, "This is a bug in assetwiz") || !strings.Contains(stderr, "https://github.com/assetwiz/assetwiz/issues") ||
		strings.Contains(stderr, "goroutine") {
		t.Errorf("stderr does not say it is a bug and where to report it, or holds a trace:\n%s", stderr)
	}
}

func TestAFailedWriteToStdoutIsExit1(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"version"}, {"plan", "--offline", "--mode", "temporal", "--application", "wordpress", "--website-url", "www.example.com", "--provider", "digitalocean"}} {
		code, stderr := run(args, nil, failWriter{})
		if code != exitFailure {
			t.Errorf("%v with stdout failing: exit %d, want 1\n%s", args, code, stderr)
		}
		if strings.Contains(stderr, "Nothing was changed. See") {
			t.Errorf("%v: a failed write is called bad input:\n%s", args, stderr)
		}
	}
}

// Bad input is what cobra refuses (unknown command, flag, arguments) and what is marked so.
func TestUsageErrorsAreBadInput(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"frobnicate"}, {"plan", "extra-argument"}, {"plan", "--no-such-flag"}} {
		var stdout bytes.Buffer
		if code, stderr := run(args, &stdout, &stdout); code != exitBadInput {
			t.Errorf("%v: exit %d, want 64\n%s", args, code, stderr)
		}
	}
}

// A misspelled command is bad input that says which command was meant, on its one line.
func TestMisspelledCommandSaysWhichWasMeant(t *testing.T) {
	t.Parallel()
	for typed, meant := range map[string]string{"aply": "did you mean apply?", "verfy": "did you mean verify?", "bakup": "did you mean backup?", "sinc": "did you mean sync?"} {
		var out bytes.Buffer
		code, stderr := run([]string{typed}, &out, &out)
		if code != exitBadInput || !strings.Contains(stderr, meant) {
			t.Errorf("assetwiz %s: exit %d, want 64 with %q:\n%s", typed, code, meant, stderr)
		}
	}
	var out bytes.Buffer
	if _, stderr := run([]string{"frobnicate"}, &out, &out); strings.Contains(stderr, "did you mean") {
		t.Errorf("a suggestion for a word like no command:\n%s", stderr)
	}
}

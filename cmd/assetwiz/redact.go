package main

import (
	"io"
	"os"
	"strings"
	"sync"
)

// redactor replaces known secret values in everything written through it, a last line of
// defence so that no key or token is ever printed, whatever message carries it.
type redactor struct {
	mu      sync.Mutex
	w       io.Writer
	secrets []string
	// dir is the run's folder (Env.Dir) with a trailing slash, "" for the working directory:
	// the paths the user gave relative to it are opened as dir/path and printed as written, as
	// a run started in that folder prints them.
	dir string
}

func (r *redactor) setSecrets(values []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secrets = nil
	for _, v := range values {
		if len(v) >= 4 { // shorter values would mangle ordinary text
			r.secrets = append(r.secrets, v)
		}
	}
}

func (r *redactor) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.secrets) == 0 && r.dir == "" {
		return r.w.Write(p)
	}
	s := string(p)
	if r.dir != "" {
		s = strings.ReplaceAll(s, r.dir, "")
	}
	for _, v := range r.secrets {
		s = strings.ReplaceAll(s, v, "(sensitive)")
	}
	if _, err := io.WriteString(r.w, s); err != nil {
		return 0, err
	}
	return len(p), nil
}

// terminalRedactor is a redactor over a terminal that still says it is one (Fd), so that
// Bubble Tea reads the terminal's width and follows its resizes: without the width it can
// neither cut a long line nor erase what the last frame left at the end of one.
type terminalRedactor struct {
	*redactor
	f *os.File
}

func (t terminalRedactor) Read(p []byte) (int, error) { return t.f.Read(p) }
func (t terminalRedactor) Close() error               { return nil } // the stream outlives the view
func (t terminalRedactor) Fd() uintptr                { return t.f.Fd() }

// uiOutput is stderr for a Bubble Tea view: redacted, and still a terminal when it is one.
func (a *app) uiOutput() io.Writer {
	if f, ok := a.env.Stderr.(*os.File); ok {
		return terminalRedactor{redactor: a.stderr, f: f}
	}
	return a.stderr
}

package main

import (
	"io"
	"strings"
	"sync"
)

// redactor replaces known secret values in everything written through it, a last line of
// defence so that no key or token is ever printed, whatever message carries it.
type redactor struct {
	mu      sync.Mutex
	w       io.Writer
	secrets []string
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
	if len(r.secrets) == 0 {
		return r.w.Write(p)
	}
	s := string(p)
	for _, v := range r.secrets {
		s = strings.ReplaceAll(s, v, "(sensitive)")
	}
	if _, err := io.WriteString(r.w, s); err != nil {
		return 0, err
	}
	return len(p), nil
}

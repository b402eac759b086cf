package main

import (
	"errors"
	"fmt"
)

// Exit codes of the contract.
const (
	exitOK          = 0
	exitFailure     = 1
	exitChanges     = 2
	exitBadInput    = 64
	exitInterrupted = 130
)

// exitError carries the exit code an error ends the run with. Errors that are not one are
// cobra's own (unknown flag or command, wrong arguments): bad input.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}
func (e exitError) Unwrap() error { return e.err }

func badInput(format string, args ...any) error {
	return exitError{exitBadInput, fmt.Errorf(format, args...)}
}

func failure(err error) error { return exitError{exitFailure, err} }

// silentExit ends the run with a code and no message (the message was already shown).
func silentExit(code int) error { return exitError{code: code} }

func exitCode(err error) int {
	var e exitError
	if errors.As(err, &e) {
		return e.code
	}
	return exitBadInput
}

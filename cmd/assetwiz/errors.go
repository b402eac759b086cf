package main

import (
	"errors"
	"fmt"

	"github.com/assetwiz/assetwiz/internal/shellword"

	"github.com/spf13/cobra"

	"github.com/assetwiz/assetwiz/provision"
)

// Exit codes of the contract.
const (
	exitOK          = 0
	exitFailure     = 1
	exitChanges     = 2
	exitBadInput    = 64
	exitInterrupted = 130
)

// exitError carries the exit code an error ends the run with. An error that is not one is a
// failure (exit 1): only what is marked bad input (badInput, and cobra's own complaints about
// flags, commands and arguments, wrapped in markUsageErrors) exits 64, "nothing was changed".
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

// badInput is bad input (exit 64) in fmt.Errorf's words: an error given with %w stays in the
// chain, for errors.Is and errors.As.
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
	return exitFailure
}

// flagError makes cobra's complaint about a flag (unknown, or a value of the wrong type) bad
// input; it is the root's flag error function, which every command inherits.
func flagError(_ *cobra.Command, err error) error { return badInput("%w", err) }

// markUsageErrors makes cobra's complaints about arguments (an unknown command, arguments
// where none are taken) bad input, for every command of the tree. Flag errors are marked by
// the root's flag error function.
func markUsageErrors(cmd *cobra.Command) {
	if check := cmd.Args; check != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			if err := check(c, args); err != nil {
				return badInput("%w%s", err, positionalHint(c, args))
			}
			return nil
		}
	}
	for _, sub := range cmd.Commands() {
		markUsageErrors(sub)
	}
}

// positionalHint says where an argument given without its flag goes: the commands take no
// arguments, and `assetwiz plan site.yaml` or `assetwiz sync --dry-run /var/www/html` meant
// the answers file or the folder.
func positionalHint(c *cobra.Command, args []string) string {
	if len(args) == 0 {
		return ""
	}
	quoted := shellword.Quote(args[0])
	switch {
	case c.Flags().Lookup("from") != nil:
		return "; " + c.Name() + " takes the folder as --from: assetwiz " + c.Name() + " --from " + quoted
	case c.Flags().Lookup("answers") != nil:
		return "; the answers file goes after -f: assetwiz " + c.Name() + " -f " + quoted
	}
	return ""
}

// bugMessage is the one line a panic ends in: it is a bug, and where to report it.
func bugMessage(r any) string {
	return fmt.Sprintf("assetwiz: internal error: %v\nThis is a bug in assetwiz, not in your answers or your provider: please report it at %s with the command you ran.",
		r, provision.ReportURL)
}

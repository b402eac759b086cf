// Package shellword writes a value as one word of POSIX shell, for the scripts and commands
// assetwiz prints. Values are validated first where they come from answers; quoting is the
// second wall, so that a value is data even if a check were to let something through.
package shellword

import (
	"regexp"
	"strings"
)

// Quote is s as one word of POSIX shell: left bare when the shell reads it as itself (a
// readable script), else single-quoted with ' written '\”.
func Quote(s string) string {
	if plain.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// plain is a word the shell reads as itself, with no quoting.
var plain = regexp.MustCompile(`^[A-Za-z0-9_./:=,+@%-]+$`)

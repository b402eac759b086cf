package override

import (
	"fmt"
	"strings"

	"github.com/assetwiz/assetwiz/steps"
)

// ownedLine is an export line split around its statement: what comes before it (the
// indentation) and after it (a trailing comment), both kept when the value is replaced.
type ownedLine struct {
	indent, rest string
	// other is true when something else than a comment follows the statement (`; export
	// B=1`, `&& …`, a line continuation, an unclosed quote): replacing the line would lose it.
	other bool
}

// splitExportLine splits a line that steps.ParseExportLine accepted (without its line end).
func splitExportLine(body string) ownedLine {
	trimmed := strings.TrimLeft(body, " \t")
	l := ownedLine{indent: body[:len(body)-len(trimmed)]}
	eq := strings.IndexByte(trimmed, '=')
	v := trimmed[eq+1:]
	end := 0
	switch {
	case v == "":
	case v[0] == '"':
		end = closingQuote(v)
	case v[0] == '\'':
		if i := strings.IndexByte(v[1:], '\''); i >= 0 {
			end = i + 2
		} else {
			end = -1
		}
	default: // an unquoted word ends at a blank or an operator
		end = strings.IndexAny(v, " \t;&|<>()")
		if end < 0 {
			end = len(v)
		}
	}
	if end < 0 {
		l.other = true
		return l
	}
	l.rest = v[end:]
	if r := strings.TrimLeft(l.rest, " \t"); r != "" && (!strings.HasPrefix(r, "#") || r == l.rest) {
		l.other = true // `#` starts a comment only after a blank
	}
	return l
}

// closingQuote is the index just past the `"` that closes v's opening one, -1 when none.
func closingQuote(v string) int {
	for i := 1; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// Unmergeable finds the lines of an override file that Merge would have to replace but that
// hold more than the one export (another statement, a continuation): merging them would lose
// code, so they are bad input, each named with its line number.
func Unmergeable(content string, exports []Export, keep ...string) steps.Problems {
	owned := map[string]bool{}
	for _, e := range exports {
		owned[e.Name] = true
	}
	for _, k := range keep {
		delete(owned, k)
	}
	var ps steps.Problems
	for i, line := range strings.Split(content, "\n") {
		body := strings.TrimRight(line, "\r")
		name, _, ok := steps.ParseExportLine(body)
		if !ok || !owned[name] || !splitExportLine(body).other {
			continue
		}
		ps = append(ps, steps.Problem{Key: "output.override_file", Message: fmt.Sprintf(
			"line %d, %q, holds more than the export of %s; assetwiz replaces that export's whole line and would lose the rest: put %s on a line of its own and run again",
			i+1, body, name, name)})
	}
	return ps
}

// Package exportfile is the syntax of the toolkit's override file: `export NAME="value"`
// lines among any other shell. It quotes and reads back a value, parses lines into names
// and values, renders lines, and merges exports into an existing file keeping every other
// byte. What the exports mean is not here: steps reads answers from them, provision/override
// makes them from the answers.
package exportfile

import (
	"regexp"
	"strings"
)

// Export is one `export NAME="value"` line of the toolkit's override file.
type Export struct {
	Name  string
	Value string
	// Secret marks a value never shown (plans, logs, diffs); the file holds it like any other.
	Secret bool
}

// Line is the export as the toolkit reads it: export NAME="value".
func (e Export) Line() string { return "export " + e.Name + "=" + Quote(e.Value) }

// escaper puts a backslash before the four characters that stay special inside double
// quotes in shell. The answers refuse them (the toolkit embeds values in quoted shell
// again), so a valid value is written as is; one that slipped through still sources back
// to itself instead of running code.
var escaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`, "`", "\\`")

// Quote is value as a double-quoted shell word.
func Quote(value string) string { return `"` + escaper.Replace(value) + `"` }

// exportLine matches `export NAME="value"` (and NAME='value' or NAME=value), as the toolkit writes them.
var exportLine = regexp.MustCompile(`^\s*export\s+([A-Za-z_][A-Za-z0-9_]*)=(.*?)\s*$`)

// Parse returns the name and the unquoted value of an export line; ok is false for any
// other line. A double-quoted value loses its quotes and escapes, as shell reads it; a
// single-quoted one its quotes; an unquoted one ends at a comment.
func Parse(line string) (name, value string, ok bool) {
	m := exportLine.FindStringSubmatch(strings.TrimRight(line, "\r\n"))
	if m == nil {
		return "", "", false
	}
	v := m[2]
	switch {
	case strings.HasPrefix(v, `"`):
		if s, end := unquoteDouble(v); end >= 0 {
			return m[1], s, true
		}
	case strings.HasPrefix(v, `'`):
		if end := strings.IndexByte(v[1:], '\''); end >= 0 {
			return m[1], v[1 : 1+end], true
		}
	}
	if i := strings.Index(v, " #"); i >= 0 { // an unquoted value ends at a comment
		v = v[:i]
	}
	return m[1], strings.TrimSpace(v), true
}

// unquoteDouble reads the double-quoted word v starts with: its value, and the index just
// past its closing quote (-1 when it has none). Inside double quotes a backslash escapes
// only \ " $ and ` (and is kept before anything else), as in shell.
func unquoteDouble(v string) (value string, end int) {
	if i := strings.IndexAny(v[1:], `"\`); i >= 0 && v[1+i] == '"' {
		return v[1 : 1+i], i + 2 // no escape: the common case, without copying
	}
	var b strings.Builder
	for i := 1; i < len(v); i++ {
		switch c := v[i]; c {
		case '\\':
			if i+1 < len(v) && strings.IndexByte("\\\"$`", v[i+1]) >= 0 {
				i++
				b.WriteByte(v[i])
				continue
			}
			b.WriteByte(c)
		case '"':
			return b.String(), i + 1
		default:
			b.WriteByte(c)
		}
	}
	return "", -1
}

// Read returns the value of each export in an override file's content; the first one wins,
// as Merge replaces the first and drops the later duplicates.
func Read(content string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(content, "\n") {
		if name, value, ok := Parse(line); ok {
			if _, dup := out[name]; !dup {
				out[name] = value
			}
		}
	}
	return out
}

// Render is the exports as the lines of a fresh override file.
func Render(exports []Export) string {
	var b strings.Builder
	for _, e := range exports {
		b.WriteString(e.Line() + "\n")
	}
	return b.String()
}

// Changed names the exports whose values differ between two override files' contents.
func Changed(before, after string, exports []Export) []string {
	old, cur := Read(before), Read(after)
	var out []string
	for _, e := range exports {
		ov, had := old[e.Name]
		if nv := cur[e.Name]; !had || ov != nv {
			out = append(out, e.Name)
		}
	}
	return out
}

package exportfile

import "strings"

// Merge writes the exports into an existing override file's content: each export's first
// line is replaced in place and its later duplicates dropped; exports the file lacks are
// appended. An owned line keeps its indentation and trailing comment; a line holding more
// than the export is left as it is (see Unmergeable). Every other byte stays as it was. The
// exports named in keep (the secrets under --no-secrets) are neither written nor removed.
func Merge(content string, exports []Export, keep ...string) string {
	value := map[string]string{}
	for _, e := range exports {
		value[e.Name] = e.Value
	}
	kept := map[string]bool{}
	for _, k := range keep {
		kept[k] = true
	}
	var b strings.Builder
	b.Grow(len(content) + 64*len(exports))
	done := map[string]bool{}
	for _, line := range strings.SplitAfter(content, "\n") {
		name, _, ok := Parse(line)
		v, owned := value[name]
		if !ok || !owned || kept[name] {
			b.WriteString(line)
			continue
		}
		body := strings.TrimRight(line, "\r\n")
		parts := splitLine(body)
		if parts.other {
			b.WriteString(line) // never lose code: Unmergeable names such a line as bad input
			continue
		}
		if done[name] {
			continue // a later duplicate would override ours when the toolkit sources the file
		}
		done[name] = true
		b.WriteString(parts.indent + Export{Name: name, Value: v}.Line() + parts.rest + line[len(body):])
	}
	out := b.String()
	var missing []Export
	for _, e := range exports {
		if !done[e.Name] && !kept[e.Name] {
			missing = append(missing, e)
		}
	}
	if len(missing) > 0 && out != "" && !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	return out + Render(missing)
}

// SharedLine is a line of an override file holding one of the exports and more.
type SharedLine struct {
	Number int    // from 1
	Text   string // without its line end
	Name   string // the export's
}

// Unmergeable finds the lines of an override file that Merge would have to replace but that
// hold more than the one export (another statement, a continuation): merging them would lose
// code, so the caller refuses them as bad input.
func Unmergeable(content string, exports []Export, keep ...string) []SharedLine {
	owned := map[string]bool{}
	for _, e := range exports {
		owned[e.Name] = true
	}
	for _, k := range keep {
		delete(owned, k)
	}
	var out []SharedLine
	for i, line := range strings.Split(content, "\n") {
		body := strings.TrimRight(line, "\r")
		name, _, ok := Parse(body)
		if !ok || !owned[name] || !splitLine(body).other {
			continue
		}
		out = append(out, SharedLine{Number: i + 1, Text: body, Name: name})
	}
	return out
}

// ownedLine is an export line split around its statement: what comes before it (the
// indentation) and after it (a trailing comment), both kept when the value is replaced.
type ownedLine struct {
	indent, rest string
	// other is true when something else than a comment follows the statement (`; export
	// B=1`, `&& …`, a line continuation, an unclosed quote): replacing the line would lose it.
	other bool
}

// splitLine splits a line that Parse accepted (without its line end).
func splitLine(body string) ownedLine {
	trimmed := strings.TrimLeft(body, " \t")
	l := ownedLine{indent: body[:len(body)-len(trimmed)]}
	eq := strings.IndexByte(trimmed, '=')
	v := trimmed[eq+1:]
	end := 0
	switch {
	case v == "":
	case v[0] == '"':
		_, end = unquoteDouble(v)
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

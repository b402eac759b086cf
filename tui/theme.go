package tui

import (
	"strings"

	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// One theme: the terminal's own 16 colours (readable on dark and light backgrounds, as gh
// does), plain text when NO_COLOR is set.
var (
	titleStyle   = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("6"))
	stepStyle    = lipgloss.NewStyle().Foreground(lipgloss.Color("8"))
	helpStyle    = lipgloss.NewStyle().Foreground(lipgloss.Color("8"))
	okStyle      = lipgloss.NewStyle().Foreground(lipgloss.Color("2"))
	failStyle    = lipgloss.NewStyle().Foreground(lipgloss.Color("1"))
	warnStyle    = lipgloss.NewStyle().Foreground(lipgloss.Color("3"))
	dangerStyle  = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("1")) // data loss
	selectStyle  = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("6"))
	sectionStyle = lipgloss.NewStyle().Bold(true)
)

func formTheme() *huh.Theme { return huh.ThemeBase16() }

func keyMap() *huh.KeyMap {
	km := huh.NewDefaultKeyMap()
	// The wizard handles Ctrl-C itself (exit 130, nothing changed).
	km.Quit.SetEnabled(false)
	return km
}

// wordWrap wraps text at spaces only: a bucket or region name (www-example-com-assets-…,
// us-east-1) is never split at its hyphens, as ansi.Wrap would. A word longer than the line
// (a URL, an export's value) is broken after a '/', ':', ',' or '.' where it has one, so
// no piece of a path or a host is split inside its name; a word without one is cut.
func wordWrap(text string, width int) string {
	if width < 1 {
		return text
	}
	var out []string
	for _, line := range strings.Split(text, "\n") {
		out = append(out, wrapLine(line, width, width)...)
	}
	return strings.Join(out, "\n")
}

// wrapLine wraps one line: its first row to first columns, the rows after it to rest.
func wrapLine(line string, first, rest int) []string {
	var out []string
	width := first
	var cur strings.Builder
	curW := 0
	flush := func() {
		out = append(out, strings.TrimRight(cur.String(), " "))
		cur.Reset()
		curW, width = 0, rest
	}
	for i, word := range strings.Split(line, " ") {
		ww := ansi.StringWidth(word)
		if i > 0 && curW+1+ww > width && curW > 0 {
			if ww > rest { // cut anyway: it starts here, up to a separator that fits
				if cut := sepBreak(word, width-curW-1, 1); cut > 0 {
					cur.WriteString(" " + ansi.Truncate(word, cut, ""))
					word = ansi.TruncateLeft(word, cut, "")
					ww = ansi.StringWidth(word)
				}
			}
			flush()
		} else if i > 0 {
			cur.WriteString(" ")
			curW++
		}
		for curW == 0 && ww > width {
			cut := breakAt(word, width)
			cur.WriteString(ansi.Truncate(word, cut, ""))
			flush()
			word = ansi.TruncateLeft(word, cut, "")
			ww = ansi.StringWidth(word)
		}
		cur.WriteString(word)
		curW += ww
	}
	return append(out, cur.String())
}

// breakAt is how many columns of a word too long for the line go on it: up to and with the
// last separator between values that fits, else the whole line.
func breakAt(word string, width int) int {
	if cut := sepBreak(word, width, width/3); cut > 0 {
		return cut
	}
	return width
}

// sepBreak is the columns of word up to and with its last separator within width (a ':' or
// ',' between values first, then a '/' inside a path, then a '.' or '='), 0 when none lies
// after the first least columns.
func sepBreak(word string, width, least int) int {
	plain := []rune(ansi.Strip(word))
	for _, seps := range []string{":,", "/", ".="} {
		for i := min(width, len(plain)) - 1; i >= least; i-- {
			if strings.ContainsRune(seps, plain[i]) {
				return i + 1
			}
		}
	}
	return 0
}

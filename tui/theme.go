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
// us-east-1) is never split at its hyphens, as ansi.Wrap would; a word longer than the
// line is cut.
func wordWrap(text string, width int) string {
	if width < 1 {
		return text
	}
	var out []string
	for _, line := range strings.Split(text, "\n") {
		var cur strings.Builder
		curW := 0
		for i, word := range strings.Split(line, " ") {
			ww := ansi.StringWidth(word)
			if i > 0 && curW+1+ww > width && curW > 0 {
				out = append(out, strings.TrimRight(cur.String(), " "))
				cur.Reset()
				curW = 0
			} else if i > 0 {
				cur.WriteString(" ")
				curW++
			}
			for ww > width-curW && curW == 0 && ww > width {
				out = append(out, ansi.Truncate(word, width, ""))
				word = ansi.TruncateLeft(word, width, "")
				ww = ansi.StringWidth(word)
			}
			cur.WriteString(word)
			curW += ww
		}
		out = append(out, cur.String())
	}
	return strings.Join(out, "\n")
}

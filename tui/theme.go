package tui

import (
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
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

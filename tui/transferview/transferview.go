// Package transferview draws the progress of `assetwiz sync` and `assetwiz backup` on a
// terminal: one row per directory (or bucket) with a bar, files and bytes done, rate and time
// left. It only reads the counters the copy updates; Ctrl-C asks the copy to stop.
package transferview

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/progress"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/dustin/go-humanize"

	"github.com/assetwiz/assetwiz/provision/transfer"
)

// refresh is how often the view redraws: display only, nothing waits on it.
const refresh = 200 * time.Millisecond

// defaultWidth is used until the terminal says its size (or when it never does).
const defaultWidth = 80

// Model is the progress view.
type Model struct {
	title   string
	prog    *transfer.Progress
	cancel  func()
	width   int
	started map[string]time.Time
	now     func() time.Time
	done    bool
	stopped bool
}

// DoneMsg ends the view (the copy has finished).
type DoneMsg struct{}

type tickMsg struct{}

// New is a view of prog; cancel is called on Ctrl-C.
func New(title string, prog *transfer.Progress, cancel func()) Model {
	return Model{title: title, prog: prog, cancel: cancel, width: defaultWidth, started: map[string]time.Time{}, now: time.Now}
}

func tick() tea.Cmd { return tea.Tick(refresh, func(time.Time) tea.Msg { return tickMsg{} }) }

// Init starts the redraws.
func (m Model) Init() tea.Cmd { return tick() }

// Update handles the redraw tick, the terminal's size, Ctrl-C and the end.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tickMsg:
		return m, tick()
	case tea.WindowSizeMsg:
		if msg.Width > 0 {
			m.width = msg.Width
		}
	case DoneMsg:
		m.done = true
		return m, tea.Quit
	case tea.KeyMsg:
		if msg.String() == "ctrl+c" && !m.stopped {
			m.stopped = true
			m.cancel()
		}
	}
	return m, nil
}

// View draws one row per directory, every line within the terminal's width: a line that
// wrapped would make the next redraw start one line too low and leave the old bar behind.
func (m Model) View() string {
	type row struct {
		name, status string
		pct          float64
	}
	var rows []row
	nameWidth, statusWidth := 0, 0
	for _, d := range m.prog.Dirs() {
		if d.Started.Load() {
			if _, ok := m.started[d.Name]; !ok {
				m.started[d.Name] = m.now()
			}
		}
		pct, status := Status(d, m.now().Sub(m.started[d.Name]), m.stopped)
		rows = append(rows, row{d.Name, status, pct})
		nameWidth = max(nameWidth, ansi.StringWidth(d.Name))
		statusWidth = max(statusWidth, ansi.StringWidth(status))
	}
	// One layout for every row, the widest that fits one column short of the edge (so the
	// cursor never wraps): name, bar and status on one line; else the name above the bar and
	// status; else name, bar and status on lines of their own.
	const minBar, maxBar, pctWidth = 10, 40, 5
	usable := m.width - 1
	oneLine := usable - 2 - nameWidth - 2 - pctWidth - 2 - statusWidth
	underName := usable - 4 - pctWidth - 2 - statusWidth
	lines := []string{m.title}
	for _, r := range rows {
		switch {
		case oneLine >= minBar:
			bar := newBar(min(oneLine, maxBar))
			lines = append(lines, fmt.Sprintf("  %-*s  %s  %s", nameWidth, r.name, bar.ViewAs(r.pct), r.status))
		case underName >= minBar:
			bar := newBar(min(underName, maxBar))
			lines = append(lines, "  "+r.name, "    "+bar.ViewAs(r.pct)+"  "+r.status)
		default:
			bar := newBar(max(minBar, min(usable-4-pctWidth, maxBar)))
			lines = append(lines, "  "+r.name, "    "+bar.ViewAs(r.pct), "    "+r.status)
		}
	}
	switch {
	case m.stopped && !m.done:
		lines = append(lines, "Stopping: finishing or aborting the uploads in flight...")
	case m.stopped:
		lines = append(lines, "Stopped.")
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, usable, "…")
	}
	return strings.Join(lines, "\n") + "\n"
}

// newBar is a bar of width columns, its percentage included.
func newBar(width int) progress.Model {
	return progress.New(progress.WithDefaultGradient(), progress.WithWidth(width+pctColumns))
}

// pctColumns is what progress's " 100%" adds to a bar's width (WithWidth counts it).
const pctColumns = 5

// Row is one directory's line: name, bar, files, bytes, rate and time left.
func Row(d *transfer.DirProgress, elapsed time.Duration, bar progress.Model) string {
	pct, status := Status(d, elapsed, false)
	return fmt.Sprintf("  %-28s %s  %s", d.Name, bar.ViewAs(pct), status)
}

// Status is one directory's share done and its words: files, bytes, then the rate and time
// left, "done", "waiting", or — after Ctrl-C — "stopped", never "done" for a directory that
// was not copied whole.
func Status(d *transfer.DirProgress, elapsed time.Duration, stopped bool) (float64, string) {
	files, bytes := d.DoneFiles.Load(), d.DoneBytes.Load()
	totalFiles, totalBytes := d.TotalFiles.Load(), d.TotalBytes.Load()
	counted := d.Counted.Load()
	var pct float64
	if counted && totalBytes > 0 {
		pct = min(1, float64(bytes)/float64(totalBytes))
	} else if counted && totalFiles > 0 {
		pct = min(1, float64(files)/float64(totalFiles))
	}
	// A run that ended by itself has dealt with every file (copied, already there, or a
	// conflict); after Ctrl-C only a directory whose every file is counted done was.
	finished := d.Finished.Load()
	whole := finished && (!stopped || counted && files >= totalFiles)
	if whole {
		pct = 1
	}
	status := fmt.Sprintf("%s files  %s", humanize.Comma(files), humanize.Bytes(uint64(bytes)))
	if counted {
		status = fmt.Sprintf("%s/%s files  %s/%s", humanize.Comma(files), humanize.Comma(totalFiles), humanize.Bytes(uint64(bytes)), humanize.Bytes(uint64(totalBytes)))
	}
	switch {
	case whole:
		status += "  done"
	case stopped && finished:
		status += "  stopped"
	case stopped:
		status += "  stopping"
	case !d.Started.Load():
		status += "  waiting"
	case elapsed > 0 && bytes > 0:
		rate := float64(bytes) / elapsed.Seconds()
		status += fmt.Sprintf("  %s/s", humanize.Bytes(uint64(rate)))
		if counted && totalBytes > bytes {
			left := time.Duration(float64(totalBytes-bytes) / rate * float64(time.Second))
			status += "  " + left.Round(time.Second).String() + " left"
		}
	}
	return pct, status
}

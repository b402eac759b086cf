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
	"github.com/dustin/go-humanize"

	"github.com/assetwiz/assetwiz/provision/transfer"
)

// refresh is how often the view redraws: display only, nothing waits on it.
const refresh = 200 * time.Millisecond

// Model is the progress view.
type Model struct {
	title   string
	prog    *transfer.Progress
	cancel  func()
	bar     progress.Model
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
	return Model{title: title, prog: prog, cancel: cancel, bar: progress.New(progress.WithDefaultGradient(), progress.WithWidth(30)),
		started: map[string]time.Time{}, now: time.Now}
}

func tick() tea.Cmd { return tea.Tick(refresh, func(time.Time) tea.Msg { return tickMsg{} }) }

// Init starts the redraws.
func (m Model) Init() tea.Cmd { return tick() }

// Update handles the redraw tick, Ctrl-C and the end.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tickMsg:
		return m, tick()
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

// View draws one row per directory.
func (m Model) View() string {
	var b strings.Builder
	b.WriteString(m.title + "\n")
	for _, d := range m.prog.Dirs() {
		if d.Started.Load() {
			if _, ok := m.started[d.Name]; !ok {
				m.started[d.Name] = m.now()
			}
		}
		b.WriteString(Row(d, m.now().Sub(m.started[d.Name]), m.bar) + "\n")
	}
	if m.stopped && !m.done {
		b.WriteString("Stopping: finishing or aborting the uploads in flight...\n")
	}
	return b.String()
}

// Row is one directory's line: name, bar, files, bytes, rate and time left.
func Row(d *transfer.DirProgress, elapsed time.Duration, bar progress.Model) string {
	files, bytes := d.DoneFiles.Load(), d.DoneBytes.Load()
	totalFiles, totalBytes := d.TotalFiles.Load(), d.TotalBytes.Load()
	counted := d.Counted.Load()
	var pct float64
	if counted && totalBytes > 0 {
		pct = min(1, float64(bytes)/float64(totalBytes))
	} else if counted && totalFiles > 0 {
		pct = min(1, float64(files)/float64(totalFiles))
	}
	if d.Finished.Load() {
		pct = 1
	}
	status := fmt.Sprintf("%s files  %s", humanize.Comma(files), humanize.Bytes(uint64(bytes)))
	if counted {
		status = fmt.Sprintf("%s/%s files  %s/%s", humanize.Comma(files), humanize.Comma(totalFiles), humanize.Bytes(uint64(bytes)), humanize.Bytes(uint64(totalBytes)))
	}
	switch {
	case d.Finished.Load():
		status += "  done"
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
	return fmt.Sprintf("  %-28s %s  %s", d.Name, bar.ViewAs(pct), status)
}

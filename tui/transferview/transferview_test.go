package transferview

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/progress"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/assetwiz/assetwiz/provision/transfer"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestRowShowsFilesBytesRateAndTimeLeft(t *testing.T) {
	t.Parallel()
	var d transfer.DirProgress
	d.Name = "wp-content/uploads"
	d.Started.Store(true)
	d.Counted.Store(true)
	d.TotalFiles.Store(1000)
	d.TotalBytes.Store(100_000_000)
	d.DoneFiles.Store(250)
	d.DoneBytes.Store(25_000_000)
	row := Row(&d, 5*time.Second, progress.New(progress.WithoutPercentage(), progress.WithWidth(10)))
	for _, want := range []string{"wp-content/uploads", "250/1,000 files", "25 MB/100 MB", "5.0 MB/s", "15s left"} {
		if !strings.Contains(row, want) {
			t.Errorf("row lacks %q: %s", want, row)
		}
	}
	d.Finished.Store(true)
	if row := Row(&d, 5*time.Second, progress.New()); !strings.Contains(row, "done") || strings.Contains(row, "left") {
		t.Errorf("finished row: %s", row)
	}
}

// drupal is a run of Drupal's three directories: one done, one under way, one waiting.
func drupal() *transfer.Progress {
	var p transfer.Progress
	done := p.Dir("sites/default/files/pictures")
	done.Started.Store(true)
	done.Counted.Store(true)
	done.TotalFiles.Store(410)
	done.TotalBytes.Store(41_000_000)
	done.DoneFiles.Store(410)
	done.DoneBytes.Store(41_000_000)
	done.Finished.Store(true)
	busy := p.Dir("sites/default/files/inline-images")
	busy.Started.Store(true)
	busy.Counted.Store(true)
	busy.TotalFiles.Store(1_250)
	busy.TotalBytes.Store(812_000_000)
	busy.DoneFiles.Store(313)
	busy.DoneBytes.Store(203_000_000)
	p.Dir("sites/default/files/styles")
	return &p
}

func view(p *transfer.Progress, width int, msgs ...tea.Msg) string {
	start := time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC)
	m := New("Copying", p, func() {})
	m.now = func() time.Time { return start }
	var tm tea.Model = m
	tm.View() // the first frame notes when each directory started
	m = tm.(Model)
	m.now = func() time.Time { return start.Add(20 * time.Second) }
	tm = m
	for _, msg := range append([]tea.Msg{tea.WindowSizeMsg{Width: width, Height: 24}}, msgs...) {
		tm, _ = tm.Update(msg)
	}
	return tm.View()
}

// At every terminal width, every line fits one column short of the edge (a wrapped line
// would make the next redraw start too low and leave the old frame behind), and each
// directory's name, counts and rate are whole, never cut inside a word.
func TestViewFitsEveryWidth(t *testing.T) {
	t.Parallel()
	lipgloss.SetColorProfile(termenv.Ascii)
	for _, width := range []int{60, 80, 120, 200} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			got := view(drupal(), width)
			for _, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
				if w := ansi.StringWidth(line); w >= width {
					t.Errorf("a line of %d columns at width %d: %q", w, width, line)
				}
			}
			for _, want := range []string{"sites/default/files/inline-images", "313/1,250 files", "203 MB/812 MB", "10 MB/s", "1m0s left", "410/410 files", "done", "waiting"} {
				if !strings.Contains(got, want) {
					t.Errorf("width %d: the view lacks %q:\n%s", width, want, got)
				}
			}
			requireGolden(t, fmt.Sprintf("view-%d.golden", width), got)
		})
	}
}

// After Ctrl-C a directory that ended before all its files were copied says "stopped" with
// its real share, never "done" or a full bar; one copied whole still says done.
func TestAfterCtrlCTheViewSaysHowFarItGot(t *testing.T) {
	t.Parallel()
	lipgloss.SetColorProfile(termenv.Ascii)
	p := drupal()
	busy := p.Dir("sites/default/files/inline-images")
	got := view(p, 120, tea.KeyMsg{Type: tea.KeyCtrlC})
	if !strings.Contains(got, "Stopping") {
		t.Errorf("no word that the copy is stopping:\n%s", got)
	}
	busy.Finished.Store(true) // the copy returned, interrupted
	got = view(p, 120, tea.KeyMsg{Type: tea.KeyCtrlC}, DoneMsg{})
	for _, line := range strings.Split(got, "\n") {
		switch {
		case strings.Contains(line, "inline-images"):
			if strings.Contains(line, "done") || strings.Contains(line, "100%") || !strings.Contains(line, "313/1,250 files") || !strings.Contains(line, "stopped") {
				t.Errorf("the interrupted directory's row: %q", line)
			}
		case strings.Contains(line, "pictures"):
			if !strings.Contains(line, "done") || !strings.Contains(line, "100%") {
				t.Errorf("the directory copied whole: %q", line)
			}
		}
	}
}

func requireGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("the view differs from %s (go test -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

package transferview

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/progress"

	"github.com/assetwiz/assetwiz/provision/transfer"
)

func TestRowShowsFilesBytesRateAndTimeLeft(t *testing.T) {
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

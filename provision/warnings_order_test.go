package provision

import (
	"bytes"
	"strings"
	"testing"
)

// DATA LOSS is told first, and a warning found twice is told once.
func TestWarningsDataLossFirstAndOnce(t *testing.T) {
	t.Parallel()
	p := Plan{Warnings: []string{"cdn: a", "versioning: b", "cdn: a", "DATA LOSS: bucket x holds objects"}}
	var b bytes.Buffer
	if err := p.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Count(out, "cdn: a") != 1 || strings.Index(out, "DATA LOSS") > strings.Index(out, "cdn: a") {
		t.Errorf("warnings:\n%s", out)
	}
}

package shellword

import (
	"os/exec"
	"testing"
)

// Every word, quoted, reads back as itself in sh, and runs nothing.
func TestQuoteReadsBackAsItself(t *testing.T) {
	for _, w := range []string{"plain/path.yaml", "my site.yaml", "it's", `a"b`, "$(touch /tmp/x)", "`id`", "a\\b", "", "x;y", "~home", "*"} {
		out, err := exec.Command("sh", "-c", "printf %s "+Quote(w)).Output()
		if err != nil || string(out) != w {
			t.Errorf("Quote(%q) = %s read back as %q (%v)", w, Quote(w), out, err)
		}
	}
}

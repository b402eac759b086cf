package exportfile

import (
	"fmt"
	"strings"
	"testing"
)

// bigOverride is a toolkit override file of about n lines: comments, blank lines and
// exports of its own, with assetwiz's exports scattered through it (one duplicated).
func bigOverride(n int) string {
	var b strings.Builder
	for i := range n {
		switch {
		case i%10 == 0:
			fmt.Fprintf(&b, "# section %d of the toolkit's settings\n", i/10)
		case i%10 == 5:
			b.WriteString("\n")
		case i == n/2:
			b.WriteString(`export APPLICATION="joomla"` + "\n")
		case i == n/3 || i == 2*n/3:
			b.WriteString(`export WEBSITE_URL="www.old.example"` + "\n")
		default:
			fmt.Fprintf(&b, "export SETTING_%05d=\"value-%d\"\n", i, i)
		}
	}
	return b.String()
}

// BenchmarkMerge10000 is writing assetwiz's exports into an override file of 10 000 lines.
func BenchmarkMerge10000(b *testing.B) {
	content := bigOverride(10000)
	exports := ours() // assetwiz's exports for an s3fs site, keys included
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		if out := Merge(content, exports); len(out) < len(content)/2 {
			b.Fatal("merge lost the file")
		}
	}
}

// BenchmarkChanged10000 is naming the exports a merge into 10 000 lines changed.
func BenchmarkChanged10000(b *testing.B) {
	content := bigOverride(10000)
	exports := ours() // assetwiz's exports for an s3fs site, keys included
	merged := Merge(content, exports)
	b.ReportAllocs()
	for b.Loop() {
		_ = Changed(content, merged, exports)
	}
}

package override

import (
	"fmt"

	"github.com/assetwiz/assetwiz/internal/exportfile"
	"github.com/assetwiz/assetwiz/steps"
)

// Unmergeable finds the lines of an override file that a merge would have to replace but
// that hold more than the one export (another statement, a continuation): merging them would
// lose code, so they are bad input, each named with its line number.
func Unmergeable(content string, exports []Export, keep ...string) steps.Problems {
	var ps steps.Problems
	for _, l := range exportfile.Unmergeable(content, exports, keep...) {
		ps = append(ps, steps.Problem{Key: "output.override_file", Message: fmt.Sprintf(
			"line %d, %q, holds more than the export of %s; assetwiz replaces that export's whole line and would lose the rest: put %s on a line of its own and run again",
			l.Number, l.Text, l.Name, l.Name)})
	}
	return ps
}

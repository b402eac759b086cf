package provision

import (
	"fmt"
	"strings"
)

// DataLossError is a plan that would delete uploads at the toolkit's next build: bad input
// (exit 64) until the user confirms it.
type DataLossError struct{ Buckets []string }

func (e *DataLossError) Error() string {
	return fmt.Sprintf("the plan warns of data loss (%s): read the warning above", strings.Join(e.Buckets, ", "))
}

// UncheckedError is a plan whose data-loss guard could not look at the buckets a build may
// delete: a failure (exit 1), since the guard fails closed.
type UncheckedError struct{ Reasons []string }

func (e *UncheckedError) Error() string {
	return "the data-loss guard could not look at the buckets the toolkit's next build may delete, so nothing was changed: " +
		strings.Join(e.Reasons, "; ")
}

// DataLossGate is the one gate every door (apply, the wizard) passes before carrying a plan
// out: nil when the plan loses nothing, or when the user confirmed; else *DataLossError, or
// *UncheckedError when the guard could not look (it fails closed: a bucket it could not read
// may hold every upload). The confirmation passes both.
func (p Plan) DataLossGate(confirmed bool) error {
	switch {
	case confirmed:
		return nil
	case len(p.Unchecked) > 0:
		return &UncheckedError{Reasons: p.Unchecked}
	case len(p.DataLoss) > 0:
		return &DataLossError{Buckets: p.DataLoss}
	}
	return nil
}

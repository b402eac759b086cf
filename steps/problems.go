package steps

import (
	"fmt"
	"strconv"
	"strings"
)

// Problem is one thing wrong with the answers, named by its answers-file key.
type Problem struct {
	Key     string `json:"key"`
	Message string `json:"message"`
}

func (p Problem) String() string { return p.Key + ": " + p.Message }

// Problems is every problem found, reported together so the user can fix them in one go.
type Problems []Problem

func (ps Problems) Error() string {
	if len(ps) == 1 {
		return "bad answer: " + ps[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d bad answers:", len(ps))
	for _, p := range ps {
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}

func (ps *Problems) add(key, format string, args ...any) {
	*ps = append(*ps, Problem{Key: key, Message: fmt.Sprintf(format, args...)})
}

// quote shows a user's value in a message.
func quote(s string) string { return strconv.Quote(s) }

// oneOf lists the allowed values for a message.
func oneOf(values []string) string { return strings.Join(values, ", ") }

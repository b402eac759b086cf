package steps

import (
	"strings"
	"testing"
)

// Issue 24 finding 8: a well-formed second YAML document was refused, but a malformed one,
// or one after "...", was ignored. Every second document is refused, well-formed or not.
func TestEverySecondDocumentIsRefused(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{
		"mode: temporal\n---\nmode: baseline\n",
		"mode: temporal\n---\nmode: [unclosed\n",
		"mode: temporal\n...\nmode: [unclosed\n",
		"mode: temporal\n...\nmode: baseline\n",
	} {
		_, ps := ParseAnswers([]byte(doc))
		if !strings.Contains(ps.Error(), "second YAML document") {
			t.Errorf("%q: problems %v, want the second document refused", doc, ps)
		}
	}
	for _, doc := range []string{"mode: temporal\n...\n", "mode: temporal\n...\n# a comment\n"} {
		if _, ps := ParseAnswers([]byte(doc)); len(ps) > 0 {
			t.Errorf("%q: an end marker and nothing after it: %v", doc, ps)
		}
	}
}

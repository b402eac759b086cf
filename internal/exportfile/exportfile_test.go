package exportfile

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/quick"
)

// hostile are values the answers refuse but that must still never break the file: quotes,
// backslashes, $ and backticks, where an unescaped one would end the word or run code.
var hostile = []string{
	`a"b`, `a\b`, `ab\`, `\"`, `\\"`, `$HOME`, `\$HOME`, "`id`", `$(touch pwned)`, `it's`,
	`wJalr/XUtnFEMI+K7MDENG`, ``, ` spaced `, `a#b`, `a #b`, `"`, `'`, `x" ; touch pwned ; "`,
}

// Any one-line value reads back as itself from its line (quick: a few hundred random strings).
func TestALineReadsBackItsValue(t *testing.T) {
	t.Parallel()
	roundTrip := func(value string) bool {
		value = strings.NewReplacer("\n", "", "\r", "").Replace(value) // a value is one line
		name, got, ok := Parse(Export{Name: "S3_SECRET_KEY", Value: value}.Line())
		return ok && name == "S3_SECRET_KEY" && got == value
	}
	if err := quick.Check(roundTrip, &quick.Config{MaxCount: 500}); err != nil {
		t.Error(err)
	}
	for _, v := range hostile {
		if !roundTrip(v) {
			_, got, _ := Parse(Export{Name: "S3_SECRET_KEY", Value: v}.Line())
			t.Errorf("%q read back as %q from %s", v, got, Export{Name: "S3_SECRET_KEY", Value: v}.Line())
		}
	}
}

// What Render writes, bash sources back to the same values, running nothing: Quote is
// shell's own quoting, not an approximation of it.
func TestRenderedValuesSourceBackInBash(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("bash is needed to prove the lines are shell")
	}
	dir := t.TempDir()
	var exports []Export
	for i, v := range hostile {
		exports = append(exports, Export{Name: "V" + string(rune('A'+i)), Value: v})
	}
	file := filepath.Join(dir, "override.tmpl")
	if err := os.WriteFile(file, []byte(Render(exports)), 0o600); err != nil {
		t.Fatal(err)
	}
	var script strings.Builder
	script.WriteString("set -eu; cd \"$2\"; source \"$1\"\n")
	for _, e := range exports {
		script.WriteString("printf '%s\\0' \"$" + e.Name + "\"\n")
	}
	out, err := exec.Command(bash, "-c", script.String(), "bash", file, dir).Output()
	if err != nil {
		t.Fatalf("sourcing:\n%s\n%v", Render(exports), err)
	}
	values := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	read := Read(Render(exports))
	for i, e := range exports {
		if values[i] != e.Value {
			t.Errorf("bash sourced %s as %q, want %q", e.Name, values[i], e.Value)
		}
		if read[e.Name] != e.Value {
			t.Errorf("Read gave %s as %q, want %q", e.Name, read[e.Name], e.Value)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Error("sourcing the file ran a value as code")
	}
}

// Lines as people and the toolkit's templates write them.
func TestParse(t *testing.T) {
	t.Parallel()
	for line, want := range map[string]string{
		`export A="x"`:                     "x",
		"  export\tA=\"x\"   # a note\r\n": "x",
		`export A='x y'`:                   "x y",
		`export A='a\b'`:                   `a\b`, // nothing escapes in single quotes
		`export A=x # a note`:              "x",
		`export A=`:                        "",
		`export A="a\"b"`:                  `a"b`,
		`export A="a\qb"`:                  `a\qb`, // a backslash before another character stays
		`export A="unclosed`:               `"unclosed`,
	} {
		if name, got, ok := Parse(line); !ok || name != "A" || got != want {
			t.Errorf("Parse(%q) = %q, %q, %v; want A, %q", line, name, got, ok, want)
		}
	}
	for _, line := range []string{`A="x"`, `#export A="x"`, `export 1A="x"`, `exported A="x"`, ``} {
		if name, _, ok := Parse(line); ok {
			t.Errorf("Parse(%q) read export %s", line, name)
		}
	}
	if got := Read("export A=\"1\"\nexport A=\"2\"\n")["A"]; got != "1" {
		t.Errorf("the first of two duplicates is read: got %q", got)
	}
}

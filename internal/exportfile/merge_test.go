package exportfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// secretNames are the exports a --no-secrets merge keeps as they are.
var secretNames = []string{"S3_ACCESS_KEY", "S3_SECRET_KEY"}

func ours() []Export {
	return []Export{
		{Name: "PERSIST_ASSETS_TO_CLOUD", Value: "1"},
		{Name: "DIRECTORIES_TO_MOUNT", Value: "images"},
		{Name: "BUILD_ARCHIVE_CHOICE", Value: "hourly"},
		{Name: "APPLICATION", Value: "joomla"},
		{Name: "WEBSITE_URL", Value: "www.example.com"},
		{Name: "DATASTORE_CHOICE", Value: "digitalocean"},
		{Name: "S3_HOST_BASE", Value: "ams3.digitaloceanspaces.com"},
		{Name: "S3_LOCATION", Value: "US"},
		{Name: "S3_ACCESS_KEY", Value: "NEWACCESS", Secret: true},
		{Name: "S3_SECRET_KEY", Value: "newsecret", Secret: true},
		{Name: "DNS_CHOICE", Value: "cloudflare"},
		{Name: "ENABLE_EFS", Value: "1"}, // missing from the file: appended
	}
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// withoutOwned drops the lines of owned exports, leaving what must be untouched.
func withoutOwned(content string, owned map[string]bool) []string {
	var out []string
	for _, line := range strings.SplitAfter(content, "\n") {
		if name, _, ok := Parse(line); ok && owned[name] {
			continue
		}
		out = append(out, line)
	}
	return out
}

func TestMergeLeavesEveryOtherByte(t *testing.T) {
	t.Parallel()
	before := readTestdata(t, "digitalocean3override.tmpl")
	exports := ours()
	after := Merge(before, exports)

	owned := map[string]bool{}
	for _, e := range exports {
		owned[e.Name] = true
	}
	if b, a := withoutOwned(before, owned), withoutOwned(after, owned); strings.Join(b, "") != strings.Join(a, "") {
		t.Fatalf("lines that are not ours changed:\nbefore:\n%s\nafter:\n%s", strings.Join(b, ""), strings.Join(a, ""))
	}
	// Each of our exports appears exactly once, with our value.
	for _, e := range exports {
		if n := strings.Count("\n"+after, "\nexport "+e.Name+"="); n != 1 {
			t.Errorf("%s appears %d times, want 1", e.Name, n)
		}
		if !strings.Contains("\n"+after, "\n"+e.Line()) { // a trailing comment is kept after it
			t.Errorf("missing line %s", e.Line())
		}
	}
	// Replaced in place: APPLICATION keeps its position among the other lines.
	lineOf := func(content, prefix string) int {
		for i, l := range strings.Split(content, "\n") {
			if strings.HasPrefix(l, prefix) {
				return i
			}
		}
		return -1
	}
	for _, name := range []string{"APPLICATION", "WEBSITE_URL", "S3_HOST_BASE"} {
		if b, a := lineOf(before, "export "+name+"="), lineOf(after, "export "+name+"="); a != b {
			t.Errorf("%s moved from line %d to %d: not replaced in place", name, b+1, a+1)
		}
	}
	// Missing exports go at the end, in order.
	if !strings.HasSuffix(after, "export USER_EMAIL_DOMAIN=\"example.org\"\nexport ENABLE_EFS=\"1\"\n") {
		t.Errorf("ENABLE_EFS not appended at the end:\n%s", after[len(after)-120:])
	}
	if !strings.Contains(after, "#export DIRECTORIES_TO_MOUNT=\"images:media\"   commented out") {
		t.Error("a commented-out export was touched")
	}
	if Merge(after, exports) != after {
		t.Error("merging twice differs from merging once")
	}
}

func TestMergeNoSecretsLeavesSecretLinesAlone(t *testing.T) {
	t.Parallel()
	before := readTestdata(t, "digitalocean3override.tmpl")
	var exports []Export
	for _, e := range ours() {
		if !e.Secret {
			exports = append(exports, e)
		}
	}
	after := Merge(before, exports, secretNames...)
	for _, line := range []string{`export S3_ACCESS_KEY="OLDACCESSKEY0000"`, `export S3_SECRET_KEY="oldsecret/0000000000000000"`} {
		if !strings.Contains(after, line+"\n") {
			t.Errorf("secret line %s was not left as it was", line)
		}
	}
	// Without a secret in the file and with --no-secrets, none is added either.
	if got := Merge("export A=\"1\"\n", exports, secretNames...); strings.Contains(got, "S3_ACCESS_KEY") {
		t.Errorf("--no-secrets added a secret export:\n%s", got)
	}
}

func TestMergeAddsTheMissingNewlineOnce(t *testing.T) {
	t.Parallel()
	before := readTestdata(t, "no-trailing-newline.tmpl")
	after := Merge(before, []Export{{Name: "APPLICATION", Value: "moodle"}})
	if want := before + "\nexport APPLICATION=\"moodle\"\n"; after != want {
		t.Fatalf("got %q, want %q", after, want)
	}
	// A replaced last line without a newline keeps having none.
	if got := Merge(`export APPLICATION="joomla"`, []Export{{Name: "APPLICATION", Value: "moodle"}}); got != `export APPLICATION="moodle"` {
		t.Errorf("got %q", got)
	}
	// Windows line ends of a replaced line are kept.
	if got := Merge("A=1\r\nexport APPLICATION=\"x\"\r\n", []Export{{Name: "APPLICATION", Value: "moodle"}}); got != "A=1\r\nexport APPLICATION=\"moodle\"\r\n" {
		t.Errorf("got %q", got)
	}
}

// Smaller finding: merging keeps an owned line's indentation and trailing comment.
func TestMergeKeepsIndentationAndComment(t *testing.T) {
	t.Parallel()
	got := Merge("if true; then\n  export S3_LOCATION=\"EU\"   # the toolkit wants US\nfi\n", []Export{{Name: "S3_LOCATION", Value: "US"}})
	if want := "if true; then\n  export S3_LOCATION=\"US\"   # the toolkit wants US\nfi\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Smaller finding: a line holding another statement next to an owned export is refused,
// naming the line, and Merge never drops the other statement.
func TestALineSharedWithAnotherStatementIsUnmergeable(t *testing.T) {
	t.Parallel()
	shared := `  export S3_LOCATION="EU"; export KEEP_ME="yes"`
	content := "export A=\"1\"\n" + shared + "\n"
	if got := Unmergeable(content, []Export{{Name: "S3_LOCATION"}}); len(got) != 1 || got[0] != (SharedLine{Number: 2, Text: shared, Name: "S3_LOCATION"}) {
		t.Errorf("Unmergeable = %+v, want line 2", got)
	}
	if !strings.Contains(Merge(content, []Export{{Name: "S3_LOCATION", Value: "US"}}), `export KEEP_ME="yes"`) {
		t.Error("Merge lost KEEP_ME")
	}
	for _, line := range []string{
		`export S3_LOCATION="EU" && rm -rf /`, `export S3_LOCATION=EU;true`, `export S3_LOCATION="EU \`,
		`export S3_LOCATION='EU'|cat`, `export S3_LOCATION="EU"# not a comment`,
	} {
		if len(Unmergeable(line+"\n", []Export{{Name: "S3_LOCATION"}})) != 1 {
			t.Errorf("%q was not refused", line)
		}
	}
	for _, line := range []string{`export S3_LOCATION="EU"`, `	export S3_LOCATION=EU # c`, `export S3_LOCATION='E;U'  `, `export S3_LOCATION=`} {
		if ps := Unmergeable(line+"\n", []Export{{Name: "S3_LOCATION"}}); len(ps) != 0 {
			t.Errorf("%q refused: %v", line, ps)
		}
	}
}

// FuzzMerge: merging leaves every line that is not one of our exports as it was, puts each
// of our exports in exactly once, and merging twice is merging once.
func FuzzMerge(f *testing.F) {
	f.Add("export A=\"1\"\nexport APPLICATION=\"joomla\"\n# c\nexport APPLICATION=\"x\"", "wordpress")
	f.Add("", "moodle")
	f.Add("\r\nexport WEBSITE_URL='old'\r\n\texport  APPLICATION=1 # note", "drupal")
	f.Fuzz(func(t *testing.T, content, app string) {
		if strings.ContainsAny(app, "\n\r") {
			return // a value is one line (quotes, backslashes and $ the answers refuse, but Quote carries them)
		}
		exports := []Export{{Name: "APPLICATION", Value: app}, {Name: "WEBSITE_URL", Value: "www.example.com"}}
		once := Merge(content, exports)
		if twice := Merge(once, exports); twice != once {
			t.Fatalf("merge twice differs from once:\n%q\n%q", once, twice)
		}
		owned := map[string]bool{"APPLICATION": true, "WEBSITE_URL": true}
		before, after := withoutOwned(content, owned), withoutOwned(once, owned)
		if b, a := strings.Join(before, ""), strings.Join(after, ""); a != b && a != b+"\n" {
			t.Fatalf("other lines changed:\n%q\n%q", b, a)
		}
		if len(Unmergeable(content, exports)) > 0 {
			return // refused as bad input before any write: no value to read back
		}
		got := Read(once)
		if got["APPLICATION"] != app || got["WEBSITE_URL"] != "www.example.com" {
			t.Fatalf("exports read back as %q / %q", got["APPLICATION"], got["WEBSITE_URL"])
		}
	})
}

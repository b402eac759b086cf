//go:build unix

package override

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/provision"
)

// verify says what it checked of the override file, and each way it does not hold, with the
// keys never in what it says.
func TestVerifySaysWhatItCheckedOfTheOverrideFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "override.tmpl")
	a := hostileAnswers(path)
	said := func() string {
		var out []string
		for _, c := range (Backend{}).Verify(context.Background(), a) {
			out = append(out, c.String())
		}
		return strings.Join(out, "\n")
	}
	if got, want := said(), "✗ override file "+path+": missing"; got != want {
		t.Errorf("before apply: %q, want %q", got, want)
	}
	if err := fileAction(t, must(Backend{}.Plan(context.Background(), a))).Do(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, exports, _ := desiredFrom(a, false, "")
	if got, want := said(), "✓ override file "+path+": holds the "+strconv.Itoa(len(exports))+" planned exports, mode 0600"; got != want {
		t.Errorf("after apply: %q, want %q", got, want)
	}
	data, _ := os.ReadFile(path)
	edited := strings.Replace(string(data), `export WEBSITE_URL="www.example.com"`, `export WEBSITE_URL="www.other.com"`, 1)
	edited = strings.Replace(edited, `export S3_SECRET_KEY="skfakefakefake"`, `export S3_SECRET_KEY="skother"`, 1)
	if edited == string(data) {
		t.Fatal("the test's edit changed nothing")
	}
	os.WriteFile(path, []byte(edited), 0o644)
	os.Chmod(path, 0o644)
	checks := (Backend{}).Verify(context.Background(), a)
	got := strings.Join(provision.Failures(checks), "\n")
	want := "override file " + path + ": mode 0644, want 0600 (it holds the keys); run assetwiz apply, or chmod 600 " + path + "\n" +
		"override file " + path + `: WEBSITE_URL is "www.other.com", want "www.example.com"` + "\n" +
		"override file " + path + ": S3_SECRET_KEY differs from the keys in use"
	if got != want || len(checks) != 3 {
		t.Errorf("after edits: %d checks\n%s\nwant\n%s", len(checks), got, want)
	}
	if strings.Contains(got, "skother") || strings.Contains(got, "skfakefakefake") {
		t.Errorf("a key in verify's output: %s", got)
	}
}

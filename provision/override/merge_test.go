package override

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/assetwiz/assetwiz/steps"
)

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
		if name, _, ok := steps.ParseExportLine(line); ok && owned[name] {
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
	after := Merge(before, exports, SecretNames...)
	for _, line := range []string{`export S3_ACCESS_KEY="OLDACCESSKEY0000"`, `export S3_SECRET_KEY="oldsecret/0000000000000000"`} {
		if !strings.Contains(after, line+"\n") {
			t.Errorf("secret line %s was not left as it was", line)
		}
	}
	// Without a secret in the file and with --no-secrets, none is added either.
	if got := Merge("export A=\"1\"\n", exports, SecretNames...); strings.Contains(got, "S3_ACCESS_KEY") {
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

func TestWriteFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "override.tmpl")
	before := readTestdata(t, "digitalocean3override.tmpl")
	if err := os.WriteFile(path, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	merged := Merge(before, ours())
	wrote, err := WriteFile(path, merged, nil)
	if err != nil || !wrote {
		t.Fatalf("first write: wrote=%v err=%v", wrote, err)
	}
	assertFile(t, path, merged, 0o600)
	assertFile(t, path+".bak", before, 0o600)

	// Unchanged content: nothing written, not even the .bak.
	os.Remove(path + ".bak")
	stat1, _ := os.Stat(path)
	wrote, err = WriteFile(path, Merge(merged, ours()), nil)
	if err != nil || wrote {
		t.Fatalf("second write: wrote=%v err=%v, want no write", wrote, err)
	}
	if _, err := os.Stat(path + ".bak"); !os.IsNotExist(err) {
		t.Error("a .bak was written although nothing changed")
	}
	if stat2, _ := os.Stat(path); !stat2.ModTime().Equal(stat1.ModTime()) {
		t.Error("the file was rewritten although nothing changed")
	}
	// No temporary files left behind.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only the override file", len(entries))
	}

	// A new file: created 0600, no .bak.
	fresh := filepath.Join(dir, "new.tmpl")
	if _, err := WriteFile(fresh, "export A=\"1\"\n", nil); err != nil {
		t.Fatal(err)
	}
	assertFile(t, fresh, "export A=\"1\"\n", 0o600)
	if _, err := os.Stat(fresh + ".bak"); !os.IsNotExist(err) {
		t.Error("a .bak was made for a new file")
	}
}

// A reader racing the writer sees the old content or the new, never a mix or a part.
func TestWriteFileIsAtomic(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "override.tmpl")
	old := strings.Repeat("export OLD=\"1\"\n", 20000)
	cur := strings.Repeat("export NEW=\"2\"\n", 20000)
	if _, err := WriteFile(path, old, nil); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	var bad atomic.Int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			data, err := os.ReadFile(path)
			if err == nil && string(data) != old && string(data) != cur {
				bad.Add(1)
			}
		}
	}()
	for i := 0; i < 30; i++ {
		content := cur
		if i%2 == 1 {
			content = old
		}
		if _, err := WriteFile(path, content, nil); err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	wg.Wait()
	if bad.Load() > 0 {
		t.Fatalf("a reader saw a partial file %d times", bad.Load())
	}
}

func assertFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != content {
		t.Errorf("%s holds other content than expected", filepath.Base(path))
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != mode {
		t.Errorf("%s has mode %o, want %o", filepath.Base(path), st.Mode().Perm(), mode)
	}
}

func TestPlanWarnsOfALeftoverEnableEFS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "override.tmpl")
	os.WriteFile(path, []byte("export ENABLE_EFS=\"1\"\nexport SUBNET_ID=\"subnet-0123\"\n"), 0o600)
	a := steps.Answers{Mode: "temporal", Application: "joomla", WebsiteURL: "www.example.com", Technique: "s3fs",
		Storage: steps.Storage{Provider: "digitalocean"}, Output: steps.Output{OverrideFile: path}}
	a.Complete()
	p, err := Backend{NoSecrets: true}.Plan(context.Background(), &a)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(p.Warnings, "\n"), "ENABLE_EFS") {
		t.Errorf("no warning of the leftover ENABLE_EFS: %v", p.Warnings)
	}
}

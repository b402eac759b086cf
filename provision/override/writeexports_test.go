//go:build unix

package override

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/assetwiz/assetwiz/internal/safefile"
	"github.com/assetwiz/assetwiz/steps"
)

// WriteExports (render -o) writes what the backend's apply writes: the same merge, the same
// .bak, mode 0600, nothing when nothing changes.
func TestWriteExportsWritesWhatApplyWrites(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := hostileAnswers(filepath.Join(dir, "applied.tmpl"))
	exports, _ := Exports(a, false)
	before := "# the toolkit's own\nexport DNS_CHOICE=\"cloudflare\"\nexport APPLICATION=\"moodle\"\n"
	byRender := filepath.Join(dir, "rendered.tmpl")
	for _, p := range []string{a.Output.OverrideFile, byRender} {
		os.WriteFile(p, []byte(before), 0o644)
	}
	if err := fileAction(t, must(Backend{}.Plan(context.Background(), a))).Do(context.Background()); err != nil {
		t.Fatal(err)
	}
	wrote, err := WriteExports(byRender, exports)
	if err != nil || !wrote {
		t.Fatalf("WriteExports: wrote %v, %v", wrote, err)
	}
	applied, _ := os.ReadFile(a.Output.OverrideFile)
	assertFile(t, byRender, string(applied), FileMode)
	assertFile(t, byRender+".bak", before, FileMode)
	if !strings.Contains(string(applied), "export DNS_CHOICE=\"cloudflare\"\n") || !strings.Contains(string(applied), "export APPLICATION=\"joomla\"\n") {
		t.Errorf("not merged:\n%s", applied)
	}
	os.Remove(byRender + ".bak")
	if wrote, err := WriteExports(byRender, exports); err != nil || wrote {
		t.Errorf("again: wrote %v, %v; want nothing written", wrote, err)
	}
	if _, err := os.Stat(byRender + ".bak"); !os.IsNotExist(err) {
		t.Error("a .bak written when nothing changed")
	}
	// keep: the secret lines stay as they are.
	os.WriteFile(byRender, []byte("export S3_SECRET_KEY=\"theirs\"\n"), 0o600)
	if _, err := WriteExports(byRender, exports, SecretNames...); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(byRender); !strings.Contains(string(data), "export S3_SECRET_KEY=\"theirs\"\n") || strings.Contains(string(data), "skfakefakefake") {
		t.Errorf("keep: the secret line changed:\n%s", data)
	}
}

// What WriteExports refuses is Refused (bad input), and nothing is written anywhere.
func TestWriteExportsRefusesWhatItMustNotWrite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	exports, _ := Exports(hostileAnswers("unused"), false)
	target := filepath.Join(t.TempDir(), "real.tmpl")
	os.WriteFile(target, []byte("export A=\"1\"\n"), 0o600)
	link := filepath.Join(dir, "link.tmpl")
	os.Symlink(target, link)
	fifo := filepath.Join(dir, "fifo.tmpl")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.tmpl")
	os.WriteFile(big, []byte(strings.Repeat("# padding\n", safefile.MaxSize/10+1)), 0o600)
	shared := filepath.Join(dir, "shared.tmpl")
	os.WriteFile(shared, []byte("export S3_LOCATION=\"EU\"; export KEEP_ME=\"yes\"\n"), 0o600)
	for path, want := range map[string]error{link: safefile.ErrSymlink, fifo: safefile.ErrNotRegular, big: safefile.ErrTooLarge, shared: nil} {
		wrote, err := WriteExports(path, exports)
		if wrote || !Refused(err) {
			t.Errorf("%s: wrote %v, err %v: want refused", filepath.Base(path), wrote, err)
		}
		var ps steps.Problems
		if want != nil && !errors.Is(err, want) || want == nil && !errors.As(err, &ps) {
			t.Errorf("%s: %v, want %v", filepath.Base(path), err, want)
		}
	}
	assertFile(t, target, "export A=\"1\"\n", 0o600)
	if got := dirEntries(t, dir); len(got) != 4 {
		t.Errorf("the folder holds %v: something was written", got)
	}
	if Refused(errors.New("override file x: permission denied")) {
		t.Error("a failure to write is not bad input")
	}
}

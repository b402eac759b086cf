//go:build unix

package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestWriteSetsModeAndSkipsSameContent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	real := filepath.Join(dir, "real", "passwd-s3fs")
	if wrote, err := Write(real, "AK:SK\n", 0o600); err != nil || !wrote {
		t.Fatalf("first write: %v %v", wrote, err)
	}
	if st, _ := os.Stat(real); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %o, want 600", st.Mode().Perm())
	}
	if wrote, err := Write(real, "AK:SK\n", 0o600); err != nil || wrote {
		t.Errorf("same content and mode: wrote=%v err=%v, want no write", wrote, err)
	}
	os.Chmod(real, 0o644)
	if wrote, _ := Write(real, "AK:SK\n", 0o600); !wrote {
		t.Error("a widened mode was not put back")
	}
	if st, _ := os.Stat(real); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %o, want 600", st.Mode().Perm())
	}
	if entries, _ := os.ReadDir(filepath.Dir(real)); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}

// A link is never written through: the write is refused, naming the real path, and the
// target is left as it was (finding 7: it used to get mode 0600 and a .bak beside it).
func TestWriteRefusesALink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	link := filepath.Join(dir, "link")
	os.WriteFile(target, []byte("theirs\n"), 0o644)
	os.Symlink(target, link)
	_, err := Write(link, "ours\n", 0o600)
	if !errors.Is(err, ErrSymlink) || !strings.Contains(err.Error(), "give the real path "+target) {
		t.Fatalf("err = %v", err)
	}
	if data, _ := os.ReadFile(target); string(data) != "theirs\n" {
		t.Errorf("target holds %q", data)
	}
	if st, _ := os.Lstat(link); st.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced")
	}
}

// Finding 9: FIFOs, devices, folders and files over MaxSize are refused before a byte is
// read. A FIFO would block the read forever; /dev/zero would never end.
func TestLoadRefusesSpecialAndHugeFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(dir, "huge")
	f, _ := os.Create(huge)
	f.Truncate(MaxSize + 1) // sparse: no disk used
	f.Close()
	for path, want := range map[string]error{fifo: ErrNotRegular, "/dev/zero": ErrNotRegular, "/dev/null": ErrNotRegular, dir: ErrNotRegular, huge: ErrTooLarge} {
		_, err := Load(path)
		if !errors.Is(err, want) {
			t.Errorf("%s: err = %v, want %v", path, err, want)
		}
		if want == ErrTooLarge && !strings.Contains(err.Error(), "1 MiB") {
			t.Errorf("the message does not name the limit: %v", err)
		}
	}
	if _, err := Write(fifo, "x", 0o600); !errors.Is(err, ErrNotRegular) {
		t.Errorf("write over a FIFO: %v", err)
	}
	if st, _ := os.Lstat(fifo); st.Mode()&os.ModeNamedPipe == 0 {
		t.Error("the FIFO was replaced")
	}
}

func TestWriteRefusesAReadOnlyFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "f")
	os.WriteFile(path, []byte("old\n"), 0o444)
	if _, err := Write(path, "new\n", 0o600); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("err = %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "old\n" {
		t.Errorf("replaced: %q", data)
	}
}

func TestWriteIfUnchangedRefusesAnEditSinceTheRead(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	os.WriteFile(path, []byte("v1\n"), 0o600)
	st, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, []byte("v2\n"), 0o600) // same size: the hash tells them apart
	if _, err := WriteIfUnchanged(path, "ours\n", 0o600, &st); !errors.Is(err, ErrChanged) {
		t.Fatalf("err = %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "v2\n" {
		t.Errorf("the edit was lost: %q", data)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
	none, _ := Load(filepath.Join(dir, "new"))
	os.WriteFile(filepath.Join(dir, "new"), []byte("made meanwhile\n"), 0o600)
	if _, err := WriteIfUnchanged(filepath.Join(dir, "new"), "ours\n", 0o600, &none); !errors.Is(err, ErrChanged) {
		t.Errorf("a file made since the read: err = %v", err)
	}
}

func TestWriteKeepsTheOwner(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to give the file another owner")
	}
	path := filepath.Join(t.TempDir(), "f")
	os.WriteFile(path, []byte("old\n"), 0o600)
	os.Chown(path, 4242, 4343)
	if _, err := Write(path, "new\n", 0o600); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if s := st.Sys().(*syscall.Stat_t); s.Uid != 4242 || s.Gid != 4343 {
		t.Errorf("owned by %d:%d, want 4242:4343", s.Uid, s.Gid)
	}
}

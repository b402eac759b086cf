package files

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteSetsModeFollowsSymlinksAndSkipsSameContent(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real", "passwd-s3fs")
	link := filepath.Join(dir, "link")
	if wrote, err := Write(real, "AK:SK\n", 0o600); err != nil || !wrote {
		t.Fatalf("first write: %v %v", wrote, err)
	}
	if st, _ := os.Stat(real); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %o, want 600", st.Mode().Perm())
	}
	os.Symlink(real, link)
	if wrote, err := Write(link, "AK:SK2\n", 0o600); err != nil || !wrote {
		t.Fatalf("write through the link: %v %v", wrote, err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was replaced by a file")
	}
	if content, _, _, _ := Read(real); content != "AK:SK2\n" {
		t.Errorf("target holds %q", content)
	}
	if wrote, err := Write(real, "AK:SK2\n", 0o600); err != nil || wrote {
		t.Errorf("same content and mode: wrote=%v err=%v, want no write", wrote, err)
	}
	os.Chmod(real, 0o644)
	if wrote, _ := Write(real, "AK:SK2\n", 0o600); !wrote {
		t.Error("a widened mode was not put back")
	}
	if entries, _ := os.ReadDir(filepath.Dir(real)); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}

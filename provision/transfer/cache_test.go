package transfer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
)

func TestMD5CacheIsTrustedForUnchangedFilesOnly(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	c := srv.Client(t)
	makeBucket(t, c, "site-uploads")
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.txt"), []byte("aaaa"))
	writeFile(t, filepath.Join(dir, "b.txt"), []byte("bbbb"))
	opt := Options{CacheDir: t.TempDir()}
	f := Folder{Path: dir, Bucket: "site-uploads"}
	if sum, err := Sync(context.Background(), c, f, opt); err != nil || sum.Copied != 2 {
		t.Fatalf("first sync: %v %+v", err, sum)
	}
	path := cacheFile(opt.CacheDir, dir, "site-uploads")
	data, err := os.ReadFile(path)
	if err != nil || strings.Count(string(data), "\n") != 2 {
		t.Fatalf("cache %s: %v\n%s", path, err, data)
	}

	// b.txt changes to other content of the same size, its modification time set back: the
	// change time and so the cache line no longer match, and the change is seen.
	st, _ := os.Stat(filepath.Join(dir, "b.txt"))
	writeFile(t, filepath.Join(dir, "b.txt"), []byte("cccc"))
	if err := os.Chtimes(filepath.Join(dir, "b.txt"), time.Time{}, st.ModTime()); err != nil {
		t.Fatal(err)
	}
	sum, err := Sync(context.Background(), c, f, opt)
	if err != nil || sum.Same != 1 || len(sum.Conflicts) != 1 || sum.Conflicts[0].Key != "b.txt" {
		t.Fatalf("after b.txt changed: %v same %d conflicts %v; want a.txt same, b.txt in conflict", err, sum.Same, sum.Conflicts)
	}

	// A cache line that matches the file is trusted without reading it: a wrong MD5 planted
	// there for the unchanged a.txt shows as a conflict, which proves the file was not read.
	data, _ = os.ReadFile(path)
	lines := strings.SplitAfter(string(data), "\n")
	if !strings.HasPrefix(lines[0], `"a.txt"`) {
		t.Fatalf("cache not in key order:\n%s", data)
	}
	fields := strings.Split(lines[0], "\t")
	fields[5] = strings.Repeat("0", 32) + "\n"
	lines[0] = strings.Join(fields, "\t")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	sum, err = Sync(context.Background(), c, f, opt)
	if err != nil || len(sum.Conflicts) != 2 {
		t.Fatalf("with a planted MD5: %v conflicts %v; want a.txt (from the cache) and b.txt", err, sum.Conflicts)
	}
}

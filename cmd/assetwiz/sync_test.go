package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/provision/transfer"
)

// webrootWith makes a webroot holding files under wp-content/uploads.
func webrootWith(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		path := filepath.Join(root, "wp-content", "uploads", filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, path, content)
	}
	return root
}

func TestSyncCommandAgainstVersitygw(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	r := &s3Run{t: t, dir: t.TempDir()}
	writeFile(t, filepath.Join(r.dir, "assetwiz.yaml"), s3Answers(srv, "temporal", "wordpress", "s3fs"))
	env := keysEnv(srv.AccessKey, srv.SecretKey)
	defer r.noSecrets(srv.AccessKey, srv.SecretKey)
	if res := r.run(env, "apply", "--yes"); res.code != 0 {
		t.Fatalf("apply: exit %d\n%s", res.code, res.stderr)
	}
	webroot := webrootWith(t, map[string]string{"2024/01/a.jpg": "jpeg bytes", "b.txt": "text"})
	bucket := "www-example-com-assets-wp-content-uploads"

	res := r.run(env, "sync", "--from", webroot, "--dry-run")
	if res.code != 0 || !strings.Contains(res.stdout, "+ 2 files to copy") || !strings.Contains(res.stdout, "→ "+bucket) {
		t.Fatalf("dry run: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if n := countObjects(t, srv, bucket); n != 0 {
		t.Fatalf("the dry run copied %d objects", n)
	}

	res = r.run(env, "sync", "--from", webroot, "--json")
	var out struct {
		Totals struct{ Copied, Same int } `json:"totals"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &out); res.code != 0 || err != nil || out.Totals.Copied != 2 {
		t.Fatalf("sync --json: exit %d, %v\n%s%s", res.code, err, res.stdout, res.stderr)
	}
	res = r.run(env, "sync", "--from", webroot)
	if res.code != 0 || !strings.Contains(res.stdout, "Sync: 0 files copied (0 B), 2 already there") {
		t.Fatalf("second sync: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	// A FIFO cannot be copied (and as root, chmod 000 would not stop a read): listed, exit 1.
	if err := syscall.Mkfifo(filepath.Join(webroot, "wp-content", "uploads", "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(webroot, "wp-content", "uploads", "c.txt"), "new")
	res = r.run(env, "sync", "--from", webroot)
	if res.code != 1 || !strings.Contains(res.stderr, filepath.Join(webroot, "wp-content", "uploads", "pipe")+": not a regular file") {
		t.Fatalf("sync with a FIFO: exit %d, want 1 naming it\n%s%s", res.code, res.stdout, res.stderr)
	}
	if n := countObjects(t, srv, bucket); n != 3 {
		t.Fatalf("%d objects after the FIFO run, want 3 (c.txt copied all the same)", n)
	}
}

func TestSyncBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), "mode: temporal\napplication: wordpress\nwebsite_url: www.example.com\nstorage:\n  provider: custom\n  region: us-east-1\n  endpoint: http://127.0.0.1:9\n")
	env := map[string]string{"S3_ACCESS_KEY": "AKEXAMPLE0000", "S3_SECRET_KEY": "secretexample0000"}
	webroot := webrootWith(t, map[string]string{"a.txt": "a"})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sync"}, "--from"},
		{[]string{"sync", "--from", filepath.Join(dir, "nope")}, "--from"},
		{[]string{"sync", "--from", dir}, "holds none of the directories"},
		{[]string{"sync", "--from", webroot, "--technique", "local"}, "technique"},
		{[]string{"sync", "--from", webroot, "--progress", "loud"}, "--progress"},
	} {
		res := runCLI(t, dir, env, tc.args...)
		if res.code != 64 || !strings.Contains(res.stderr, tc.want) {
			t.Errorf("%v: exit %d, want 64 naming %s\n%s", tc.args, res.code, tc.want, res.stderr)
		}
	}
	res := runCLI(t, dir, map[string]string{}, "sync", "--from", webroot)
	if res.code != 64 || !strings.Contains(res.stderr, "S3_ACCESS_KEY") {
		t.Errorf("without keys: exit %d\n%s", res.code, res.stderr)
	}
}

func countObjects(t *testing.T, srv *s3test.Server, bucket string) int {
	t.Helper()
	n := 0
	_ = filepath.WalkDir(filepath.Join(srv.Dir, bucket), func(path string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n
}

// The asset directory a symlink out of --from was followed (a root-only id_rsa went public);
// now nothing is copied from it, it is named, and the exit is 1. A private file inside is
// skipped and listed unless --include-private.
func TestSyncNeverUploadsOutsideFromNorPrivateFiles(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	r := &s3Run{t: t, dir: t.TempDir()}
	writeFile(t, filepath.Join(r.dir, "assetwiz.yaml"), s3Answers(srv, "temporal", "wordpress", "s3fs"))
	env := keysEnv(srv.AccessKey, srv.SecretKey)
	if res := r.run(env, "apply", "--yes"); res.code != 0 {
		t.Fatalf("apply: exit %d\n%s", res.code, res.stderr)
	}
	bucket := "www-example-com-assets-wp-content-uploads"
	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "id_rsa"), "secret")
	webroot := t.TempDir()
	if err := os.MkdirAll(filepath.Join(webroot, "wp-content"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(webroot, "wp-content", "uploads")); err != nil {
		t.Fatal(err)
	}
	for _, follow := range [][]string{nil, {"--follow-symlinks"}} {
		res := r.run(env, append([]string{"sync", "--from", webroot}, follow...)...)
		if res.code != 1 || !strings.Contains(res.stderr, "outside "+webroot) {
			t.Fatalf("sync %v of a directory leading out: exit %d, want 1 naming it\n%s%s", follow, res.code, res.stdout, res.stderr)
		}
		if n := countObjects(t, srv, bucket); n != 0 {
			t.Fatalf("%d objects copied from outside --from", n)
		}
	}

	webroot = webrootWith(t, map[string]string{"a.jpg": "public", "private.txt": "not for the web"})
	private := filepath.Join(webroot, "wp-content", "uploads", "private.txt")
	if err := os.Chmod(private, 0o600); err != nil {
		t.Fatal(err)
	}
	res := r.run(env, "sync", "--from", webroot)
	if res.code != 0 || !strings.Contains(res.stdout, "private.txt skipped: private") || countObjects(t, srv, bucket) != 1 {
		t.Fatalf("sync with a private file: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if res := r.run(env, "sync", "--from", webroot, "--include-private"); res.code != 0 || countObjects(t, srv, bucket) != 2 {
		t.Fatalf("--include-private: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// The summary names the symlinks it skipped (up to maxListed, then how many more), so a user
// can tell which uploads did not go up.
func TestSyncSummaryNamesTheSkippedSymlinks(t *testing.T) {
	t.Parallel()
	few := &transfer.Summary{From: "/var/www/html/wp-content/uploads", To: "bucket", Symlinks: []string{"2026/01/a.jpg", "latest"}}
	var b strings.Builder
	writeTransferText(&b, "sync", false, []*transfer.Summary{few})
	for _, want := range []string{"2 symlinks skipped", "      2026/01/a.jpg\n", "      latest\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the summary lacks %q:\n%s", want, b.String())
		}
	}
	many := &transfer.Summary{From: "/srv/uploads", To: "bucket"}
	for i := range maxListed + 5 {
		many.Symlinks = append(many.Symlinks, fmt.Sprintf("link-%02d", i))
	}
	b.Reset()
	writeTransferText(&b, "sync", false, []*transfer.Summary{many})
	if !strings.Contains(b.String(), "link-00\n") || strings.Contains(b.String(), fmt.Sprintf("link-%02d\n", maxListed)) || !strings.Contains(b.String(), "… and 5 more") {
		t.Errorf("a long list is cut at %d with how many more:\n%s", maxListed, b.String())
	}
}

// A dry run's summary names the files it would copy (up to maxListed, then how many more),
// so a restore can be checked before it runs.
func TestDryRunSummaryNamesTheFilesToCopy(t *testing.T) {
	t.Parallel()
	many := &transfer.Summary{From: "backup-bucket", To: "asset-bucket", Copied: maxListed + 5, CopiedBytes: 2048}
	for i := range maxListed + 5 {
		many.ToCopy = append(many.ToCopy, fmt.Sprintf("2026/%02d.jpg", i))
	}
	var b strings.Builder
	writeTransferText(&b, "restore", true, []*transfer.Summary{many})
	want := "  + 25 files to copy (2.0 kB):\n      2026/00.jpg\n"
	if !strings.Contains(b.String(), want) || !strings.Contains(b.String(), fmt.Sprintf("      2026/%02d.jpg\n      … and 5 more (--json lists them all)\n  = 0 already there", maxListed-1)) ||
		strings.Contains(b.String(), fmt.Sprintf("2026/%02d.jpg", maxListed)) {
		t.Errorf("the dry run's summary:\n%s", b.String())
	}
}

// The directories share --transfers: three directories at --transfers 3 copy one file each at
// once, not four each (the old floor), which a user who asked for 3 would not expect.
func TestDirectoriesShareTheTransfers(t *testing.T) {
	for _, tc := range []struct{ transfers, dirs, each int }{{3, 3, 1}, {64, 2, 32}, {2, 5, 1}, {64, 1, 64}} {
		var mu sync.Mutex
		var got []int
		jobs := make([]transferJob, tc.dirs)
		for i := range jobs {
			jobs[i] = transferJob{name: fmt.Sprint("dir", i), run: func(_ context.Context, o transfer.Options) (*transfer.Summary, error) {
				mu.Lock()
				got = append(got, o.Workers)
				mu.Unlock()
				return &transfer.Summary{}, nil
			}}
		}
		opts := transferOptions{Copy: transfer.Options{Workers: tc.transfers}, Progress: "none"}
		if err := testApp().runTransfers("sync", jobs, opts); err != nil {
			t.Fatal(err)
		}
		for _, w := range got {
			if w != tc.each {
				t.Errorf("--transfers %d over %d directories: a directory got %d at once, want %d", tc.transfers, tc.dirs, w, tc.each)
			}
		}
		if len(got) != tc.dirs {
			t.Errorf("%d of %d directories ran", len(got), tc.dirs)
		}
	}
}

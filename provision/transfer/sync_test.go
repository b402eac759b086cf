package transfer

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
)

// Small multipart sizes (S3's 5 MiB minimum part) so a test file of 11 MiB goes in 3 parts.
var small = Options{MultipartThreshold: 5 << 20, PartSize: 5 << 20, Workers: 4, PartWorkers: 2}

func makeBucket(t *testing.T, c *s3.Client, name string) {
	t.Helper()
	if _, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// uploadsTree is a folder of uploads whose names sort differently as paths and as keys
// ("2024-old" before "2024/", '-' before '/'), with one file big enough for multipart.
func uploadsTree(t *testing.T) (dir string, files map[string][]byte) {
	dir = t.TempDir()
	files = map[string][]byte{
		"2024/01/photo.jpg":  randomBytes(t, 3000),
		"2024/01/notes.txt":  []byte("hello"),
		"2024-old/a.png":     randomBytes(t, 10),
		"2024/big/video.mp4": randomBytes(t, 11<<20),
		"empty.css":          {},
		"z/deep/er/x.pdf":    randomBytes(t, 70000),
	}
	for k, v := range files {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(k)), v)
	}
	return dir, files
}

func getObject(t *testing.T, c *s3.Client, bucket, key string) ([]byte, *s3.GetObjectOutput) {
	t.Helper()
	out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return data, out
}

func listKeys(t *testing.T, c *s3.Client, bucket string) []string {
	t.Helper()
	var keys []string
	if err := listObjects(context.Background(), newStore(c, bucket, provision.RetryPolicy{}), nil, func(o Object) bool { keys = append(keys, o.Key); return true }); err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestSyncCopiesEverythingThenNothing(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	c := srv.Client(t)
	makeBucket(t, c, "site-uploads")
	dir, files := uploadsTree(t)
	ctx := context.Background()
	f := Folder{Directory: "wp-content/uploads", Path: dir, Bucket: "site-uploads"}

	sum, err := Sync(ctx, c, f, small)
	if err != nil || sum.Problems() != 0 {
		t.Fatalf("first sync: %v %+v", err, sum)
	}
	if sum.Copied != int64(len(files)) || sum.Same != 0 {
		t.Fatalf("first sync copied %d, same %d; want %d, 0", sum.Copied, sum.Same, len(files))
	}
	for k, want := range files {
		got, out := getObject(t, c, "site-uploads", k)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: content differs (%d bytes, want %d)", k, len(got), len(want))
		}
		if k == "2024/01/photo.jpg" && aws.ToString(out.ContentType) != "image/jpeg" {
			t.Errorf("%s: content type %q, want image/jpeg", k, aws.ToString(out.ContentType))
		}
	}

	again, err := Sync(ctx, c, f, small)
	if err != nil || again.Problems() != 0 {
		t.Fatalf("second sync: %v %+v", err, again)
	}
	if again.Copied != 0 || again.Same != int64(len(files)) || len(again.Conflicts) != 0 {
		t.Fatalf("second sync copied %d, same %d, conflicts %v; want 0, %d, none (the multipart object too)", again.Copied, again.Same, again.Conflicts, len(files))
	}
}

func TestSyncLeavesAConflictAloneUnlessOverwrite(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	c := srv.Client(t)
	makeBucket(t, c, "site-uploads")
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "logo.png"), []byte("local logo"))
	writeFile(t, filepath.Join(dir, "same-size.txt"), []byte("aaaa"))
	writeFile(t, filepath.Join(dir, "new.txt"), []byte("new"))
	srv.PutObject(t, "site-uploads", "logo.png", "the logo the site uses now")
	srv.PutObject(t, "site-uploads", "same-size.txt", "bbbb")
	srv.PutObject(t, "site-uploads", "only-in-bucket.txt", "kept")
	f := Folder{Path: dir, Bucket: "site-uploads"}

	dry, err := Sync(context.Background(), c, f, Options{DryRun: true, Overwrite: true})
	if err != nil || dry.Copied != 3 || dry.Overwritten != 2 {
		t.Fatalf("dry run: %v %+v", err, dry)
	}
	if got := listKeys(t, c, "site-uploads"); slices.Contains(got, "new.txt") {
		t.Fatal("dry run copied new.txt")
	}

	sum, err := Sync(context.Background(), c, f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var conflicts []string
	for _, i := range sum.Conflicts {
		conflicts = append(conflicts, i.Key)
	}
	if !slices.Equal(conflicts, []string{"logo.png", "same-size.txt"}) || sum.Copied != 1 {
		t.Fatalf("conflicts %v, copied %d; want logo.png and same-size.txt left alone, new.txt copied", conflicts, sum.Copied)
	}
	if got, _ := getObject(t, c, "site-uploads", "logo.png"); string(got) != "the logo the site uses now" {
		t.Fatalf("conflict was overwritten: %q", got)
	}

	sum, err = Sync(context.Background(), c, f, Options{Overwrite: true})
	if err != nil || sum.Overwritten != 2 || len(sum.Conflicts) != 0 {
		t.Fatalf("--overwrite: %v %+v", err, sum)
	}
	if got, _ := getObject(t, c, "site-uploads", "same-size.txt"); string(got) != "aaaa" {
		t.Fatalf("after --overwrite: %q", got)
	}
	if got, _ := getObject(t, c, "site-uploads", "only-in-bucket.txt"); string(got) != "kept" {
		t.Fatal("an object with no local file was touched")
	}
}

func TestInterruptedSyncLeavesNoPartialObjectAndResumes(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	c := srv.Client(t)
	makeBucket(t, c, "site-uploads")
	dir := t.TempDir()
	big := randomBytes(t, 16<<20)
	writeFile(t, filepath.Join(dir, "big.bin"), big)
	writeFile(t, filepath.Join(dir, "a.txt"), []byte("small"))

	ctx, cancel := context.WithCancel(context.Background())
	opt := small
	opt.Workers = 1 // a.txt first, then big.bin: the interruption comes after a.txt is stored
	opt.OnPart = func(key string, part int32) { cancel() }
	sum, err := Sync(ctx, c, Folder{Path: dir, Bucket: "site-uploads"}, opt)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted sync: err %v, want context.Canceled", err)
	}
	if sum.Copied != 1 {
		t.Fatalf("copied %d before the interruption, want 1 (a.txt)", sum.Copied)
	}
	if keys := listKeys(t, c, "site-uploads"); !slices.Equal(keys, []string{"a.txt"}) {
		t.Fatalf("objects after the interruption: %v, want only a.txt (no partial big.bin)", keys)
	}
	ups, err := c.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String("site-uploads")})
	if err != nil {
		t.Fatal(err)
	}
	if len(ups.Uploads) != 0 {
		t.Fatalf("%d multipart uploads left in flight, want them aborted", len(ups.Uploads))
	}

	opt.OnPart = nil
	sum, err = Sync(context.Background(), c, Folder{Path: dir, Bucket: "site-uploads"}, opt)
	if err != nil || sum.Copied != 1 || sum.Same != 1 {
		t.Fatalf("re-run: %v copied %d same %d; want big.bin copied and a.txt skipped", err, sum.Copied, sum.Same)
	}
	if got, _ := getObject(t, c, "site-uploads", "big.bin"); !bytes.Equal(got, big) {
		t.Fatal("big.bin differs after the re-run")
	}
}

// Tests run as root, whom chmod 000 does not stop: the files that cannot be read here are a
// FIFO (never opened: it would block), a socket, and a symlink to nothing (with --follow-symlinks).
func TestUnreadableFilesAreListedAndTheRestCopied(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	c := srv.Client(t)
	makeBucket(t, c, "site-uploads")
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "ok.txt"), []byte("fine"))
	writeFile(t, filepath.Join(dir, "sub", "ok2.txt"), []byte("fine too"))
	if err := syscall.Mkfifo(filepath.Join(dir, "sub", "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "missing"), filepath.Join(dir, "dangling")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "ok.txt"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}

	sum, err := Sync(context.Background(), c, Folder{Path: dir, Bucket: "site-uploads"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keysOf(sum.Unreadable), []string{"sub/pipe"}) || !slices.Equal(sum.Symlinks, []string{"dangling", "link.txt"}) {
		t.Fatalf("unreadable %v, symlinks %v; want sub/pipe, and both symlinks skipped", sum.Unreadable, sum.Symlinks)
	}
	if keys := listKeys(t, c, "site-uploads"); !slices.Equal(keys, []string{"ok.txt", "sub/ok2.txt"}) {
		t.Fatalf("copied %v", keys)
	}

	sum, err = Sync(context.Background(), c, Folder{Path: dir, Bucket: "site-uploads"}, Options{FollowSymlinks: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := keysOf(sum.Unreadable); !slices.Equal(got, []string{"dangling", "sub/pipe"}) || sum.Copied != 1 {
		t.Fatalf("with --follow-symlinks: unreadable %v copied %d; want dangling and sub/pipe, link.txt copied", sum.Unreadable, sum.Copied)
	}
	for _, i := range sum.Unreadable {
		if strings.TrimSpace(i.Reason) == "" {
			t.Errorf("%s: no reason given", i.Key)
		}
	}
}

func keysOf(issues []Issue) []string {
	var out []string
	for _, i := range issues {
		out = append(out, i.Key)
	}
	slices.Sort(out)
	return out
}

// A listing that fails must stop the sync: past it every file would look new, and an object
// that differs would be overwritten without being reported as a conflict.
func TestAFailedListingCopiesNothing(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	c := srv.Client(t)
	dir := t.TempDir()
	for i := range 20 {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("f%02d.txt", i)), []byte("x"))
	}
	sum, err := Sync(context.Background(), c, Folder{Path: dir, Bucket: "no-such-bucket"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Copied != 0 || len(sum.Failed) != 0 || !strings.Contains(sum.Error, "does not exist") {
		t.Fatalf("copied %d, failed %v, error %q; want nothing tried and the bucket named missing", sum.Copied, sum.Failed, sum.Error)
	}
	makeBucket(t, c, "assets")
	srv.PutObject(t, "assets", "a.txt", "a")
	out, err := Copy(context.Background(), Buckets{From: c, FromBucket: "assets", To: c, ToBucket: "no-such-bucket"}, Options{}, false)
	if err != nil || out.Copied != 0 || len(out.Failed) != 0 || out.Error == "" {
		t.Fatalf("copy into a missing bucket: %v copied %d failed %v error %q", err, out.Copied, out.Failed, out.Error)
	}
}

// A relative folder (`assetwiz sync --from ./site`) left the root relative while each opened
// file's real path is absolute: every file was skipped as "outside the folder being copied",
// and the run ended with nothing copied and exit 0.
func TestSyncOfARelativeFolderCopiesItsFiles(t *testing.T) {
	srv := s3test.Start(t)
	c := srv.Client(t)
	makeBucket(t, c, "site-uploads")
	dir, files := uploadsTree(t)
	t.Chdir(filepath.Dir(dir))
	rel := filepath.Base(dir)
	sum, err := Sync(context.Background(), c, Folder{Directory: "wp-content/uploads", Path: rel, Bucket: "site-uploads"}, small)
	if err != nil || sum.Problems() != 0 || len(sum.Skipped) != 0 {
		t.Fatalf("%v skipped %v %+v", err, sum.Skipped, sum)
	}
	if sum.Copied != int64(len(files)) {
		t.Fatalf("copied %d of %d files from the relative folder %s", sum.Copied, len(files), rel)
	}
}

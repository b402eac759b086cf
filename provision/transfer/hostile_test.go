package transfer

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/provision/faultproxy"
)

// behind is a client of srv that goes through a hostile proxy doing tamper (and, with rate,
// throttling some requests with 503 SlowDown or 429).
func behind(t *testing.T, srv *s3test.Server, rate float64, tamper func(*http.Request, *http.Response) error) *s3.Client {
	t.Helper()
	p := faultproxy.New(t, srv.Endpoint, faultproxy.Options{Rate: rate, Faults: []faultproxy.Fault{faultproxy.SlowDown, faultproxy.TooMany}, Seed: 7, Tamper: tamper})
	return via(srv, p)
}

// via is a client of srv that goes through the proxy p.
func via(srv *s3test.Server, p *faultproxy.Proxy) *s3.Client {
	return s3.New(s3.Options{
		Region: srv.Region, BaseEndpoint: aws.String(p.URL()), UsePathStyle: true,
		Credentials:                credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
}

// A provider listing keys out of order made sync overwrite objects it should have reported
// as conflicts: the merge took every local key before the first listed as new. Now the
// order is checked, new keys are written only if still free, and the run says so; the
// throttled requests along the way are backed off, not failed.
func TestOutOfOrderListingTurnsNoConflictIntoAnOverwrite(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	direct := srv.Client(t)
	makeBucket(t, direct, "site-uploads")
	dir := t.TempDir()
	for i := range 8 {
		key := fmt.Sprintf("k%02d.txt", i)
		srv.PutObject(t, "site-uploads", key, "the object the site serves "+key)
		writeFile(t, filepath.Join(dir, key), []byte("an older local copy of "+key))
	}
	writeFile(t, filepath.Join(dir, "new.txt"), []byte("new"))
	c := behind(t, srv, 0.2, faultproxy.ReverseListings)
	f := Folder{Path: dir, Bucket: "site-uploads"}

	for _, dry := range []bool{true, false} {
		sum, err := Sync(context.Background(), c, f, Options{DryRun: dry, Workers: 4})
		if err != nil || sum.Problems() != 0 {
			t.Fatalf("dry %v: %v %+v", dry, err, sum)
		}
		if len(sum.Conflicts) != 8 || sum.Copied != 1 || sum.Overwritten != 0 {
			t.Fatalf("dry %v: conflicts %v, copied %d; want all 8 differing objects as conflicts and only new.txt copied", dry, keysOf(sum.Conflicts), sum.Copied)
		}
		if len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], "out of order") {
			t.Fatalf("dry %v: warnings %q; want the disorder said", dry, sum.Warnings)
		}
	}
	for i := range 8 {
		key := fmt.Sprintf("k%02d.txt", i)
		if got, _ := getObject(t, direct, "site-uploads", key); string(got) != "the object the site serves "+key {
			t.Fatalf("%s overwritten: %q", key, got)
		}
	}
}

// A source answering GetObject without Content-Length (chunked) failed every backup with
// BadDigest; it is read up to the listed size and checked against the listed MD5.
func TestBackupReadsChunkedAnswers(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	direct := srv.Client(t)
	makeBucket(t, direct, "assets")
	makeBucket(t, direct, "assets-backup")
	big := randomBytes(t, 9<<20) // through a temporary file, and a multipart write
	if _, err := direct.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("assets"), Key: aws.String("big.bin"), Body: bytes.NewReader(big)}); err != nil {
		t.Fatal(err)
	}
	srv.PutObject(t, "assets", "small.txt", "small")
	from := behind(t, srv, 0, faultproxy.Chunked)
	sum, err := Copy(context.Background(), Buckets{From: from, FromBucket: "assets", To: direct, ToBucket: "assets-backup"}, small, false)
	if err != nil || sum.Problems() != 0 || sum.Copied != 2 {
		t.Fatalf("backup of chunked answers: %v copied %d failed %v error %q", err, sum.Copied, sum.Failed, sum.Error)
	}
	if got, _ := getObject(t, direct, "assets-backup", "big.bin"); !bytes.Equal(got, big) {
		t.Fatal("big.bin differs in the backup")
	}
}

// A source streaming an endless body grew memory until the kernel killed the run; the read
// stops one byte past the listed size and the object is reported.
func TestBackupStopsAnEndlessBody(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	direct := srv.Client(t)
	makeBucket(t, direct, "assets")
	makeBucket(t, direct, "assets-backup")
	srv.PutObject(t, "assets", "a.txt", "the real content")
	from := behind(t, srv, 0, faultproxy.Endless)
	sum, err := Copy(context.Background(), Buckets{From: from, FromBucket: "assets", To: direct, ToBucket: "assets-backup"}, Options{}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Failed) != 1 || sum.Failed[0].Key != "a.txt" || !strings.Contains(sum.Failed[0].Reason, "more bytes than the listing") {
		t.Fatalf("failed %v; want a.txt reported as longer than listed", sum.Failed)
	}
	if keys := listKeys(t, direct, "assets-backup"); len(keys) != 0 {
		t.Fatalf("backup holds %v after an endless body", keys)
	}
}

// A large file rewritten in place during its multipart upload ended with exit 0, the new
// content stored and the old MD5 recorded. The parts are hashed in order as they are read
// for sending: the mismatch is found before completing, the upload aborted, the file named.
func TestFileRewrittenDuringItsUploadIsNamed(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	direct := srv.Client(t)
	makeBucket(t, direct, "site-uploads")
	dir := t.TempDir()
	path := filepath.Join(dir, "video.mp4")
	writeFile(t, path, randomBytes(t, 16<<20))
	opt := small
	opt.PartWorkers = 1
	rewritten := false
	opt.OnPart = func(key string, part int32) {
		if part == 1 && !rewritten {
			rewritten = true
			if err := os.WriteFile(path, randomBytes(t, 16<<20), 0o644); err != nil { // same size, in place
				t.Error(err)
			}
		}
	}
	c := behind(t, srv, 0, nil)
	sum, err := Sync(context.Background(), c, Folder{Path: dir, Bucket: "site-uploads"}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keysOf(sum.Unreadable), []string{"video.mp4"}) || !strings.Contains(sum.Unreadable[0].Reason, "changed while") || sum.Copied != 0 {
		t.Fatalf("unreadable %v copied %d; want video.mp4 named as changed during its upload", sum.Unreadable, sum.Copied)
	}
	if keys := listKeys(t, direct, "site-uploads"); len(keys) != 0 {
		t.Fatalf("objects %v: the upload should have been aborted", keys)
	}
	ups, err := direct.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String("site-uploads")})
	if err != nil || len(ups.Uploads) != 0 {
		t.Fatalf("uploads left: %v %v", err, ups)
	}
	// The next run stores the file as it is now, with its MD5.
	opt.OnPart = nil
	if sum, err = Sync(context.Background(), c, Folder{Path: dir, Bucket: "site-uploads"}, opt); err != nil || sum.Copied != 1 {
		t.Fatalf("re-run: %v %+v", err, sum)
	}
	data, out := getObject(t, direct, "site-uploads", "video.mp4")
	want := md5.Sum(data)
	if got := out.Metadata[MetaMD5]; got != base64.StdEncoding.EncodeToString(want[:]) {
		t.Fatalf("md5chksum %s is not the MD5 of the stored bytes", got)
	}
}

// The asset directory itself a symlink out of the webroot was followed without
// --follow-symlinks, and with it links leaving the tree were followed silently. Neither is
// now, nor is a file the web server's user could not read (unless asked); each is listed.
func TestNothingOutsideTheTreeNorPrivateIsUploaded(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	direct := srv.Client(t)
	makeBucket(t, direct, "site-uploads")
	c := behind(t, srv, 0, nil)
	webroot, outside := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(outside, "id_rsa"), []byte("secret"))
	writeFile(t, filepath.Join(outside, "etc", "shadow"), []byte("root:x"))

	// The directory itself leads out of the webroot.
	if err := os.Symlink(outside, filepath.Join(webroot, "uploads")); err != nil {
		t.Fatal(err)
	}
	for _, follow := range []bool{false, true} {
		sum, err := Sync(context.Background(), c, Folder{Path: filepath.Join(webroot, "uploads"), Root: webroot, Bucket: "site-uploads"}, Options{FollowSymlinks: follow})
		if err != nil || sum.Copied != 0 || !strings.Contains(sum.Error, "outside") {
			t.Fatalf("follow %v: %v copied %d error %q; want nothing copied and the folder named", follow, err, sum.Copied, sum.Error)
		}
	}

	// Links inside the directory: out of the tree, and within it.
	tree := t.TempDir()
	uploads := filepath.Join(tree, "wp-content", "uploads")
	writeFile(t, filepath.Join(uploads, "a.txt"), []byte("public"))
	writeFile(t, filepath.Join(uploads, "private.txt"), []byte("not for the web"))
	if err := os.Chmod(filepath.Join(uploads, "private.txt"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"key": filepath.Join(outside, "id_rsa"), "etc": filepath.Join(outside, "etc"), "inside.txt": filepath.Join(uploads, "a.txt")} {
		if err := os.Symlink(target, filepath.Join(uploads, name)); err != nil {
			t.Fatal(err)
		}
	}
	f := Folder{Path: uploads, Root: tree, Bucket: "site-uploads"}
	sum, err := Sync(context.Background(), c, f, Options{FollowSymlinks: true})
	if err != nil || sum.Problems() != 0 {
		t.Fatalf("%v %+v", err, sum)
	}
	if got := keysOf(sum.Skipped); !slices.Equal(got, []string{"etc", "key", "private.txt"}) {
		t.Fatalf("skipped %v; want etc and key (outside) and private.txt", sum.Skipped)
	}
	for _, s := range sum.Skipped {
		if want := map[string]string{"etc": "outside", "key": "outside", "private.txt": "private"}[s.Key]; !strings.Contains(s.Reason, want) {
			t.Errorf("%s skipped for %q; want it to say %q", s.Key, s.Reason, want)
		}
	}
	if keys := listKeys(t, direct, "site-uploads"); !slices.Equal(keys, []string{"a.txt", "inside.txt"}) {
		t.Fatalf("uploaded %v; want a.txt and the link inside the tree", keys)
	}
	sum, err = Sync(context.Background(), c, f, Options{FollowSymlinks: true, IncludePrivate: true})
	if err != nil || sum.Copied != 1 {
		t.Fatalf("--include-private: %v %+v", err, sum)
	}
	if keys := listKeys(t, direct, "site-uploads"); !slices.Equal(keys, []string{"a.txt", "inside.txt", "private.txt"}) {
		t.Fatalf("uploaded %v; want private.txt too once asked", keys)
	}
}

// Names differing only in Unicode normalisation were two keys; now a decomposed name gets the
// key of its composed form (as rclone), and two such names in one folder are both refused.
func TestNamesAreNormalisedOrRefused(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	direct := srv.Client(t)
	makeBucket(t, direct, "site-uploads")
	dir := t.TempDir()
	nfc, nfd := "caf\u00e9.jpg", "cafe\u0301.jpg"
	writeFile(t, filepath.Join(dir, "one", nfd), []byte("decomposed"))
	writeFile(t, filepath.Join(dir, "two", nfc), []byte("composed"))
	writeFile(t, filepath.Join(dir, "two", nfd), []byte("decomposed"))
	sum, err := Sync(context.Background(), behind(t, srv, 0, nil), Folder{Path: dir, Bucket: "site-uploads"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if keys := listKeys(t, direct, "site-uploads"); !slices.Equal(keys, []string{"one/" + nfc}) {
		t.Fatalf("keys %q; want only one/%s in NFC", keys, nfc)
	}
	if len(sum.Skipped) != 2 || !strings.Contains(sum.Skipped[0].Reason, "one name in Unicode") {
		t.Fatalf("skipped %+v; want both names of two/ refused", sum.Skipped)
	}
}

func deleteObject(t *testing.T, c *s3.Client, bucket, key string) {
	t.Helper()
	if _, err := c.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
		t.Fatal(err)
	}
}

// Restore --versions replaced an asset object newer than the backup when its content equalled
// an older backup version, and skipped an object whose newest version is a delete marker as
// "already there". In both modes, the newer object is now a conflict and the deleted one is
// restored; the summary counts just that.
func TestRestoreKeepsTheNewerObjectAndBringsBackADeletedOne(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	direct := srv.Client(t)
	versionedBucket(t, direct, "assets")
	versionedBucket(t, direct, "assets-backup")
	srv.PutObject(t, "assets-backup", "a.txt", "first")
	srv.PutObject(t, "assets-backup", "a.txt", "second") // the backup's newest copy
	srv.PutObject(t, "assets-backup", "b.txt", "kept in the backup")
	srv.PutObject(t, "assets", "a.txt", "first") // put back since the backup: newer there
	c := behind(t, srv, 0.1, nil)
	back := Buckets{From: c, FromBucket: "assets-backup", To: c, ToBucket: "assets", Restore: true}
	for _, versions := range []bool{true, false} {
		srv.PutObject(t, "assets", "b.txt", "kept in the backup")
		deleteObject(t, direct, "assets", "b.txt") // a delete marker on top
		sum, err := Copy(context.Background(), back, Options{}, versions)
		if err != nil || sum.Problems() != 0 {
			t.Fatalf("versions %v: %v %+v", versions, err, sum)
		}
		if !slices.Equal(keysOf(sum.Conflicts), []string{"a.txt"}) || sum.Copied != 1 || sum.Same != 0 {
			t.Fatalf("versions %v: conflicts %v copied %d same %d; want a.txt a conflict and b.txt copied back", versions, keysOf(sum.Conflicts), sum.Copied, sum.Same)
		}
		if got, _ := getObject(t, direct, "assets", "a.txt"); string(got) != "first" {
			t.Fatalf("versions %v: the newer a.txt was replaced by %q", versions, got)
		}
		if got, _ := getObject(t, direct, "assets", "b.txt"); string(got) != "kept in the backup" {
			t.Fatalf("versions %v: b.txt %q", versions, got)
		}
	}
}

// A multipart object written by another tool has no MD5 (its ETag is not one, and it has no
// md5chksum): backup --versions copied it again on every run, twice. Now the copy records
// which source version it is, and the second run copies nothing.
func TestVersionsBackupOfAMultipartObjectIsIncremental(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	direct := srv.Client(t)
	versionedBucket(t, direct, "assets")
	versionedBucket(t, direct, "assets-backup")
	ctx := context.Background()
	up, err := direct.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("assets"), Key: aws.String("video.mp4")})
	if err != nil {
		t.Fatal(err)
	}
	var parts []types.CompletedPart
	for n := int32(1); n <= 2; n++ {
		out, err := direct.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("assets"), Key: aws.String("video.mp4"), UploadId: up.UploadId,
			PartNumber: aws.Int32(n), Body: bytes.NewReader(randomBytes(t, 5<<20))})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(n)})
	}
	if _, err := direct.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("assets"), Key: aws.String("video.mp4"), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}}); err != nil {
		t.Fatal(err)
	}
	srv.PutObject(t, "assets", "a.txt", "small")
	c := behind(t, srv, 0.1, nil)
	out := Buckets{From: c, FromBucket: "assets", To: c, ToBucket: "assets-backup"}
	opt := small
	opt.Overwrite = true // as assetwiz backup runs it
	first, err := Copy(ctx, out, opt, true)
	if err != nil || first.Problems() != 0 || first.Copied != 2 {
		t.Fatalf("first backup: %v %+v", err, first)
	}
	again, err := Copy(ctx, out, opt, true)
	if err != nil || again.Problems() != 0 || again.Copied != 0 || again.Same != 2 {
		t.Fatalf("second backup copied %d, same %d (%v); want nothing copied", again.Copied, again.Same, err)
	}
	if n := versionCount(t, direct, "assets-backup")["video.mp4"]; n != 1 {
		t.Fatalf("the backup holds %d versions of video.mp4, want 1", n)
	}
}

// Ctrl-C while CreateMultipartUpload is in flight: the server makes the upload, the client
// used to drop the answer (its context cancelled) and never abort it, a leak (billed parts)
// and the random CI failure of issue 23. The create now gets its answer, and the upload is
// aborted before Sync returns.
func TestCancelDuringCreateLeavesNoUpload(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	direct := srv.Client(t)
	makeBucket(t, direct, "site-uploads")
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "big.bin"), randomBytes(t, 6<<20))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := behind(t, srv, 0, func(r *http.Request, _ *http.Response) error {
		if r.Method == http.MethodPost && r.URL.Query().Has("uploads") {
			cancel() // the upload exists on the server; the answer is still on its way
		}
		return nil
	})
	_, err := Sync(ctx, c, Folder{Path: dir, Bucket: "site-uploads"}, small)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	ups, err := direct.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String("site-uploads")})
	if err != nil || len(ups.Uploads) != 0 {
		t.Fatalf("%v: %d multipart uploads left in flight, want them aborted", err, len(ups.Uploads))
	}
}

// A key listed twice (the second time with another ETag) is a listing out of order too: the
// run says so and decides each file from there on by its key, overwriting nothing.
func TestRepeatedKeyInAListingIsNotTrusted(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	direct := srv.Client(t)
	makeBucket(t, direct, "site-uploads")
	dir := t.TempDir()
	srv.PutObject(t, "site-uploads", "a.txt", "same")
	srv.PutObject(t, "site-uploads", "b.txt", "the object the site serves")
	writeFile(t, filepath.Join(dir, "a.txt"), []byte("same"))
	writeFile(t, filepath.Join(dir, "b.txt"), []byte("an older local copy"))
	writeFile(t, filepath.Join(dir, "c.txt"), []byte("new"))
	sum, err := Sync(context.Background(), behind(t, srv, 0, faultproxy.RepeatListings), Folder{Path: dir, Bucket: "site-uploads"}, Options{})
	if err != nil || sum.Problems() != 0 {
		t.Fatalf("%v %+v", err, sum)
	}
	if sum.Same != 1 || !slices.Equal(keysOf(sum.Conflicts), []string{"b.txt"}) || sum.Copied != 1 {
		t.Fatalf("same %d conflicts %v copied %d; want a.txt same, b.txt a conflict, c.txt copied", sum.Same, keysOf(sum.Conflicts), sum.Copied)
	}
	if len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], "repeated") {
		t.Fatalf("warnings %q; want the repeated key said", sum.Warnings)
	}
	if got, _ := getObject(t, direct, "site-uploads", "b.txt"); string(got) != "the object the site serves" {
		t.Fatalf("b.txt overwritten: %q", got)
	}
}

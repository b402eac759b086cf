package transfer

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/provision/faultproxy"
)

// Between two servers a large object went through a temporary file (a 50 MiB backup wrote and
// read back 50 MiB of disk per object, and failed where the temporary folder is missing or
// full); it is now piped from the GET into the PUT, and the destination checks its MD5.
func TestALargeObjectBetweenTwoServersIsPipedNotSpooled(t *testing.T) {
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "missing")) // no temporary file can be made
	site, backup := s3test.Start(t), s3test.Start(t)
	ps, pb := s3test.StartQuirky(t, site, s3test.Quirks{}), s3test.StartQuirky(t, backup, s3test.Quirks{})
	sc, bc := through(site, ps), through(backup, pb)
	makeBucket(t, sc, "assets")
	makeBucket(t, bc, "assets-backup")
	want := map[string][]byte{"video.mp4": randomBytes(t, inMemory+1), "poster.jpg": randomBytes(t, 12<<20), "small.webp": randomBytes(t, 3000)}
	for k, v := range want {
		putBytes(t, sc, "assets", k, v)
	}
	opt := Options{Workers: 4} // the default multipart threshold: the large objects go in one PUT each
	sum, err := Copy(context.Background(), Buckets{From: sc, FromBucket: "assets", To: bc, ToBucket: "assets-backup"}, opt, false)
	if err != nil || sum.Problems() != 0 || sum.Copied != 3 {
		t.Fatalf("%v %+v", err, sum)
	}
	gets, _, _ := bodies(ps.Requests())
	_, puts, _ := bodies(pb.Requests())
	for k := range want {
		if gets[k] != 1 || puts[k] != 1 {
			t.Fatalf("%s: %d GETs at the source, %d PUTs at the target; want one of each", k, gets[k], puts[k])
		}
	}
	sameCopies(t, bc, "assets", "assets-backup", want)
}

// A source that sends other bytes than it stored (a flipped bit on the way) under the right
// length: the piped PUT carries the listed MD5, the destination refuses it, the object is
// reported and nothing is stored under its key.
func TestAPipedObjectCorruptedOnTheWayIsNotStored(t *testing.T) {
	t.Parallel()
	site, backup := s3test.Start(t), s3test.Start(t)
	direct := site.Client(t)
	bc := backup.Client(t)
	makeBucket(t, direct, "assets")
	makeBucket(t, bc, "assets-backup")
	putBytes(t, direct, "assets", "video.mp4", randomBytes(t, inMemory+4096))
	copyCorrupted(t, behind(t, site, 0, flipObjectReads), bc)
	if keys := listKeys(t, bc, "assets-backup"); len(keys) != 0 {
		t.Fatalf("the backup holds %v after a corrupted read", keys)
	}
}

// copyCorrupted copies "assets" (video.mp4, read corrupted from) into "assets-backup" and
// checks that video.mp4 is reported, as content that does not match the source's MD5.
func copyCorrupted(t *testing.T, from, to *s3.Client) {
	t.Helper()
	sum, err := Copy(context.Background(), Buckets{From: from, FromBucket: "assets", To: to, ToBucket: "assets-backup"}, Options{Workers: 2}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Failed) != 1 || sum.Failed[0].Key != "video.mp4" || sum.Copied != 0 {
		t.Fatalf("copied %d, failed %v; want video.mp4 reported", sum.Copied, sum.Failed)
	}
	if r := sum.Failed[0].Reason; !strings.Contains(r, "does not match the source's MD5") {
		t.Fatalf("reason %q does not say the content did not match", r)
	}
	t.Logf("reason: %s", sum.Failed[0].Reason)
}

// flipObjectReads is a Tamper that flips one bit of every object a GET reads (its byte 5000),
// under the right length: a source sending other bytes than it stored.
func flipObjectReads(r *http.Request, resp *http.Response) error {
	if faultproxy.IsGetObject(r) && resp.StatusCode == http.StatusOK {
		resp.Body = struct {
			io.Reader
			io.Closer
		}{&flipper{r: resp.Body, at: 5000}, resp.Body}
	}
	return nil
}

// flipper flips one bit of the byte at offset at.
type flipper struct {
	r   io.Reader
	at  int64
	off int64
}

func (f *flipper) Read(b []byte) (int, error) {
	n, err := f.r.Read(b)
	if f.at >= f.off && f.at < f.off+int64(n) {
		b[f.at-f.off] ^= 1
	}
	f.off += int64(n)
	return n, err
}

// storedVersions lists every version and delete marker of key in bucket.
func storedVersions(t *testing.T, c *s3.Client, bucket, key string) (versions []types.ObjectVersion, markers int) {
	t.Helper()
	out, err := c.ListObjectVersions(context.Background(), &s3.ListObjectVersionsInput{Bucket: aws.String(bucket), Prefix: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range out.Versions {
		if aws.ToString(v.Key) == key {
			versions = append(versions, v)
		}
	}
	for _, m := range out.DeleteMarkers {
		if aws.ToString(m.Key) == key {
			markers++
		}
	}
	return versions, markers
}

// putHeaders records the Content-MD5 of every object PUT the destination's proxy passes on
// (key → header), and may rewrite the answers' ETags.
type putHeaders struct {
	mu         sync.Mutex
	contentMD5 map[string][]string
	fakeETag   bool
}

func (p *putHeaders) tamper(r *http.Request, resp *http.Response) error {
	if r.Method != http.MethodPut || r.URL.Query().Has("versioning") || strings.Count(strings.Trim(r.URL.Path, "/"), "/") < 1 {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	key := r.URL.Path[strings.Index(strings.Trim(r.URL.Path, "/"), "/")+2:]
	p.contentMD5[key] = append(p.contentMD5[key], r.Header.Get("Content-MD5"))
	if p.fakeETag && resp.StatusCode == http.StatusOK {
		resp.Header.Set("ETag", `"0123456789abcdef0123456789abcdef-kms"`) // as with encryption by KMS: not the MD5
	}
	return nil
}

// intoVersioned starts two servers: a site whose bucket "assets" holds want, and a backup
// server, reached through a proxy doing tamper, with a versioned bucket "assets-backup".
func intoVersioned(t *testing.T, tamper func(*http.Request, *http.Response) error, want map[string][]byte) (site, backup *s3.Client) {
	t.Helper()
	site, backup = s3test.Start(t).Client(t), behind(t, s3test.Start(t), 0, tamper)
	makeBucket(t, site, "assets")
	versionedBucket(t, backup, "assets-backup")
	for k, v := range want {
		putBytes(t, site, "assets", k, v)
	}
	return site, backup
}

// copyWhole copies "assets" into "assets-backup" and checks that every object of want was
// copied, whole, and that each is one version there, with no delete marker.
func copyWhole(t *testing.T, site, backup *s3.Client, want map[string][]byte, workers int) {
	t.Helper()
	sum, err := Copy(context.Background(), Buckets{From: site, FromBucket: "assets", To: backup, ToBucket: "assets-backup"}, Options{Workers: workers}, false)
	if err != nil || sum.Problems() != 0 || sum.Copied != int64(len(want)) {
		t.Fatalf("%v %+v", err, sum)
	}
	sameCopies(t, backup, "assets", "assets-backup", want)
	for key := range want {
		if v, m := storedVersions(t, backup, "assets-backup", key); len(v) != 1 || m != 0 {
			t.Errorf("%s: %d versions and %d delete markers; want the one copy", key, len(v), m)
		}
	}
}

// Into a versioned bucket, a piped object is checked by the ETag the destination answers (the
// MD5 of what it stored) instead of by Content-MD5, which costs versitygw a second MD5 of every
// byte: no Content-MD5 is sent, no Content-MD5 probe is written, and the copies are whole.
func TestAPipeIntoAVersionedBucketIsCheckedByItsETag(t *testing.T) {
	t.Parallel()
	seen := &putHeaders{contentMD5: map[string][]string{}}
	want := map[string][]byte{"video.mp4": randomBytes(t, inMemory+1), "poster.jpg": randomBytes(t, inMemory+4096)}
	sc, bc := intoVersioned(t, seen.tamper, want)
	copyWhole(t, sc, bc, want, 2)
	seen.mu.Lock()
	defer seen.mu.Unlock()
	for key, md5s := range seen.contentMD5 {
		if strings.HasPrefix(key, reservedPrefix) {
			t.Errorf("a Content-MD5 probe was written (%s): the ETag checks the copies", key)
		}
		if len(md5s) != 1 || md5s[0] != "" {
			t.Errorf("%s: PUT %d times with Content-MD5 %q; want once, without", key, len(md5s), md5s)
		}
	}
}

// A source that sends other bytes than it stored, into a versioned bucket: the version the
// destination stored is deleted (its ETag is not the source's MD5), the object goes again with
// Content-MD5, which the destination refuses, and it is reported: no version, no delete marker.
func TestAPipedObjectCorruptedOnTheWayLeavesNoVersion(t *testing.T) {
	t.Parallel()
	site, backup := s3test.Start(t), s3test.Start(t)
	direct := site.Client(t)
	seen := &putHeaders{contentMD5: map[string][]string{}}
	bc := behind(t, backup, 0, seen.tamper)
	makeBucket(t, direct, "assets")
	versionedBucket(t, bc, "assets-backup")
	putBytes(t, direct, "assets", "video.mp4", randomBytes(t, inMemory+4096))
	copyCorrupted(t, behind(t, site, 0, flipObjectReads), bc)
	if v, m := storedVersions(t, bc, "assets-backup", "video.mp4"); len(v) != 0 || m != 0 {
		t.Fatalf("the backup holds %d versions and %d delete markers of video.mp4 after a corrupted read; want none", len(v), m)
	}
	seen.mu.Lock()
	defer seen.mu.Unlock()
	if md5s := seen.contentMD5["video.mp4"]; len(md5s) < 2 || md5s[0] != "" || md5s[len(md5s)-1] == "" {
		t.Errorf("video.mp4 PUT with Content-MD5 %q; want first without (checked by the ETag), then with", md5s)
	}
}

// A versioned destination whose ETags are not MD5s (encryption with KMS): the first piped
// object's version is deleted and it goes again with Content-MD5, as every object after it;
// each ends with one version, whole.
func TestAPipeFallsBackToContentMD5WhereETagsAreNotMD5s(t *testing.T) {
	t.Parallel()
	seen := &putHeaders{contentMD5: map[string][]string{}, fakeETag: true}
	want := map[string][]byte{"a.mp4": randomBytes(t, inMemory+1), "b.mp4": randomBytes(t, inMemory+2), "c.mp4": randomBytes(t, inMemory+3)}
	sc, bc := intoVersioned(t, seen.tamper, want)
	copyWhole(t, sc, bc, want, 1)
	seen.mu.Lock()
	defer seen.mu.Unlock()
	withoutMD5 := 0
	for key := range want {
		md5s := seen.contentMD5[key]
		for _, m := range md5s {
			if m == "" {
				withoutMD5++
			}
		}
		if md5s[len(md5s)-1] == "" {
			t.Errorf("%s: last PUT without Content-MD5 (%q)", key, md5s)
		}
	}
	if withoutMD5 != 1 {
		t.Errorf("%d PUTs went without Content-MD5; want only the first, whose answer showed the ETags are not MD5s", withoutMD5)
	}
}

// Keys that may not delete versions, in a restore (whose writes of missing keys ask that the
// key still be free): the version whose ETag was not the MD5 stays, the object is sent again
// with Content-MD5 all the same, over it (the key is no longer free, but holds only what the
// run wrote), and the summary names the version to delete.
func TestAVersionThatCouldNotBeDeletedIsNamed(t *testing.T) {
	t.Parallel()
	seen := &putHeaders{contentMD5: map[string][]string{}, fakeETag: true}
	backup, site := s3test.Start(t).Client(t), s3test.Start(t)
	assets := via(site, faultproxy.New(t, site.Endpoint, faultproxy.Options{Tamper: seen.tamper,
		Deny: func(r *http.Request) bool { return r.Method == http.MethodDelete && r.URL.Query().Has("versionId") }}))
	makeBucket(t, backup, "assets-backup")
	versionedBucket(t, assets, "assets")
	want := map[string][]byte{"a.mp4": randomBytes(t, inMemory+1)}
	putBytes(t, backup, "assets-backup", "a.mp4", want["a.mp4"])
	sum, err := Copy(context.Background(), Buckets{From: backup, FromBucket: "assets-backup", To: assets, ToBucket: "assets", Restore: true}, Options{Workers: 1}, false)
	if err != nil || len(sum.Failed) != 0 || len(sum.Conflicts) != 0 || sum.Copied != 1 {
		t.Fatalf("%v %+v", err, sum)
	}
	sameCopies(t, assets, "assets-backup", "assets", want)
	if v, _ := storedVersions(t, assets, "assets", "a.mp4"); len(v) != 2 {
		t.Errorf("%d versions of a.mp4; want the one that could not be deleted and the checked one", len(v))
	}
	if len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], "a.mp4 was stored with ETag") || !strings.Contains(sum.Warnings[0], "could not be deleted") {
		t.Fatalf("warnings %q; want the version that could not be deleted named", sum.Warnings)
	}
	t.Logf("warning: %s", sum.Warnings[0])
}

// A photo of 7 MB between two servers is streamed from the GET into the PUT, not held in
// memory: 64 of them at once took 490 MB when objects under 8 MiB were read whole first
// (web servers may have 1 GB). Into a versioned bucket it is checked by its ETag, so its PUT
// carries no Content-MD5, where a copy through memory always does.
func TestAPhotoBetweenTwoServersIsStreamedNotHeldInMemory(t *testing.T) {
	t.Parallel()
	seen := &putHeaders{contentMD5: map[string][]string{}}
	want := map[string][]byte{"photo.jpg": randomBytes(t, 7_000_000), "thumb.jpg": randomBytes(t, 40_000)}
	sc, bc := intoVersioned(t, seen.tamper, want)
	copyWhole(t, sc, bc, want, 2)
	seen.mu.Lock()
	defer seen.mu.Unlock()
	if md5s := seen.contentMD5["photo.jpg"]; len(md5s) != 1 || md5s[0] != "" {
		t.Errorf("photo.jpg PUT with Content-MD5 %q: it went through memory, not streamed", md5s)
	}
}

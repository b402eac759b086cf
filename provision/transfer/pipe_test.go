package transfer

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

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
	flip := func(r *http.Request, resp *http.Response) error {
		if faultproxy.IsGetObject(r) && resp.StatusCode == http.StatusOK {
			resp.Body = struct {
				io.Reader
				io.Closer
			}{&flipper{r: resp.Body, at: 5000}, resp.Body}
		}
		return nil
	}
	from := behind(t, site, 0, flip)
	sum, err := Copy(context.Background(), Buckets{From: from, FromBucket: "assets", To: bc, ToBucket: "assets-backup"}, Options{Workers: 2}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Failed) != 1 || sum.Failed[0].Key != "video.mp4" || sum.Copied != 0 {
		t.Fatalf("copied %d, failed %v; want video.mp4 reported", sum.Copied, sum.Failed)
	}
	if keys := listKeys(t, bc, "assets-backup"); len(keys) != 0 {
		t.Fatalf("the backup holds %v after a corrupted read", keys)
	}
	if r := sum.Failed[0].Reason; !strings.Contains(r, "does not match the source's MD5") {
		t.Fatalf("reason %q does not say the content did not match", r)
	}
	t.Logf("reason: %s", sum.Failed[0].Reason)
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

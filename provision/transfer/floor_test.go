package transfer

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
)

// checksumsOf asks the server for the checksums it keeps of an object.
func checksumsOf(t *testing.T, c *s3.Client, bucket, key string) *s3.HeadObjectOutput {
	t.Helper()
	out, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// versitygw computes a copy's checksum over every byte it copies (beside the MD5 of its
// ETag): its default, CRC64NVME, cost it 0.6 s of CPU per GiB a backup copied, a quarter of its
// work. A server copy now asks for CRC32C, computed in hardware; an object whose writer chose
// another checksum (SHA-256 here) keeps it.
func TestAServerCopyAsksForTheChecksumServersComputeInHardware(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	c := srv.Client(t)
	ctx := context.Background()
	makeBucket(t, c, "assets")
	makeBucket(t, c, "assets-backup")
	plain, chosen := randomBytes(t, 70_000), randomBytes(t, 50_000)
	putBytes(t, c, "assets", "plain.webp", plain)
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("assets"), Key: aws.String("chosen.webp"), Body: strings.NewReader(string(chosen)),
		ContentType: aws.String("image/webp"), Metadata: map[string]string{"origin": "site"}, ChecksumAlgorithm: types.ChecksumAlgorithmSha256}); err != nil {
		t.Fatal(err)
	}
	if src := checksumsOf(t, c, "assets", "plain.webp"); src.ChecksumCRC64NVME == nil {
		t.Fatalf("the source has no CRC64NVME (%+v): the server's default changed, the test proves nothing", src)
	}
	sum, err := Copy(ctx, Buckets{From: c, FromBucket: "assets", To: c, ToBucket: "assets-backup"}, Options{Workers: 2, Overwrite: true}, false)
	if err != nil || sum.Problems() != 0 || sum.Copied != 2 {
		t.Fatalf("%v %+v", err, sum)
	}
	sameCopies(t, c, "assets", "assets-backup", map[string][]byte{"plain.webp": plain, "chosen.webp": chosen})
	out := checksumsOf(t, c, "assets-backup", "plain.webp")
	crc := crc32.Checksum(plain, crc32.MakeTable(crc32.Castagnoli))
	want := base64.StdEncoding.EncodeToString([]byte{byte(crc >> 24), byte(crc >> 16), byte(crc >> 8), byte(crc)})
	if aws.ToString(out.ChecksumCRC32C) != want || out.ChecksumCRC64NVME != nil {
		t.Fatalf("the copy's checksums: CRC32C %q (want %s), CRC64NVME %q; want the server asked for CRC32C", aws.ToString(out.ChecksumCRC32C), want, aws.ToString(out.ChecksumCRC64NVME))
	}
	if out := checksumsOf(t, c, "assets-backup", "chosen.webp"); out.ChecksumSHA256 == nil || out.ChecksumCRC32C != nil {
		t.Fatalf("the copy of an object written with SHA-256 has SHA-256 %q, CRC32C %q; want the writer's choice kept", aws.ToString(out.ChecksumSHA256), aws.ToString(out.ChecksumCRC32C))
	}
}

// A provider that refuses x-amz-checksum-algorithm on a copy (400 InvalidArgument): the copy
// is asked again without it, and so are the copies after it; every object is copied.
func TestAServerRefusingTheCopysChecksumStillCopies(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	direct := srv.Client(t)
	makeBucket(t, direct, "assets")
	makeBucket(t, direct, "assets-backup")
	want := map[string][]byte{}
	for _, k := range []string{"a.webp", "b.webp", "c.webp"} {
		want[k] = randomBytes(t, 3000)
		putBytes(t, direct, "assets", k, want[k])
	}
	var asked, refused atomic.Int64
	c := behind(t, srv, 0, func(r *http.Request, resp *http.Response) error {
		if r.Method != http.MethodPut || r.Header.Get("X-Amz-Copy-Source") == "" || r.Header.Get("X-Amz-Checksum-Algorithm") == "" {
			return nil
		}
		asked.Add(1)
		if strings.HasPrefix(r.URL.Path, "/assets-backup/.assetwiz/") {
			return nil
		}
		refused.Add(1)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		body := `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidArgument</Code><Message>Unknown header x-amz-checksum-algorithm</Message></Error>`
		resp.StatusCode, resp.Status = http.StatusBadRequest, "400 Bad Request"
		resp.Header = http.Header{"Content-Type": {"application/xml"}}
		resp.Body, resp.ContentLength = io.NopCloser(strings.NewReader(body)), int64(len(body))
		return nil
	})
	sum, err := Copy(context.Background(), Buckets{From: c, FromBucket: "assets", To: c, ToBucket: "assets-backup"}, Options{Workers: 1, Overwrite: true}, false)
	if err != nil || sum.Problems() != 0 || sum.Copied != 3 {
		t.Fatalf("%v %+v", err, sum)
	}
	if asked.Load() != 1 || refused.Load() != 1 {
		t.Fatalf("%d copies asked for a checksum (%d refused); want the first only", asked.Load(), refused.Load())
	}
	sameCopies(t, direct, "assets", "assets-backup", want)
}

// A copy listed its source, then its destination, one after the other: a round trip more
// before the first copy. Both listings now go out at once (the proxy holds each until the
// other arrives: none is let go alone).
func TestACopyListsBothBucketsAtOnce(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	p := s3test.StartQuirky(t, srv, s3test.Quirks{Together: "list-type", TogetherN: 2})
	direct := srv.Client(t)
	makeBucket(t, direct, "assets")
	makeBucket(t, direct, "assets-backup")
	putBytes(t, direct, "assets", "a.webp", randomBytes(t, 1000))
	c := through(srv, p)
	sum, err := Copy(context.Background(), Buckets{From: c, FromBucket: "assets", To: c, ToBucket: "assets-backup"}, Options{Workers: 2, Overwrite: true}, false)
	if err != nil || sum.Problems() != 0 || sum.Copied != 1 {
		t.Fatalf("%v %+v", err, sum)
	}
	if n := p.Apart(); n != 0 {
		t.Fatalf("%d listings went out alone; want both buckets listed at once", n)
	}
}

// Between two servers every piped byte was hashed by assetwiz as well as by the destination
// (1.5 s of CPU per GiB on the bench's machine, where rclone hashes nothing). A destination
// that refuses a wrong Content-MD5 (probed once, nothing left behind) checks every byte itself:
// nothing is hashed here. One that takes it has every byte hashed, as before.
func TestAPipeHashesOnlyWhereTheDestinationDoesNotCheck(t *testing.T) {
	t.Parallel()
	site, backup := s3test.Start(t), s3test.Start(t)
	sc, direct := site.Client(t), backup.Client(t)
	makeBucket(t, sc, "assets")
	want := map[string][]byte{"video.mp4": randomBytes(t, inMemory+1), "poster.jpg": randomBytes(t, 9<<20)}
	for k, v := range want {
		putBytes(t, sc, "assets", k, v)
	}
	var piped int64
	for _, v := range want {
		piped += int64(len(v))
	}
	for _, checks := range []bool{true, false} {
		bucket := "checks-backup"
		if !checks {
			bucket = "takes-backup"
		}
		makeBucket(t, direct, bucket)
		bc := behind(t, backup, 0, func(r *http.Request, resp *http.Response) error {
			if checks || r.Method != http.MethodPut || !strings.Contains(r.URL.Path, "/.assetwiz/md5-probe-") || resp.StatusCode != http.StatusBadRequest {
				return nil
			}
			// A provider that does not check Content-MD5: the probe is taken.
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			resp.StatusCode, resp.Status = http.StatusOK, "200 OK"
			resp.Header = http.Header{"Etag": {`"0123456789abcdef0123456789abcdef"`}}
			resp.Body, resp.ContentLength = http.NoBody, 0
			return nil
		})
		var hashed atomic.Int64
		sum, err := Copy(context.Background(), Buckets{From: sc, FromBucket: "assets", To: bc, ToBucket: bucket}, Options{Workers: 2, hashed: &hashed}, false)
		if err != nil || sum.Problems() != 0 || sum.Copied != 2 {
			t.Fatalf("checks %v: %v %+v", checks, err, sum)
		}
		sameCopies(t, direct, "assets", bucket, want)
		if keys := listKeys(t, direct, bucket); len(keys) != 2 {
			t.Fatalf("checks %v: the backup holds %v; want the two objects, no probe", checks, keys)
		}
		switch {
		case checks && hashed.Load() != 0:
			t.Fatalf("%d bytes hashed by assetwiz for a destination that checks Content-MD5; want none", hashed.Load())
		case !checks && hashed.Load() != piped:
			t.Fatalf("%d bytes hashed for a destination that does not check; want all %d", hashed.Load(), piped)
		}
	}
}

// Ready is read while the buckets are listed: when it fails, nothing is written (no request
// but the listings reaches the destination), and Copy says why, with an empty source too.
func TestACopyWritesNothingUntilReady(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	p := s3test.StartQuirky(t, srv, s3test.Quirks{})
	c := through(srv, p)
	makeBucket(t, c, "assets")
	makeBucket(t, c, "empty")
	makeBucket(t, c, "assets-backup")
	putBytes(t, c, "assets", "a.webp", randomBytes(t, 1000))
	putBytes(t, c, "assets", "b.webp", randomBytes(t, inMemory+1))
	refused := errors.New("the backup bucket is public")
	for _, from := range []string{"assets", "empty"} {
		p.Reset()
		var asked atomic.Int64
		ready := func() error { asked.Add(1); return refused }
		sum, err := Copy(context.Background(), Buckets{From: c, FromBucket: from, To: c, ToBucket: "assets-backup", Ready: ready}, Options{Workers: 2, Overwrite: true}, false)
		if !errors.Is(err, refused) || sum.Copied != 0 || asked.Load() != 1 {
			t.Fatalf("from %s: %v, copied %d, ready asked %d times; want the check's error, nothing copied, one check", from, err, sum.Copied, asked.Load())
		}
		for _, q := range p.Requests() {
			if q.Sub != "list-type" {
				t.Fatalf("from %s: %s %s/%s sent before the copy was ready", from, q.Method, q.Bucket, q.Key)
			}
		}
	}
	if keys := listKeys(t, c, "assets-backup"); len(keys) != 0 {
		t.Fatalf("the backup holds %v", keys)
	}
}

// On Ceph RGW (the server behind DigitalOcean, Linode and Vultr): a backup within it is still
// one server copy per object with the checksum asked for (taken, or refused and asked again
// without), and a pipe into it hashes nothing here: RGW refuses a wrong Content-MD5.
func TestBackupFloorOnCephRGW(t *testing.T) {
	direct, _ := rgwClient(t, nil)
	ctx := context.Background()
	name := fmt.Sprintf("floor-%d", time.Now().UnixNano())
	for _, b := range []string{name, name + "-backup", name + "-piped"} {
		makeBucket(t, direct, b)
	}
	want := map[string][]byte{"a.webp": randomBytes(t, 70_000), "video.mp4": randomBytes(t, inMemory+1)}
	for k, v := range want {
		putBytes(t, direct, name, k, v)
	}
	sum, err := Copy(ctx, Buckets{From: direct, FromBucket: name, To: direct, ToBucket: name + "-backup"}, Options{Workers: 2, Overwrite: true}, false)
	if err != nil || sum.Problems() != 0 || sum.Copied != 2 {
		t.Fatalf("%v %+v", err, sum)
	}
	sameCopies(t, direct, name, name+"-backup", want)
	out := checksumsOf(t, direct, name+"-backup", "a.webp")
	t.Logf("RGW's copy: CRC32C %q, CRC64NVME %q", aws.ToString(out.ChecksumCRC32C), aws.ToString(out.ChecksumCRC64NVME))

	site := s3test.Start(t)
	sc := site.Client(t)
	makeBucket(t, sc, "assets")
	for k, v := range want {
		putBytes(t, sc, "assets", k, v)
	}
	var hashed atomic.Int64
	sum, err = Copy(ctx, Buckets{From: sc, FromBucket: "assets", To: direct, ToBucket: name + "-piped"}, Options{Workers: 2, hashed: &hashed}, false)
	if err != nil || sum.Problems() != 0 || sum.Copied != 2 {
		t.Fatalf("piped: %v %+v", err, sum)
	}
	sameCopies(t, direct, "assets", name+"-piped", want)
	if hashed.Load() != 0 {
		t.Fatalf("%d bytes hashed by assetwiz for RGW, which checks Content-MD5; want none", hashed.Load())
	}
	if keys := listKeys(t, direct, name+"-piped"); len(keys) != 2 {
		t.Fatalf("the backup holds %v; want the two objects, no probe", keys)
	}
}

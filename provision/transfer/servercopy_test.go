package transfer

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/provision/faultproxy"
)

// through is a client of srv that goes through p (path-style, srv's keys).
func through(srv *s3test.Server, p *s3test.Quirky) *s3.Client {
	return s3.New(s3.Options{
		Region: srv.Region, BaseEndpoint: aws.String(p.URL), UsePathStyle: true,
		Credentials:                credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
}

// putBytes writes data as bucket/key with a content type and one metadata field.
func putBytes(t *testing.T, c *s3.Client, bucket, key string, data []byte) {
	t.Helper()
	_, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(data),
		ContentType: aws.String("image/webp"), Metadata: map[string]string{"origin": "site"}})
	if err != nil {
		t.Fatal(err)
	}
}

// bodies counts the object reads (GET of a key) and the writes that carried a body (PUT of a
// key or part without x-amz-copy-source) and the server's own copies, by key.
func bodies(log []s3test.Request) (gets, puts, copies map[string]int) {
	gets, puts, copies = map[string]int{}, map[string]int{}, map[string]int{}
	for _, r := range log {
		switch {
		case r.Key == "" || r.Sub != "" && r.Sub != "uploads" || strings.HasPrefix(r.Key, reservedPrefix): // the copy probe's own
		case r.Method == "GET":
			gets[r.Key]++
		case r.Method == "PUT" && r.CopySource != "":
			copies[r.Key]++
		case r.Method == "PUT":
			puts[r.Key]++
		}
	}
	return gets, puts, copies
}

// sameCopies checks that every object of want's bucket is in the copy, byte for byte, with its
// content type and metadata, and that the copy tells its MD5 (ETag, else md5chksum).
func sameCopies(t *testing.T, c *s3.Client, from, to string, want map[string][]byte) {
	t.Helper()
	for key, data := range want {
		got, out := getObject(t, c, to, key)
		if !bytes.Equal(got, data) {
			t.Errorf("%s: %d bytes copied, not the %d of %s", key, len(got), len(data), from)
			continue
		}
		sum := md5.Sum(data)
		if aws.ToString(out.ContentType) != "image/webp" || out.Metadata["origin"] != "site" {
			t.Errorf("%s: content type %q, metadata %v: not the source's", key, aws.ToString(out.ContentType), out.Metadata)
		}
		if m, ok := out.Metadata[MetaMD5]; ok && m != base64.StdEncoding.EncodeToString(sum[:]) {
			t.Errorf("%s: md5chksum %s is not the content's MD5 %x", key, m, sum)
		}
		told := etagMD5(aws.ToString(out.ETag))
		if told == nil {
			told = metaMD5(out.Metadata)
		}
		if !bytes.Equal(told, sum[:]) {
			t.Errorf("%s: the copy tells MD5 %x (ETag %s, metadata %v), the content's is %x", key, told, aws.ToString(out.ETag), out.Metadata, sum)
		}
	}
}

// Backup read every byte of every object and sent it back, even when both buckets are on
// one server under one set of keys. Now the server copies: the log of a proxy in front of
// versitygw shows no GET of any object, only copies; objects above the single-copy limit are
// copied in parts; a second run copies nothing. With --versions, where each version came from
// is recorded, and the second run copies nothing either.
func TestBackupOnOneServerIsCopiedByTheServer(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	p := s3test.StartQuirky(t, srv, s3test.Quirks{ConditionalCopy: true}) // honours If-None-Match on copies, as AWS does
	c := through(srv, p)
	ctx := context.Background()
	versionedBucket(t, c, "site-uploads")
	versionedBucket(t, c, "site-uploads-backup")
	want := map[string][]byte{
		"a.webp":          randomBytes(t, 1000),
		"2024/01/b c.jpg": randomBytes(t, 70_000),
		"big.mp4":         randomBytes(t, 12<<20), // above the limit below: three parts of 5 MiB
	}
	for k, v := range want {
		putBytes(t, c, "site-uploads", k, v)
	}
	opt := small
	opt.CopyThreshold = 6 << 20
	opt.Overwrite = true
	for _, versions := range []bool{false, true} {
		p.Reset()
		b := Buckets{Name: "uploads", From: c, FromBucket: "site-uploads", To: c, ToBucket: "site-uploads-backup"}
		sum, err := Copy(ctx, b, opt, versions)
		if err != nil || sum.Problems() != 0 {
			t.Fatalf("versions %v: %v %+v", versions, err, sum)
		}
		gets, puts, copies := bodies(p.Requests())
		if len(gets) != 0 || len(puts) != 0 {
			t.Fatalf("versions %v: the bodies went through assetwiz: GETs %v, PUTs %v", versions, gets, puts)
		}
		if !versions && (copies["a.webp"] != 1 || copies["2024/01/b c.jpg"] != 1 || copies["big.mp4"] != 3) {
			t.Fatalf("copies by the server: %v; want one of each small object, three parts of big.mp4", copies)
		}
		sameCopies(t, c, "site-uploads", "site-uploads-backup", want)
		again, err := Copy(ctx, b, opt, versions)
		if err != nil || again.Copied != 0 || again.Problems() != 0 {
			t.Fatalf("versions %v: a second run copied %d (%v %+v)", versions, again.Copied, err, again)
		}
		if versions {
			out, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("site-uploads-backup"), Key: aws.String("a.webp")}) // changed since the first pass
			if err != nil || out.Metadata[MetaSource] == "" {
				t.Fatalf("with versions, the copy records no source: %v %v", err, out.Metadata)
			}
		}
		// A changed object is copied again, by the server.
		want["a.webp"] = randomBytes(t, 1000)
		putBytes(t, c, "site-uploads", "a.webp", want["a.webp"])
	}
}

// On versitygw as it is, a copy ignores If-None-Match: a new object of a restore (the site's
// live bucket) is never copied by a lone CopyObject there (it could replace one the site wrote meanwhile). A large one goes through a
// multipart copy whose completion is conditional; a small one is read and written with the
// condition (as many round trips); a changed one, replaced on purpose, is copied.
func TestCopiesOnAServerIgnoringTheConditionStayConditional(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	p := s3test.StartQuirky(t, srv, s3test.Quirks{})
	c := through(srv, p)
	ctx := context.Background()
	makeBucket(t, c, "assets")
	makeBucket(t, c, "assets-backup")
	want := map[string][]byte{"small.webp": randomBytes(t, 2000), "large.webp": randomBytes(t, streamedCopyBelow+1), "changed.webp": randomBytes(t, 3000)}
	for k, v := range want {
		putBytes(t, c, "assets", k, v)
	}
	putBytes(t, c, "assets-backup", "changed.webp", []byte("an older copy"))
	opt := small
	opt.Overwrite = true
	p.Reset()
	sum, err := Copy(ctx, Buckets{From: c, FromBucket: "assets", To: c, ToBucket: "assets-backup", Restore: true}, opt, false)
	if err != nil || sum.Problems() != 0 || sum.Copied != 3 {
		t.Fatalf("%v %+v", err, sum)
	}
	gets, puts, copies := bodies(p.Requests())
	if gets["large.webp"] != 0 || copies["large.webp"] != 1 || gets["changed.webp"] != 0 || copies["changed.webp"] != 1 {
		t.Fatalf("large and changed objects not copied by the server: GETs %v, copies %v", gets, copies)
	}
	if gets["small.webp"] != 1 || puts["small.webp"] != 1 {
		t.Fatalf("the small new object: GETs %v, PUTs %v, copies %v; want it read and written with If-None-Match", gets, puts, copies)
	}
	sameCopies(t, c, "assets", "assets-backup", want)
	if keys := listKeys(t, c, "assets-backup"); len(keys) != 3 {
		t.Fatalf("the probe of the server's copies was left behind: %v", keys)
	}
}

// Between two servers (or two sets of keys) there is no server copy: every object is read
// from one and written to the other.
func TestBackupBetweenTwoServersStreams(t *testing.T) {
	t.Parallel()
	site, backup := s3test.Start(t), s3test.Start(t)
	ps, pb := s3test.StartQuirky(t, site, s3test.Quirks{}), s3test.StartQuirky(t, backup, s3test.Quirks{})
	sc, bc := through(site, ps), through(backup, pb)
	makeBucket(t, sc, "assets")
	makeBucket(t, bc, "assets-backup")
	want := map[string][]byte{}
	for i := range 3 {
		want[fmt.Sprintf("k%d.webp", i)] = randomBytes(t, 5000)
	}
	for k, v := range want {
		putBytes(t, sc, "assets", k, v)
	}
	sum, err := Copy(context.Background(), Buckets{From: sc, FromBucket: "assets", To: bc, ToBucket: "assets-backup"}, small, false)
	if err != nil || sum.Problems() != 0 || sum.Copied != 3 {
		t.Fatalf("%v %+v", err, sum)
	}
	gets, _, _ := bodies(ps.Requests())
	_, puts, copies := bodies(pb.Requests())
	if len(gets) != 3 || len(puts) != 3 || len(copies) != 0 {
		t.Fatalf("GETs at the source %v, PUTs %v and copies %v at the target; want each object read and written", gets, puts, copies)
	}
	sameCopies(t, bc, "assets", "assets-backup", want)
}

// A restore copies a large object the asset bucket lacked when it was listed; the site writes
// that key meanwhile. The server's copy must not replace what the site wrote: on versitygw,
// which ignores If-None-Match on CopyObject, the copy goes by a multipart copy whose completion
// carries the condition, and the object is reported as a conflict and left alone.
func TestARestoreByTheServerLeavesAnObjectWrittenMeanwhile(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	direct := srv.Client(t)
	makeBucket(t, direct, "assets")
	makeBucket(t, direct, "assets-backup")
	old, fresh := randomBytes(t, streamedCopyBelow+10), randomBytes(t, streamedCopyBelow+20)
	putBytes(t, direct, "assets-backup", "video.mp4", old)
	var once sync.Once
	c := behind(t, srv, 0, func(r *http.Request, resp *http.Response) error {
		if faultproxy.IsListObjectsV2(r) && strings.HasPrefix(r.URL.Path, "/assets") && !strings.HasPrefix(r.URL.Path, "/assets-backup") {
			once.Do(func() { putBytes(t, direct, "assets", "video.mp4", fresh) }) // after the listing was read: it says absent
		}
		return nil
	})
	sum, err := Copy(context.Background(), Buckets{From: c, FromBucket: "assets-backup", To: c, ToBucket: "assets", Restore: true}, small, false)
	if err != nil || len(sum.Conflicts) != 1 || sum.Copied != 0 {
		t.Fatalf("%v %+v; want video.mp4 a conflict, nothing copied", err, sum)
	}
	if got, _ := getObject(t, direct, "assets", "video.mp4"); !bytes.Equal(got, fresh) {
		t.Fatalf("the object the site wrote meanwhile was replaced by the backup's (%d bytes)", len(got))
	}
}

// A backup's bucket has no other writer and keeps versions: on a server that ignores
// If-None-Match on copies, every object of a backup is still one CopyObject by the server, new
// ones included (before: a read and a write through assetwiz for a small one, a four-request
// multipart copy for a large one).
func TestABackupOnAServerIgnoringTheConditionIsOneCopyPerObject(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	p := s3test.StartQuirky(t, srv, s3test.Quirks{})
	c := through(srv, p)
	ctx := context.Background()
	versionedBucket(t, c, "assets")
	versionedBucket(t, c, "assets-backup")
	want := map[string][]byte{"small.webp": randomBytes(t, 2000), "large.webp": randomBytes(t, streamedCopyBelow+1)}
	for k, v := range want {
		putBytes(t, c, "assets", k, v)
	}
	opt := small
	opt.Overwrite = true
	p.Reset()
	sum, err := Copy(ctx, Buckets{From: c, FromBucket: "assets", To: c, ToBucket: "assets-backup"}, opt, false)
	if err != nil || sum.Problems() != 0 || sum.Copied != 2 {
		t.Fatalf("%v %+v", err, sum)
	}
	gets, puts, copies := bodies(p.Requests())
	if len(gets) != 0 || len(puts) != 0 || copies["small.webp"] != 1 || copies["large.webp"] != 1 {
		t.Fatalf("GETs %v, PUTs %v, copies %v; want one server copy of each object and no byte through assetwiz", gets, puts, copies)
	}
	var uploads int
	for _, r := range p.Requests() {
		if r.Sub == "uploads" {
			uploads++
		}
	}
	if uploads != 0 {
		t.Fatalf("%d multipart uploads started for objects one copy takes", uploads)
	}
	sameCopies(t, c, "assets", "assets-backup", want)
}

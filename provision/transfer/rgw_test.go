package transfer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/provision/faultproxy"
)

// rgwClient reaches the Ceph RGW of /work/shared/servers/ceph-rgw (the server behind
// DigitalOcean, Linode and Vultr) through a hostile proxy, when ASSETWIZ_TEST_RGW=1 and its
// env (S3_ENDPOINT_URL, S3_ACCESS_KEY, S3_SECRET_KEY) are set; the test is skipped otherwise.
func rgwClient(t *testing.T, tamper func(*http.Request, *http.Response) error) (direct, hostile *s3.Client) {
	t.Helper()
	endpoint := os.Getenv("S3_ENDPOINT_URL")
	if os.Getenv("ASSETWIZ_TEST_RGW") != "1" || endpoint == "" {
		t.Skip("set ASSETWIZ_TEST_RGW=1 and the env start_rgw.sh prints to run against Ceph RGW")
	}
	p := faultproxy.New(t, endpoint, faultproxy.Options{Tamper: tamper})
	mk := func(url string) *s3.Client {
		return s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), UsePathStyle: true,
			Credentials:                credentials.NewStaticCredentialsProvider(os.Getenv("S3_ACCESS_KEY"), os.Getenv("S3_SECRET_KEY"), ""),
			RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
			ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
		})
	}
	return mk(endpoint), mk(p.URL())
}

// On Ceph RGW: a listing out of order still gives conflicts, not overwrites, and a
// conditional write of a taken key is refused (so the fast path holds there too).
func TestOutOfOrderListingOnCephRGW(t *testing.T) {
	t.Parallel()
	direct, c := rgwClient(t, faultproxy.ReverseListings)
	bucket := fmt.Sprintf("assetwiz-order-%d", os.Getpid())
	makeBucket(t, direct, bucket)
	dir := t.TempDir()
	for i := range 6 {
		key := fmt.Sprintf("k%02d.txt", i)
		if _, err := direct.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader("there " + key)}); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, key), []byte("here, older "+key))
	}
	_, err := direct.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k00.txt"), Body: strings.NewReader("x"), IfNoneMatch: aws.String("*")})
	if !isPreconditionFailed(err) {
		t.Errorf("a conditional write of a taken key on RGW: %v, want 412", err)
	}
	sum, err := Sync(context.Background(), c, Folder{Path: dir, Bucket: bucket}, Options{Workers: 4})
	if err != nil || len(sum.Conflicts) != 6 || sum.Copied != 0 {
		t.Fatalf("%v conflicts %v copied %d", err, keysOf(sum.Conflicts), sum.Copied)
	}
	if errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}

// On Ceph RGW (which, like AWS, takes a key whose newest entry is a delete marker as free for
// If-None-Match): restore keeps the newer object and brings back the deleted one, in both modes.
func TestRestoreOnCephRGW(t *testing.T) {
	t.Parallel()
	direct, c := rgwClient(t, nil)
	ctx := context.Background()
	assets, backup := fmt.Sprintf("assetwiz-assets-%d", os.Getpid()), fmt.Sprintf("assetwiz-assets-%d-backup", os.Getpid())
	versionedBucket(t, direct, assets)
	versionedBucket(t, direct, backup)
	put := func(bucket, key, body string) {
		if _, err := direct.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	put(backup, "a.txt", "first")
	put(backup, "a.txt", "second")
	put(backup, "b.txt", "kept in the backup")
	put(assets, "a.txt", "first")
	back := Buckets{From: c, FromBucket: backup, To: c, ToBucket: assets, Restore: true}
	for _, versions := range []bool{true, false} {
		put(assets, "b.txt", "kept in the backup")
		deleteObject(t, direct, assets, "b.txt")
		sum, err := Copy(ctx, back, Options{}, versions)
		if err != nil || sum.Problems() != 0 || len(sum.Conflicts) != 1 || sum.Copied != 1 {
			t.Fatalf("versions %v: %v %+v", versions, err, sum)
		}
		if got, _ := getObject(t, direct, assets, "a.txt"); string(got) != "first" {
			t.Fatalf("versions %v: the newer a.txt was replaced by %q", versions, got)
		}
		if got, _ := getObject(t, direct, assets, "b.txt"); string(got) != "kept in the backup" {
			t.Fatalf("versions %v: b.txt %q", versions, got)
		}
	}
}

// On Ceph RGW, a piped object into a versioned bucket is checked by the ETag RGW answers (the
// MD5 of what it stored, as on versitygw): no Content-MD5 goes; and a source sending other
// bytes than it stored leaves no version behind.
func TestAPipeIntoAVersionedBucketOnCephRGW(t *testing.T) {
	t.Parallel()
	source, _ := rgwClient(t, nil)
	flipping := false
	var mu sync.Mutex
	_, from := rgwClient(t, func(r *http.Request, resp *http.Response) error {
		mu.Lock()
		defer mu.Unlock()
		if flipping {
			return flipObjectReads(r, resp)
		}
		return nil
	})
	seen := &putHeaders{contentMD5: map[string][]string{}}
	direct, to := rgwClient(t, seen.tamper)
	src, dst := fmt.Sprintf("assetwiz-pipe-%d", os.Getpid()), fmt.Sprintf("assetwiz-pipe-%d-backup", os.Getpid())
	makeBucket(t, source, src)
	versionedBucket(t, direct, dst)
	want := map[string][]byte{"video.mp4": randomBytes(t, inMemory+1)}
	putBytes(t, source, src, "video.mp4", want["video.mp4"])
	sum, err := Copy(context.Background(), Buckets{From: from, FromBucket: src, To: to, ToBucket: dst}, Options{Workers: 2}, false)
	if err != nil || sum.Problems() != 0 || sum.Copied != 1 {
		t.Fatalf("%v %+v", err, sum)
	}
	sameCopies(t, direct, src, dst, want)
	seen.mu.Lock()
	if md5s := seen.contentMD5["video.mp4"]; len(md5s) != 1 || md5s[0] != "" {
		t.Errorf("video.mp4 PUT with Content-MD5 %q; want once, without", md5s)
	}
	seen.mu.Unlock()

	mu.Lock()
	flipping = true
	mu.Unlock()
	putBytes(t, source, src, "poster.jpg", randomBytes(t, inMemory+4096))
	sum, err = Copy(context.Background(), Buckets{From: from, FromBucket: src, To: to, ToBucket: dst}, Options{Workers: 2}, false)
	if err != nil || len(sum.Failed) != 1 || sum.Failed[0].Key != "poster.jpg" {
		t.Fatalf("%v: failed %v; want poster.jpg reported", err, sum.Failed)
	}
	if v, m := storedVersions(t, direct, dst, "poster.jpg"); len(v) != 0 || m != 0 {
		t.Fatalf("RGW holds %d versions and %d delete markers of poster.jpg after a corrupted read; want none", len(v), m)
	}
}

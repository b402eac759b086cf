package transfer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
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

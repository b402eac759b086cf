package transfer

import (
	"bytes"
	"context"
	"crypto/md5"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
)

func versionedBucket(t *testing.T, c *s3.Client, name string) {
	t.Helper()
	makeBucket(t, c, name)
	_, err := c.PutBucketVersioning(context.Background(), &s3.PutBucketVersioningInput{Bucket: aws.String(name),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	if err != nil {
		t.Fatal(err)
	}
}

// contents is every current object of a bucket: key → MD5 and content type.
func contents(t *testing.T, c *s3.Client, bucket string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, k := range listKeys(t, c, bucket) {
		data, o := getObject(t, c, bucket, k)
		out[k] = fmt.Sprintf("%x %s", md5.Sum(data), aws.ToString(o.ContentType))
	}
	return out
}

func versionCount(t *testing.T, c *s3.Client, bucket string) map[string]int {
	t.Helper()
	out := map[string]int{}
	if err := listVersions(context.Background(), newStore(c, bucket, provision.RetryPolicy{}), nil, func(k string, v []Object) bool { out[k] = len(v); return true }); err != nil {
		t.Fatal(err)
	}
	return out
}

// emptyBucket deletes every version of every object: the asset bucket lost.
func emptyBucket(t *testing.T, c *s3.Client, bucket string) {
	t.Helper()
	ctx := context.Background()
	_ = listVersions(ctx, newStore(c, bucket, provision.RetryPolicy{}), nil, func(_ string, vs []Object) bool {
		for _, v := range vs {
			if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(v.Key), VersionId: aws.String(v.VersionID)}); err != nil {
				t.Fatal(err)
			}
		}
		return true
	})
	if keys := listKeys(t, c, bucket); len(keys) != 0 {
		t.Fatalf("bucket not empty: %v", keys)
	}
}

func TestBackupThenRestoreIntoAnEmptiedBucket(t *testing.T) {
	t.Parallel()
	site, backup := s3test.Start(t), s3test.Start(t) // two providers
	sc, bc := site.Client(t), backup.Client(t)
	versionedBucket(t, sc, "site-uploads")
	versionedBucket(t, bc, "site-uploads-backup")
	dir, _ := uploadsTree(t)
	if _, err := Sync(context.Background(), sc, Folder{Path: dir, Bucket: "site-uploads"}, small); err != nil {
		t.Fatal(err)
	}
	site.PutObject(t, "site-uploads", "2024/01/notes.txt", "edited") // a second version
	want := contents(t, sc, "site-uploads")
	ctx := context.Background()
	out := Buckets{Name: "uploads", From: sc, FromBucket: "site-uploads", To: bc, ToBucket: "site-uploads-backup"}

	sum, err := Copy(ctx, out, small, true)
	if err != nil || sum.Problems() != 0 || len(sum.Conflicts) != 0 {
		t.Fatalf("backup: %v %+v", err, sum)
	}
	if got := versionCount(t, bc, "site-uploads-backup"); got["2024/01/notes.txt"] != 2 {
		t.Fatalf("backup versions: %v; want both versions of notes.txt", got)
	}
	again, err := Copy(ctx, out, small, true)
	if err != nil || again.Copied != 0 {
		t.Fatalf("second backup copied %d (%v), want 0", again.Copied, err)
	}
	if err := WriteMarker(ctx, bc, "site-uploads-backup", Marker{From: "site-uploads", Objects: sum.Files}); err != nil {
		t.Fatal(err)
	}

	emptyBucket(t, sc, "site-uploads")
	back := Buckets{Name: "uploads", From: bc, FromBucket: "site-uploads-backup", To: sc, ToBucket: "site-uploads"}
	sum, err = Copy(ctx, back, small, false)
	if err != nil || sum.Problems() != 0 {
		t.Fatalf("restore: %v %+v", err, sum)
	}
	got := contents(t, sc, "site-uploads")
	if len(got) != len(want) {
		t.Fatalf("restored %d objects, want %d (the marker is not restored): %v", len(got), len(want), got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: restored %s, want %s (MD5 and content type)", k, got[k], v)
		}
	}
	if m, found, err := ReadMarker(ctx, bc, "site-uploads-backup"); err != nil || !found || m.From != "site-uploads" {
		t.Fatalf("marker: %+v %v %v", m, found, err)
	}
}

func TestRestoreReportsConflictsAndDeletesNothing(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	c := srv.Client(t)
	versionedBucket(t, c, "assets")
	versionedBucket(t, c, "assets-backup")
	srv.PutObject(t, "assets-backup", "a.txt", "from the backup")
	srv.PutObject(t, "assets-backup", "b.txt", "only in the backup")
	srv.PutObject(t, "assets", "a.txt", "changed since")
	srv.PutObject(t, "assets", "c.txt", "new since")
	back := Buckets{From: c, FromBucket: "assets-backup", To: c, ToBucket: "assets"}
	for _, versions := range []bool{false, true} {
		sum, err := Copy(context.Background(), back, Options{}, versions)
		if err != nil || len(sum.Conflicts) != 1 || sum.Conflicts[0].Key != "a.txt" {
			t.Fatalf("versions %v: %v conflicts %v", versions, err, sum.Conflicts)
		}
	}
	if keys := listKeys(t, c, "assets"); !slices.Equal(keys, []string{"a.txt", "b.txt", "c.txt"}) {
		t.Fatalf("after restore: %v", keys)
	}
	if data, _ := getObject(t, c, "assets", "a.txt"); !bytes.Equal(data, []byte("changed since")) {
		t.Fatalf("the conflict was overwritten: %q", data)
	}
}

// A restore's dry run names what it would restore (with --versions, which version), copies
// nothing; a real run names nothing (its counts say it).
func TestRestoreDryRunNamesTheFiles(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	c := srv.Client(t)
	versionedBucket(t, c, "assets")
	versionedBucket(t, c, "assets-backup")
	srv.PutObject(t, "assets-backup", "a.txt", "in both")
	srv.PutObject(t, "assets-backup", "b/2.txt", "only in the backup")
	srv.PutObject(t, "assets-backup", "b/1.txt", "only in the backup, first")
	srv.PutObject(t, "assets-backup", "b/1.txt", "only in the backup, second")
	srv.PutObject(t, "assets", "a.txt", "in both")
	back := Buckets{From: c, FromBucket: "assets-backup", To: c, ToBucket: "assets", Restore: true}
	ctx := context.Background()
	sum, err := Copy(ctx, back, Options{DryRun: true}, false)
	if err != nil || !slices.Equal(sum.ToCopy, []string{"b/1.txt", "b/2.txt"}) || sum.Copied != 2 {
		t.Fatalf("dry run: %v, to copy %q (%d)", err, sum.ToCopy, sum.Copied)
	}
	sum, err = Copy(ctx, back, Options{DryRun: true}, true)
	if err != nil || len(sum.ToCopy) != 3 || sum.ToCopy[0][:len("b/1.txt (version ")] != "b/1.txt (version " || sum.ToCopy[0] == sum.ToCopy[1] ||
		sum.ToCopy[2][:len("b/2.txt (version ")] != "b/2.txt (version " {
		t.Fatalf("dry run, versions: %v, to copy %q", err, sum.ToCopy)
	}
	if keys := listKeys(t, c, "assets"); !slices.Equal(keys, []string{"a.txt"}) {
		t.Fatalf("the dry runs wrote: %v", keys)
	}
	sum, err = Copy(ctx, back, Options{}, false)
	if err != nil || sum.Copied != 2 || sum.ToCopy != nil {
		t.Fatalf("restore: %v, copied %d, named %q", err, sum.Copied, sum.ToCopy)
	}
}

package main

import (
	"context"
	"crypto/md5"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
)

// bucketSums is every object of a bucket as key → MD5 of its content.
func bucketSums(t *testing.T, c *s3.Client, bucket string) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			obj, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: o.Key})
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(obj.Body)
			obj.Body.Close()
			out[aws.ToString(o.Key)] = fmt.Sprintf("%x", md5.Sum(data))
		}
	}
	return out
}

func TestBackupAndRestoreCommandsAgainstTwoVersitygw(t *testing.T) {
	t.Parallel()
	site, target := s3test.Start(t), s3test.Start(t)
	r := &s3Run{t: t, dir: t.TempDir()}
	answers := s3Answers(site, "temporal", "wordpress", "s3fs") +
		"backup:\n  provider: custom\n  region: us-east-1\n  endpoint: " + target.Endpoint + "\n"
	writeFile(t, filepath.Join(r.dir, "assetwiz.yaml"), answers)
	env := keysEnv(site.AccessKey, site.SecretKey)
	env["BACKUP_S3_ACCESS_KEY"], env["BACKUP_S3_SECRET_KEY"] = target.AccessKey, target.SecretKey
	defer r.noSecrets(site.AccessKey, site.SecretKey, target.AccessKey, target.SecretKey)
	asset, backupBucket := "www-example-com-assets-wp-content-uploads", "www-example-com-assets-wp-content-uploads-backup"

	res := r.run(env, "apply", "--yes")
	if res.code != 0 || !strings.Contains(res.stderr, "bucket "+backupBucket) {
		t.Fatalf("apply: exit %d, want the backup bucket made\n%s", res.code, res.stderr)
	}
	v, err := target.Client(t).GetBucketVersioning(context.Background(), &s3.GetBucketVersioningInput{Bucket: aws.String(backupBucket)})
	if err != nil || v.Status != "Enabled" {
		t.Fatalf("backup bucket versioning: %v %v", v, err)
	}
	for name, want := range map[string]string{"assetwiz-backup.cron": "17 3 * * * root cd /etc/assetwiz && set -a && . /etc/assetwiz/backup.env && set +a && assetwiz backup",
		"assetwiz-backup.service": "ExecStart=/usr/bin/env assetwiz backup", "assetwiz-backup.timer": "OnCalendar=*-*-* 03:17:00"} {
		data, err := os.ReadFile(filepath.Join(r.dir, "assetwiz-out", "backup", name))
		if err != nil || !strings.Contains(string(data), want) {
			t.Errorf("%s: %v\n%s", name, err, data)
		}
		r.outputs = append(r.outputs, string(data)) // checked for secrets with the rest
	}
	// verify lists what it checked on stderr (the backup bucket among them); stdout stays
	// the one OK line scripts read.
	if res := r.run(env, "verify"); res.code != 0 || res.stdout != "OK: everything is as the answers ask\n" ||
		!strings.Contains(res.stderr, "\n  ✓ backup bucket "+backupBucket+": exists, versioned, not public, no backup has finished yet; run assetwiz backup\n") ||
		!strings.Contains(res.stderr, "\n  ✓ bucket "+asset+": exists, versioning enabled") ||
		!strings.Contains(res.stderr, "\n  ✓ override file ") {
		t.Errorf("verify before any backup: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	webroot := webrootWith(t, map[string]string{"2024/a.jpg": "jpeg", "2024/b.png": "png", "c.txt": "text"})
	if res := r.run(env, "sync", "--from", webroot); res.code != 0 {
		t.Fatalf("sync: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	want := bucketSums(t, site.Client(t), asset)
	if res := r.run(env, "backup", "--versions"); res.code != 0 || !strings.Contains(res.stdout, "Backup: 3 files copied") {
		t.Fatalf("backup: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if res := r.run(env, "backup"); res.code != 0 || !strings.Contains(res.stdout, "Backup: 0 files copied (0 B), 3 already there") {
		t.Fatalf("second backup: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	// How long ago, in words: "(now)" or "(3 seconds ago)", never "(0s ago)" or a minute for 30 s.
	if res := r.run(env, "verify"); !strings.Contains(res.stderr, "  ✓ backup bucket "+backupBucket+": exists, versioned, not public, last backup finished") ||
		!regexp.MustCompile(`\((now|\d+ seconds? ago)\), 3 objects`).MatchString(res.stderr) || res.stdout != "OK: everything is as the answers ask\n" {
		t.Errorf("verify after a backup: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	// The asset bucket is lost: every object gone. Restore brings back the same objects.
	sc := site.Client(t)
	for key := range want {
		if _, err := sc.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(asset), Key: aws.String(key)}); err != nil {
			t.Fatal(err)
		}
	}
	if got := bucketSums(t, sc, asset); len(got) != 0 {
		t.Fatalf("asset bucket not emptied: %v", got)
	}
	// The dry run names the files it would restore (text and JSON), and restores nothing.
	res = r.run(env, "backup", "--restore", "--dry-run")
	if res.code != 0 || !strings.Contains(res.stdout, "  + 3 files to copy (11 B):\n      2024/a.jpg\n      2024/b.png\n      c.txt\n  = 0 already there\n") {
		t.Errorf("restore --dry-run: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	res = r.run(env, "backup", "--restore", "--dry-run", "--json")
	var dry struct {
		Directories []struct {
			ToCopy []string `json:"to_copy"`
		} `json:"directories"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &dry); err != nil || len(dry.Directories) != 1 ||
		strings.Join(dry.Directories[0].ToCopy, " ") != "2024/a.jpg 2024/b.png c.txt" {
		t.Errorf("restore --dry-run --json: %v\n%s", err, res.stdout)
	}
	if got := bucketSums(t, sc, asset); len(got) != 0 {
		t.Fatalf("the dry run restored %v", got)
	}
	if res := r.run(env, "backup", "--restore"); res.code != 0 || !strings.Contains(res.stdout, "Restore: 3 files copied") || strings.Contains(res.stdout, "      c.txt") {
		t.Fatalf("restore: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	got := bucketSums(t, sc, asset)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("restored %v\nwant     %v", got, want)
	}
}

func TestBackupBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := "mode: temporal\napplication: wordpress\nwebsite_url: www.example.com\nstorage:\n  provider: custom\n  region: us-east-1\n  endpoint: http://127.0.0.1:9\n"
	env := map[string]string{"S3_ACCESS_KEY": "AKEXAMPLE0000", "S3_SECRET_KEY": "secretexample0000"}
	for _, tc := range []struct{ answers, want string }{
		{base, "backup.provider"},
		{base + "backup:\n  provider: nowhere\n", "backup.provider"},
		{base + "backup:\n  provider: custom\n  region: us-east-1\n", "backup.endpoint"},
		{base + "backup:\n  provider: custom\n  region: us-east-1\n  endpoint: http://127.0.0.1:9\n  bucket_suffix: Not_OK\n", "backup.bucket_suffix"},
		{base + "backup:\n  provider: custom\n  region: us-east-1\n  endpoint: http://127.0.0.1:9\n  bucket_suffix: a-very-long-suffix-xx\n", "backup.bucket_suffix"},
		{base + "backup:\n  provider: custom\n  region: us-east-1\n  endpoint: http://127.0.0.1:9\n", "BACKUP_S3_ACCESS_KEY"},
	} {
		writeFile(t, filepath.Join(dir, "assetwiz.yaml"), tc.answers)
		res := runCLI(t, dir, env, "backup")
		if res.code != 64 || !strings.Contains(res.stderr, tc.want) {
			t.Errorf("answers\n%s\nexit %d, want 64 naming %s\n%s", tc.answers, res.code, tc.want, res.stderr)
		}
	}
}

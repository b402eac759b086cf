package main

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
)

// Issue 24 finding 4: a backup bucket made public out of band was reported "never public"
// by plan, verify exited 0, and backup kept copying into it. Now plan fixes it (the public
// statement removed, the others kept), verify fails and backup copies nothing until apply
// has made it private again.
func TestPublicBackupBucketIsFixedAndFailsVerify(t *testing.T) {
	t.Parallel()
	site, target := s3test.Start(t), s3test.Start(t)
	r := &s3Run{t: t, dir: t.TempDir()}
	writeFile(t, filepath.Join(r.dir, "assetwiz.yaml"), s3Answers(site, "temporal", "wordpress", "s3fs")+
		"backup:\n  provider: custom\n  region: us-east-1\n  endpoint: "+target.Endpoint+"\n")
	env := keysEnv(site.AccessKey, site.SecretKey)
	env["BACKUP_S3_ACCESS_KEY"], env["BACKUP_S3_SECRET_KEY"] = target.AccessKey, target.SecretKey
	defer r.noSecrets(site.AccessKey, site.SecretKey, target.AccessKey, target.SecretKey)
	backupBucket := "www-example-com-assets-wp-content-uploads-backup"
	if res := r.run(env, "apply", "--yes"); res.code != 0 {
		t.Fatalf("apply: exit %d\n%s", res.code, res.stderr)
	}
	if res := r.run(env, "verify"); res.code != 0 {
		t.Fatalf("verify of a private backup bucket: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	site.PutObject(t, "www-example-com-assets-wp-content-uploads", "2026/01/photo.jpg", "jpeg")

	// Out of band: a statement that lets everyone read, beside one that denies deletes.
	c := target.Client(t)
	policy := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"Open","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + backupBucket + `/*"},` +
		`{"Sid":"KeepDeletes","Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::` + backupBucket + `/*"}]}`
	if _, err := c.PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String(backupBucket), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	res := r.run(env, "plan", "--json")
	var plan struct {
		Actions []struct{ Resource, ID, Op, Detail string }
	}
	if err := json.Unmarshal([]byte(res.stdout), &plan); err != nil {
		t.Fatalf("plan --json: %v\n%s", err, res.stdout)
	}
	fixed := false
	for _, a := range plan.Actions {
		if a.Resource == "bucket_policy" && a.ID == backupBucket && a.Op == "update" && strings.Contains(a.Detail, "Open") {
			fixed = true
		}
	}
	if !fixed {
		t.Errorf("plan does not fix the public backup bucket:\n%s", res.stdout)
	}
	if res := r.run(env, "verify"); res.code != 1 || !strings.Contains(res.stdout, "backup bucket "+backupBucket+": public: policy statement Open") {
		t.Errorf("verify of a public backup bucket: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if res := r.run(env, "backup"); res.code != 1 || !strings.Contains(res.stderr, "nothing was copied") {
		t.Errorf("backup into a public bucket: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if got, _ := c.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(backupBucket)}); got != nil && len(got.Contents) > 0 {
		t.Errorf("backup copied %d objects into a public bucket", len(got.Contents))
	}
	if res := r.run(env, "apply", "--yes"); res.code != 0 {
		t.Fatalf("apply: exit %d\n%s", res.code, res.stderr)
	}
	got, err := c.GetBucketPolicy(context.Background(), &s3.GetBucketPolicyInput{Bucket: aws.String(backupBucket)})
	if err != nil || strings.Contains(aws.ToString(got.Policy), "Open") || !strings.Contains(aws.ToString(got.Policy), "KeepDeletes") {
		t.Errorf("policy after apply: %s %v; want Open gone, KeepDeletes kept", aws.ToString(got.Policy), err)
	}
	if res := r.run(env, "verify"); res.code != 0 {
		t.Errorf("verify after apply: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if resp, err := http.Get(target.Endpoint + "/" + backupBucket + "/2026/01/photo.jpg"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Error("the backup is readable without keys")
		}
	}

	// A public ACL is planned back to private too (versitygw takes ACLs once the bucket's
	// object ownership allows them).
	if _, err := c.PutBucketOwnershipControls(context.Background(), &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(backupBucket),
		OwnershipControls: &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipBucketOwnerPreferred}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketAcl(context.Background(), &s3.PutBucketAclInput{Bucket: aws.String(backupBucket), ACL: s3types.BucketCannedACLPublicRead}); err != nil {
		t.Fatal(err)
	}
	if res := r.run(env, "plan"); !strings.Contains(res.stdout, "AllUsers") {
		t.Errorf("plan with a public ACL on the backup bucket:\n%s", res.stdout)
	}
	if res := r.run(env, "apply", "--yes"); res.code != 0 {
		t.Fatalf("apply: exit %d\n%s", res.code, res.stderr)
	}
	if res := r.run(env, "verify"); res.code != 0 {
		t.Errorf("verify after the ACL was made private: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// A backup bucket named as an asset bucket (directories images and images-backup) is bad
// input naming both, before anything is read or changed.
func TestBackupBucketNamedAsAnAssetBucketIsBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), "mode: temporal\napplication: joomla\nwebsite_url: www.example.com\ntechnique: s3fs\n"+
		"directories: [images, images-backup]\nstorage:\n  provider: custom\n  region: us-east-1\n  endpoint: http://127.0.0.1:1\n"+
		"backup:\n  provider: custom\n  region: us-east-1\n  endpoint: http://127.0.0.1:1\n")
	for _, args := range [][]string{{"plan"}, {"apply", "--yes"}} {
		res := runCLI(t, dir, map[string]string{"S3_ACCESS_KEY": "a", "S3_SECRET_KEY": "b", "BACKUP_S3_ACCESS_KEY": "c", "BACKUP_S3_SECRET_KEY": "d"}, args...)
		if res.code != 64 || !strings.Contains(res.stderr, "backup.bucket_suffix") || !strings.Contains(res.stderr, "www-example-com-assets-images-backup") ||
			!strings.Contains(res.stderr, "directory images-backup") {
			t.Errorf("%v: exit %d, want 64 naming both buckets:\n%s", args, res.code, res.stderr)
		}
	}
	if files := listDir(t, dir); len(files) != 1 {
		t.Errorf("files after bad input: %v", files)
	}
}

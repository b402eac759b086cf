package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
)

// s3Answers is an answers file for the versitygw of the test, as provider custom.
func s3Answers(srv *s3test.Server, mode, application, technique string) string {
	return "mode: " + mode + "\napplication: " + application + "\nwebsite_url: www.example.com\ntechnique: " + technique +
		"\nstorage:\n  provider: custom\n  region: us-east-1\n  endpoint: " + srv.Endpoint + "\n"
}

// s3Run runs assetwiz and records every output, to check later that no secret was printed.
type s3Run struct {
	t       *testing.T
	dir     string
	outputs []string
}

func (r *s3Run) run(env map[string]string, args ...string) cliResult {
	r.t.Helper()
	res := runCLI(r.t, r.dir, env, args...)
	r.outputs = append(r.outputs, "$ "+strings.Join(args, " ")+"\n"+res.stdout+res.stderr)
	return res
}

// noSecrets fails the test when any output holds one of the values.
func (r *s3Run) noSecrets(values ...string) {
	r.t.Helper()
	for _, out := range r.outputs {
		for _, v := range values {
			if strings.Contains(out, v) {
				r.t.Errorf("a secret was printed:\n%s", out)
			}
		}
	}
}

func keysEnv(access, secret string) map[string]string {
	return map[string]string{"S3_ACCESS_KEY": access, "S3_SECRET_KEY": secret}
}

func TestBucketsApplyPlanVerifyAgainstVersitygw(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	r := &s3Run{t: t, dir: t.TempDir()}
	writeFile(t, filepath.Join(r.dir, "assetwiz.yaml"), s3Answers(srv, "temporal", "drupal", "s3fs"))
	env := keysEnv(srv.AccessKey, srv.SecretKey)
	defer r.noSecrets(srv.AccessKey, srv.SecretKey)

	if res := r.run(env, "plan", "--detailed-exitcode"); res.code != 2 {
		t.Fatalf("first plan: exit %d, want 2\n%s%s", res.code, res.stdout, res.stderr)
	}
	res := r.run(env, "apply", "--yes")
	if res.code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stderr, "lifecycle") || !strings.Contains(res.stderr, "NotImplemented") {
		t.Errorf("apply did not warn that versitygw has no lifecycle rules:\n%s", res.stderr)
	}
	ctx := context.Background()
	c := srv.Client(t)
	names := []string{"www-example-com-assets-sites-default-files-pictures", "www-example-com-assets-sites-default-files-styles", "www-example-com-assets-sites-default-files-inline-images"}
	for _, name := range names {
		v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(name)})
		if err != nil || v.Status != "Enabled" {
			t.Errorf("bucket %s: versioning %v, %v", name, v, err)
		}
	}

	if res := r.run(env, "plan", "--detailed-exitcode"); res.code != 0 {
		t.Errorf("second plan: exit %d, want 0\n%s%s", res.code, res.stdout, res.stderr)
	}
	res = r.run(env, "plan", "--json")
	var plan struct {
		Actions  []struct{ Resource, ID, Op string } `json:"actions"`
		Warnings []string                            `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &plan); err != nil {
		t.Fatalf("plan --json: %v\n%s", err, res.stdout)
	}
	buckets := 0
	for _, a := range plan.Actions {
		if a.Op != "noop" {
			t.Errorf("second plan: %s %s is %s", a.Resource, a.ID, a.Op)
		}
		if a.Resource == "bucket" {
			buckets++
		}
	}
	if buckets != 3 {
		t.Errorf("second plan lists %d buckets, want 3", buckets)
	}
	if !strings.Contains(strings.Join(plan.Warnings, "\n"), "lifecycle rules") {
		t.Errorf("second plan: no lifecycle warning in %q", plan.Warnings)
	}

	if res := r.run(env, "verify"); res.code != 0 {
		t.Fatalf("verify: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(names[1])}); err != nil {
		t.Fatal(err)
	}
	res = r.run(env, "verify")
	if res.code != 1 {
		t.Errorf("verify after a bucket was removed: exit %d, want 1", res.code)
	}
	var fails []string
	for _, line := range strings.Split(res.stdout, "\n") {
		if strings.HasPrefix(line, "FAIL ") {
			fails = append(fails, line)
		}
	}
	if len(fails) != 1 || !strings.Contains(fails[0], "bucket "+names[1]+": missing") {
		t.Errorf("verify after removing %s printed %q", names[1], fails)
	}
	// stdout holds the FAIL lines only; stderr lists every check, the ones that held too.
	if strings.Count(res.stdout, "\n") != 1 || !strings.Contains(res.stderr, "\n  ✓ bucket "+names[0]+": exists, versioning enabled, round-trips an object") ||
		!strings.Contains(res.stderr, "\n  ✗ bucket "+names[1]+": missing; run assetwiz apply to create it\n") ||
		!strings.Contains(res.stderr, "\n  ✓ bucket "+names[2]+": exists") {
		t.Errorf("verify's checks:\nstdout:\n%s\nstderr:\n%s", res.stdout, res.stderr)
	}
}

func TestBucketsWrongKeysThenRightKeys(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	r := &s3Run{t: t, dir: t.TempDir()}
	writeFile(t, filepath.Join(r.dir, "assetwiz.yaml"), s3Answers(srv, "temporal", "wordpress", "s3fs"))
	wrongSecret := "wrong-secret-" + srv.SecretKey[:6]
	defer r.noSecrets(srv.AccessKey, srv.SecretKey, wrongSecret, "AKWRONGKEY123")

	for _, env := range []map[string]string{keysEnv(srv.AccessKey, wrongSecret), keysEnv("AKWRONGKEY123", srv.SecretKey)} {
		for _, args := range [][]string{{"plan"}, {"apply", "--yes"}, {"verify"}} {
			res := r.run(env, args...)
			if res.code != 1 {
				t.Errorf("%v with wrong keys: exit %d, want 1\n%s%s", args, res.code, res.stdout, res.stderr)
			}
			if out := res.stdout + res.stderr; !strings.Contains(out, "check S3_ACCESS_KEY and S3_SECRET_KEY") {
				t.Errorf("%v with wrong keys does not say what to check:\n%s", args, out)
			}
		}
	}
	list, err := srv.Client(t).ListBuckets(context.Background(), &s3.ListBucketsInput{})
	if err != nil || len(list.Buckets) != 0 {
		t.Errorf("wrong keys made buckets: %v %v", list, err)
	}
	env := keysEnv(srv.AccessKey, srv.SecretKey)
	if res := r.run(env, "apply", "--yes"); res.code != 0 {
		t.Fatalf("apply with the right keys: exit %d\n%s", res.code, res.stderr)
	}
	if res := r.run(env, "plan", "--detailed-exitcode"); res.code != 0 {
		t.Errorf("plan after apply: exit %d\n%s", res.code, res.stdout)
	}
}

func TestBucketsDataLossGuardInBaseline(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	r := &s3Run{t: t, dir: t.TempDir()}
	writeFile(t, filepath.Join(r.dir, "assetwiz.yaml"), s3Answers(srv, "baseline", "wordpress", "plugin"))
	env := keysEnv(srv.AccessKey, srv.SecretKey)
	defer r.noSecrets(srv.AccessKey, srv.SecretKey)
	name := "www-example-com-assets-wp-content-uploads"
	if _, err := srv.Client(t).CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	srv.PutObject(t, name, "2026/01/photo.jpg", "jpeg")

	res := r.run(env, "plan")
	if res.code != 0 || !strings.Contains(res.stdout, "DATA LOSS: bucket "+name+" already exists and holds objects") {
		t.Errorf("plan: exit %d, no data-loss warning:\n%s%s", res.code, res.stdout, res.stderr)
	}
	res = r.run(env, "apply", "--yes")
	if res.code != 64 || !strings.Contains(res.stderr, "--i-understand-buckets-will-be-deleted") {
		t.Errorf("apply --yes: exit %d, want 64 naming the flag:\n%s", res.code, res.stderr)
	}
	if _, err := srv.Client(t).GetBucketCors(context.Background(), &s3.GetBucketCorsInput{Bucket: aws.String(name)}); err == nil {
		t.Error("apply refused yet set CORS")
	}
	if res := r.run(env, "apply", "--help"); !strings.Contains(res.stdout, "--i-understand-buckets-will-be-deleted") {
		t.Errorf("apply --help does not document the flag:\n%s", res.stdout)
	}
	res = r.run(env, "apply", "--yes", "--i-understand-buckets-will-be-deleted")
	if res.code != 0 {
		t.Fatalf("apply with the confirmation: exit %d\n%s", res.code, res.stderr)
	}
	if _, err := srv.Client(t).GetBucketCors(context.Background(), &s3.GetBucketCorsInput{Bucket: aws.String(name)}); err != nil {
		t.Errorf("CORS after apply: %v", err)
	}
}

// Finding 6 end to end: a temporal s3fs site whose bucket holds uploads, switched to
// baseline with technique local (the default for baseline): plan warns, apply refuses.
func TestBucketsDataLossGuardForALocalBaseline(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	r := &s3Run{t: t, dir: t.TempDir()}
	writeFile(t, filepath.Join(r.dir, "assetwiz.yaml"), s3Answers(srv, "temporal", "wordpress", "s3fs"))
	env := keysEnv(srv.AccessKey, srv.SecretKey)
	defer r.noSecrets(srv.AccessKey, srv.SecretKey)
	if res := r.run(env, "apply", "--yes"); res.code != 0 {
		t.Fatalf("temporal apply: exit %d\n%s", res.code, res.stderr)
	}
	name := "www-example-com-assets-wp-content-uploads"
	srv.PutObject(t, name, "2026/01/photo.jpg", "jpeg")

	writeFile(t, filepath.Join(r.dir, "assetwiz.yaml"), s3Answers(srv, "baseline", "wordpress", "local"))
	res := r.run(env, "plan")
	if res.code != 0 || !strings.Contains(res.stdout, "DATA LOSS: bucket "+name) {
		t.Errorf("plan: exit %d, no data-loss warning:\n%s%s", res.code, res.stdout, res.stderr)
	}
	before, _ := os.ReadFile(filepath.Join(r.dir, "override.tmpl"))
	if res := r.run(env, "apply", "--yes"); res.code != 64 || !strings.Contains(res.stderr, "--i-understand-buckets-will-be-deleted") {
		t.Errorf("apply --yes: exit %d, want 64 naming the flag:\n%s", res.code, res.stderr)
	}
	if after, _ := os.ReadFile(filepath.Join(r.dir, "override.tmpl")); string(after) != string(before) {
		t.Error("apply refused, yet the override file changed")
	}
}

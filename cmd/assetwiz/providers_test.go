package main

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/presets"
	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
)

// presetAnswers is a plugin site (CORS and a policy besides the versioned buckets) on the
// preset in its default region; the endpoint is the preset's (or a placeholder where the
// preset has none), which AWS_ENDPOINT_URL_S3 then overrides.
func presetAnswers(prov presets.Provider) string {
	out := "mode: temporal\napplication: wordpress\nwebsite_url: www." + prov.Name + ".example.com\ntechnique: plugin\n" +
		"storage:\n  provider: " + prov.Name + "\n  region: " + prov.DefaultRegion() + "\n"
	if prov.Endpoint == "" {
		out += "  endpoint: " + prov.EndpointExample + "\n"
	}
	return out
}

// converges runs plan, apply, the second plan and verify as a user would, and checks each
// says what it should: changes, all made (or skipped where the server offers no lifecycle
// rules), no changes, everything as asked.
func converges(t *testing.T, srv *s3test.Server, prov presets.Provider, env map[string]string) {
	t.Helper()
	r := &s3Run{t: t, dir: t.TempDir()}
	writeFile(t, filepath.Join(r.dir, "assetwiz.yaml"), presetAnswers(prov))
	defer r.noSecrets(srv.AccessKey, srv.SecretKey)

	if res := r.run(env, "plan", "--detailed-exitcode"); res.code != exitChanges {
		t.Fatalf("first plan: exit %d, want 2\n%s%s", res.code, res.stdout, res.stderr)
	}
	res := r.run(env, "apply", "--yes", "--progress=plain", "--json")
	if res.code != exitOK {
		t.Fatalf("apply: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	var applied struct {
		Actions []struct{ Resource, ID, Status string }
		Summary map[string]int
	}
	if err := json.Unmarshal([]byte(res.stdout), &applied); err != nil {
		t.Fatalf("apply --json: %v\n%s", err, res.stdout)
	}
	for _, a := range applied.Actions {
		// versitygw offers no lifecycle rules: the one action it may skip, shown as skipped.
		want := "done"
		if a.Resource == "bucket_lifecycle" {
			want = "skipped"
			if !strings.Contains(res.stderr, "⚠ bucket_lifecycle "+a.ID+": bucket "+a.ID+": not offered by the provider") {
				t.Errorf("apply --progress=plain does not show the skipped lifecycle rule of %s:\n%s", a.ID, res.stderr)
			}
		}
		if a.Status != want {
			t.Errorf("apply: %s %s is %q, want %q", a.Resource, a.ID, a.Status, want)
		}
	}
	c := srv.Client(t)
	bucket := "www-" + prov.Name + "-example-com-assets-wp-content-uploads"
	v, err := c.GetBucketVersioning(context.Background(), &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatalf("bucket %s after apply: %v", bucket, err)
	}
	if prov.Capabilities.Versioning && v.Status != "Enabled" {
		t.Errorf("bucket %s: versioning %q after apply", bucket, v.Status)
	}
	if res := r.run(env, "plan", "--detailed-exitcode"); res.code != exitOK {
		t.Errorf("second plan: exit %d, want 0\n%s%s", res.code, res.stdout, res.stderr)
	}
	if res := r.run(env, "verify"); res.code != exitOK {
		t.Errorf("verify: exit %d, want 0\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// Every provider preset through its own code path (AWS's virtual-host client and credential
// chain, the others' path-style client), against versitygw answering for the preset's default
// region, with the endpoint overridden by AWS_ENDPOINT_URL_S3 as a user would for a gateway.
func TestEveryProviderPresetConvergesAgainstVersitygw(t *testing.T) {
	t.Parallel()
	for _, prov := range presets.Providers() {
		t.Run(prov.Name, func(t *testing.T) {
			t.Parallel() // its own server and folder
			srv := s3test.StartRegion(t, prov.DefaultRegion())
			env := keysEnv(srv.AccessKey, srv.SecretKey)
			env["AWS_ENDPOINT_URL_S3"] = srv.Endpoint
			converges(t, srv, prov, env)
		})
	}
}

// AWS takes its keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY as well as from S3_*.
func TestAWSWithTheStandardKeyVariables(t *testing.T) {
	t.Parallel()
	prov, _ := presets.FindProvider("aws")
	srv := s3test.StartRegion(t, prov.DefaultRegion())
	converges(t, srv, prov, map[string]string{
		"AWS_ACCESS_KEY_ID": srv.AccessKey, "AWS_SECRET_ACCESS_KEY": srv.SecretKey, "AWS_ENDPOINT_URL_S3": srv.Endpoint,
	})
}

// stalledListener accepts connections and never answers: an EC2 metadata endpoint off EC2
// that swallows packets, or a provider that hangs.
func stalledListener(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c) // held open, never read or answered
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}

// AWS with no keys anywhere: a clear error and exit 1, not a panic, and no endless wait on
// the EC2 metadata endpoint (here one that never answers).
func TestAWSWithoutKeysIsAClearError(t *testing.T) {
	t.Parallel()
	bin := buildAssetwiz(t)
	prov, _ := presets.FindProvider("aws")
	srv := s3test.StartRegion(t, prov.DefaultRegion())
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), presetAnswers(prov))
	imds := stalledListener(t)
	for _, args := range [][]string{{"plan"}, {"apply", "--yes"}} { // verify builds its client the same way
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = []string{
			"HOME=" + dir, "PATH=" + os.Getenv("PATH"),
			"AWS_CONFIG_FILE=" + filepath.Join(dir, "no-config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "no-credentials"),
			"AWS_EC2_METADATA_SERVICE_ENDPOINT=http://" + imds,
			"AWS_ENDPOINT_URL_S3=" + srv.Endpoint,
		}
		out, _ := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != exitFailure {
			t.Errorf("%v without keys: exit %d, want 1\n%s", args, code, out)
		}
		if !strings.Contains(string(out), "no AWS keys found: set S3_ACCESS_KEY and S3_SECRET_KEY") || strings.Contains(string(out), "panic") {
			t.Errorf("%v without keys does not say what to set:\n%s", args, out)
		}
	}
	list, err := srv.Client(t).ListBuckets(context.Background(), &s3.ListBucketsInput{})
	if err != nil || len(list.Buckets) != 0 {
		t.Errorf("a run without keys made buckets: %v %v", list, err)
	}

	// EFS, through AWS_ENDPOINT_URL_EFS to the EFS double, the same.
	efsDir := t.TempDir()
	writeFile(t, filepath.Join(efsDir, "assetwiz.yaml"), efsAnswers)
	s := efsServer(t)
	cmd := exec.Command(bin, "plan")
	cmd.Dir = efsDir
	cmd.Env = []string{
		"HOME=" + efsDir, "PATH=" + os.Getenv("PATH"),
		"AWS_CONFIG_FILE=" + filepath.Join(efsDir, "no-config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(efsDir, "no-credentials"),
		"AWS_EC2_METADATA_SERVICE_ENDPOINT=http://" + imds,
		"AWS_ENDPOINT_URL_EFS=" + s.URL(),
	}
	out, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != exitFailure || !strings.Contains(string(out), "AWS keys for EFS: no AWS keys found") {
		t.Errorf("EFS plan without keys: exit %d, want 1 saying what to set\n%s", code, out)
	}
	if len(s.FileSystems()) != 0 {
		t.Errorf("EFS plan without keys made file systems")
	}
}

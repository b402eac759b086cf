package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/internal/exportfile"
	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/provision/faultproxy"
)

// tenDirectories is a 10-directory site.
func tenDirectories(endpoint string) string {
	var b strings.Builder
	b.WriteString("mode: temporal\napplication: wordpress\nwebsite_url: www.example.com\ntechnique: s3fs\ndirectories:\n")
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&b, "  - wp-content/uploads/part%02d\n", i)
	}
	b.WriteString("storage:\n  provider: custom\n  region: us-east-1\n  endpoint: " + endpoint + "\n")
	return b.String()
}

// endState is what a site's apply leaves behind: buckets with their versioning, and the
// override exports (less S3_HOST_BASE and the keys, which belong to each test server).
func endState(t *testing.T, srv *s3test.Server, dir string) string {
	t.Helper()
	c := srv.Client(t)
	ctx := context.Background()
	list, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, b := range list.Buckets {
		v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b.Name})
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprintf("bucket %s versioning %s", aws.ToString(b.Name), v.Status))
	}
	data, err := os.ReadFile(filepath.Join(dir, "override.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	for name, value := range exportfile.Read(string(data)) {
		if name != "S3_HOST_BASE" && name != "S3_ACCESS_KEY" && name != "S3_SECRET_KEY" { // these name the server
			lines = append(lines, "export "+name+"="+value)
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// With a fifth of the requests failing the way providers fail, apply still converges to the
// same end state as without faults, and a second plan is all noop.
func TestApplyConvergesThroughFaults(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("fault injection takes a few seconds")
	}
	clean := s3test.Start(t)
	cleanProxy := faultproxy.New(t, clean.Endpoint, faultproxy.Options{})
	cleanDir := t.TempDir()
	writeFile(t, filepath.Join(cleanDir, "assetwiz.yaml"), tenDirectories(cleanProxy.URL()))
	if r := runCLI(t, cleanDir, keysEnv(clean.AccessKey, clean.SecretKey), "apply", "--yes"); r.code != 0 {
		t.Fatalf("fault-free apply: exit %d\n%s", r.code, r.stderr)
	}
	want := endState(t, clean, cleanDir)

	for seed := uint64(1); seed <= 5; seed++ {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) { convergeThroughFaults(t, seed, want) })
	}
}

func convergeThroughFaults(t *testing.T, seed uint64, want string) {
	faulty := s3test.Start(t)
	proxy := faultproxy.New(t, faulty.Endpoint, faultproxy.Options{
		Rate: 0.2, Seed: seed,
		Faults: []faultproxy.Fault{faultproxy.SlowDown, faultproxy.BadGateway, faultproxy.Reset, faultproxy.ResetAfter},
	})
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), tenDirectories(proxy.URL()))
	env := keysEnv(faulty.AccessKey, faulty.SecretKey)
	runs := 0
	for ; runs < 3; runs++ { // converging may take a re-run, as the README tells users
		r := runCLI(t, dir, env, "apply", "--yes", "--progress=plain")
		if r.code == 0 {
			break
		}
		t.Logf("apply run %d: exit %d\n%s", runs+1, r.code, r.stderr)
	}
	if runs == 3 {
		t.Fatal("apply did not converge in 3 runs with 20% faults")
	}
	injected := proxy.Injected()
	t.Logf("converged in %d run(s); %d requests, faults injected: %v", runs+1, proxy.Requests(), injected)
	if len(injected) < 3 {
		t.Fatalf("only %v faults injected: the test proved little", injected)
	}
	if got := endState(t, faulty, dir); got != want {
		t.Fatalf("end state with faults differs from the fault-free one:\n%s\nwant:\n%s", got, want)
	}
	proxy.SetRate(0)
	if r := runCLI(t, dir, env, "plan", "--detailed-exitcode"); r.code != 0 {
		t.Fatalf("second plan: exit %d, want 0 (all noop)\n%s%s", r.code, r.stdout, r.stderr)
	}
}

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/provision/snippets"
)

// TestRcloneSnippetsMountABucket proves the rclone snippets of the current toolkit (its
// default mount tool): apply makes the bucket on a real S3 server (versitygw) and writes the
// snippets; then Debian's rclone runs the emitted mount.sh itself, with the emitted remote,
// only the endpoint swapped for the loopback server's, and the config and cache paths for
// temporary ones (the webroot answer is a temporary folder). A file written through the
// mount is read back as an S3 object.
func TestRcloneSnippetsMountABucket(t *testing.T) {
	needMountTool(t, "rclone", "rclone fuse3", "it mounts with --allow-other")
	srv := s3test.Start(t)
	dir := t.TempDir()
	webroot := filepath.Join(t.TempDir(), "html")
	site := fmt.Sprintf("www.rclone%d.example.com", os.Getpid())
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), fmt.Sprintf(`mode: temporal
application: wordpress
website_url: %s
technique: s3fs
webroot: %s
storage:
  provider: custom
  region: %s
  endpoint: %s
`, site, webroot, s3test.Region, srv.Endpoint))
	env := map[string]string{"S3_ACCESS_KEY": srv.AccessKey, "S3_SECRET_KEY": srv.SecretKey}
	if r := runCLI(t, dir, env, "apply", "--yes"); r.code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	bucket := strings.ReplaceAll(site, ".", "-") + "-assets-wp-content-uploads"
	out := filepath.Join(dir, "assetwiz-out", "rclone")

	// The remote: mode 0600, the toolkit's [s3] section; only its endpoint is swapped.
	conf := filepath.Join(out, "rclone.conf")
	if st, err := os.Stat(conf); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("%s: %v %v, want mode 0600", conf, st, err)
	}
	data, _ := os.ReadFile(conf)
	swapped, n := "", 0
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if strings.HasPrefix(line, "endpoint = ") {
			line, n = "endpoint = "+srv.Endpoint+"\n", n+1
		}
		swapped += line
	}
	if n != 1 || !strings.Contains(swapped, "[s3]\ntype = s3\nprovider = Other\n") {
		t.Fatalf("%s: %d endpoint lines, want 1 in the toolkit's [s3] remote:\n%s", conf, n, data)
	}
	tmpConf := filepath.Join(t.TempDir(), "rclone.conf")
	writeFile(t, tmpConf, swapped)

	// mount.sh, as emitted, with the config and cache paths swapped for temporary ones.
	script, _ := os.ReadFile(filepath.Join(out, "mount.sh"))
	cache := filepath.Join(t.TempDir(), "cache")
	text := strings.NewReplacer(snippets.RcloneConfigPath, tmpConf, snippets.RcloneCacheDir, cache).Replace(string(script))
	if text == string(script) || !strings.Contains(text, "rclone mount") || !strings.Contains(text, "s3:"+bucket) {
		t.Fatalf("mount.sh does not mount s3:%s with %s:\n%s", bucket, snippets.RcloneConfigPath, script)
	}
	tmpScript := filepath.Join(t.TempDir(), "mount.sh")
	writeFile(t, tmpScript, text)
	mp := filepath.Join(webroot, "wp-content", "uploads")
	unmountRcloneAtEnd(t, mp)
	mount := exec.Command("sh", tmpScript)
	// rclone 1.60's S3 backend cannot load AWS_CA_BUNDLE into its own transport and gives
	// up; the loopback endpoint is plain http, so the bundle has no use here.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_CA_BUNDLE=") {
			mount.Env = append(mount.Env, kv)
		}
	}
	if out, err := mount.CombinedOutput(); err != nil {
		t.Fatalf("sh mount.sh: %v\n%s", err, out)
	}
	if !rcloneMounted(mp) {
		t.Fatalf("%s is not an rclone mount after mount.sh (rclone mount --daemon waits for the mount)", mp)
	}

	body := "written through the rclone mount at " + time.Now().Format(time.RFC3339Nano) + "\n"
	if err := os.MkdirAll(filepath.Join(mp, "2026", "12"), 0o755); err != nil {
		t.Fatalf("mkdir through the mount: %v", err)
	}
	if err := os.WriteFile(filepath.Join(mp, "2026", "12", "hello.txt"), []byte(body), 0o644); err != nil {
		t.Fatalf("write through the mount: %v", err)
	}
	var fst syscall.Stat_t
	if err := syscall.Stat(filepath.Join(mp, "2026", "12", "hello.txt"), &fst); err != nil {
		t.Fatal(err)
	}
	if fst.Uid != snippets.WebServerUID || fst.Gid != snippets.WebServerGID {
		t.Errorf("file through the mount: uid %d gid %d, want www-data's 33, 33", fst.Uid, fst.Gid)
	}
	// rclone's full VFS cache uploads a closed file after its write-back delay (5s): the
	// object is awaited, not slept for.
	client := srv.Client(t)
	var got string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		obj, err := client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("2026/12/hello.txt")})
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(obj.Body)
		obj.Body.Close()
		if got = string(b); got == body {
			break
		}
	}
	if got != body {
		t.Fatalf("object 2026/12/hello.txt holds %q after 60s, want %q", got, body)
	}
	if out, err := exec.Command("fusermount", "-u", mp).CombinedOutput(); err != nil {
		t.Errorf("fusermount -u %s: %v %s", mp, err, out)
	}
}

func rcloneMounted(mp string) bool {
	data, err := os.ReadFile("/proc/self/mounts")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 2 && f[1] == mp && f[2] == "fuse.rclone" {
			return true
		}
	}
	return false
}

// unmountRcloneAtEnd always unmounts, even when the test fails half way (lazily, if busy);
// the rclone daemon exits with its mount.
func unmountRcloneAtEnd(t *testing.T, mp string) {
	t.Cleanup(func() {
		if rcloneMounted(mp) {
			if exec.Command("fusermount", "-u", mp).Run() != nil {
				exec.Command("fusermount", "-u", "-z", mp).Run()
			}
		}
	})
}

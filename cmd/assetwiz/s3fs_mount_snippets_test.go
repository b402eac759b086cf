package main

import (
	"bufio"
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

// TestS3fsSnippetsMountABucket proves the s3fs snippets: apply makes the bucket on a real S3
// server (versitygw) and writes the snippets; then Debian's s3fs mounts the bucket with
// exactly the emitted options (the mount command, then the fstab line through mount(8)),
// with only the URL swapped for the loopback server's and the mount point for a temporary
// folder. A file written through the mount is read back as an S3 object.
func TestS3fsSnippetsMountABucket(t *testing.T) {
	needMountTool(t, "s3fs", "s3fs fuse", "it mounts with allow_other and writes /etc/passwd-s3fs-<bucket>")
	srv := s3test.Start(t)
	dir := t.TempDir()
	site := fmt.Sprintf("www.mount%d.example.com", os.Getpid())
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), fmt.Sprintf(`mode: temporal
application: wordpress
website_url: %s
technique: s3fs
mount_tool: s3fs
storage:
  provider: custom
  region: %s
  endpoint: %s
`, site, s3test.Region, srv.Endpoint))
	env := map[string]string{"S3_ACCESS_KEY": srv.AccessKey, "S3_SECRET_KEY": srv.SecretKey}

	// The bucket is made by assetwiz's own buckets backend, as a user's apply would.
	r := runCLI(t, dir, env, "apply", "--yes")
	if r.code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, srv.AccessKey) || strings.Contains(r.stdout+r.stderr, srv.SecretKey) {
		t.Fatal("apply printed a key")
	}
	if r := runCLI(t, dir, env, "verify"); r.code != 0 {
		t.Fatalf("verify after apply: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	bucket := strings.NewReplacer(".", "-").Replace(site) + "-assets-wp-content-uploads"
	out := filepath.Join(dir, "assetwiz-out", "s3fs")

	// The credential file: mode 0600, ACCESS:SECRET, installed where the options name it.
	passwd := filepath.Join(out, snippets.PasswdName(bucket))
	st, err := os.Stat(passwd)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("credential file %s: %v %v, want mode 0600", passwd, st, err)
	}
	creds, _ := os.ReadFile(passwd)
	if string(creds) != srv.AccessKey+":"+srv.SecretKey+"\n" {
		t.Fatal("the credential file does not hold ACCESS:SECRET")
	}
	etcPasswd := snippets.PasswdPath(bucket)
	if err := os.WriteFile(etcPasswd, creds, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(etcPasswd) })

	// The mount command of mount.sh and the fstab line, as emitted.
	cmdBucket, cmdMP, cmdOpts := parseMountCommand(t, filepath.Join(out, "mount.sh"))
	fsBucket, fsMP, fsType, fsOpts := parseFstabLine(t, filepath.Join(out, "fstab"))
	if cmdBucket != bucket || fsBucket != bucket || cmdMP != "/var/www/html/wp-content/uploads" || fsMP != cmdMP || fsType != "fuse.s3fs" {
		t.Fatalf("mount.sh mounts %s on %s, fstab %s on %s (%s); want %s on /var/www/html/wp-content/uploads",
			cmdBucket, cmdMP, fsBucket, fsMP, fsType, bucket)
	}
	if fsOpts != "_netdev,"+cmdOpts {
		t.Errorf("fstab options %q are not _netdev plus the mount command's %q", fsOpts, cmdOpts)
	}
	if err := os.MkdirAll(snippets.CacheDir, 0o755); err != nil { // mount.sh's mkdir -p
		t.Fatal(err)
	}

	// 1. The mount command: write a file through the mount, read it back as an object.
	mp := filepath.Join(t.TempDir(), "uploads")
	os.MkdirAll(mp, 0o755)
	opts := swapURL(t, cmdOpts, srv.Endpoint)
	if out, err := exec.Command("s3fs", bucket, mp, "-o", opts).CombinedOutput(); err != nil {
		t.Fatalf("s3fs %s %s -o %s: %v\n%s", bucket, mp, opts, err, out)
	}
	unmountAtEnd(t, mp)
	waitMounted(t, mp)
	body := "written through the s3fs mount at " + time.Now().Format(time.RFC3339Nano) + "\n"
	if err := os.MkdirAll(filepath.Join(mp, "2026", "05"), 0o755); err != nil {
		t.Fatalf("mkdir through the mount: %v", err)
	}
	if err := os.WriteFile(filepath.Join(mp, "2026", "05", "hello.txt"), []byte(body), 0o644); err != nil {
		t.Fatalf("write through the mount: %v", err)
	}
	got, err := srv.Client(t).GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("2026/05/hello.txt")})
	if err != nil {
		t.Fatalf("the file written through the mount is not an object: %v", err)
	}
	data, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(data) != body {
		t.Fatalf("object holds %q, want %q", data, body)
	}
	// uid=33,gid=33 and umask=0022: the web server owns what it writes.
	var fst syscall.Stat_t
	if err := syscall.Stat(filepath.Join(mp, "2026", "05", "hello.txt"), &fst); err != nil {
		t.Fatal(err)
	}
	if fst.Uid != snippets.WebServerUID || fst.Gid != snippets.WebServerGID || fst.Mode&0o022 != 0 {
		t.Errorf("file through the mount: uid %d gid %d mode %o; want 33, 33 and no group/other write", fst.Uid, fst.Gid, fst.Mode&0o777)
	}
	unmount(t, mp)

	// 2. The fstab line, through mount(8) as mount -a would: the object is there.
	mp2 := filepath.Join(t.TempDir(), "uploads")
	os.MkdirAll(mp2, 0o755)
	opts2 := swapURL(t, fsOpts, srv.Endpoint)
	if out, err := exec.Command("mount", "-t", fsType, "-o", opts2, bucket, mp2).CombinedOutput(); err != nil {
		t.Fatalf("mount -t %s -o %s %s %s: %v\n%s", fsType, opts2, bucket, mp2, err, out)
	}
	unmountAtEnd(t, mp2)
	waitMounted(t, mp2)
	back, err := os.ReadFile(filepath.Join(mp2, "2026", "05", "hello.txt"))
	if err != nil || string(back) != body {
		t.Fatalf("read through the fstab mount: %q %v, want %q", back, err, body)
	}
	unmount(t, mp2)
}

// parseMountCommand finds mount.sh's s3fs command: s3fs BUCKET MOUNTPOINT -o OPTIONS.
func parseMountCommand(t *testing.T, path string) (bucket, mp, opts string) {
	t.Helper()
	for _, line := range readLines(t, path) {
		_, cmd, ok := strings.Cut(line, "|| s3fs ")
		if !ok {
			continue
		}
		f := strings.Fields(cmd)
		if len(f) != 4 || f[2] != "-o" {
			t.Fatalf("%s: unexpected s3fs command %q", path, line)
		}
		return f[0], f[1], f[3]
	}
	t.Fatalf("%s: no s3fs command", path)
	return
}

// parseFstabLine finds the one fstab line: BUCKET MOUNTPOINT TYPE OPTIONS 0 0.
func parseFstabLine(t *testing.T, path string) (bucket, mp, fsType, opts string) {
	t.Helper()
	for _, line := range readLines(t, path) {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 6 || f[4] != "0" || f[5] != "0" {
			t.Fatalf("%s: unexpected fstab line %q", path, line)
		}
		return f[0], f[1], f[2], f[3]
	}
	t.Fatalf("%s: no fstab line", path)
	return
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

// swapURL replaces the url= option, and only it, with the test server's.
func swapURL(t *testing.T, opts, endpoint string) string {
	t.Helper()
	parts := strings.Split(opts, ",")
	swapped := 0
	for i, p := range parts {
		if strings.HasPrefix(p, "url=") {
			parts[i] = "url=" + endpoint
			swapped++
		}
	}
	if swapped != 1 {
		t.Fatalf("options %q have %d url= options, want 1", opts, swapped)
	}
	return strings.Join(parts, ",")
}

func mounted(mp string) bool {
	data, err := os.ReadFile("/proc/self/mounts")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 2 && f[1] == mp && strings.Contains(f[2], "s3fs") {
			return true
		}
	}
	return false
}

func waitMounted(t *testing.T, mp string) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if mounted(mp) {
			return
		}
	}
	t.Fatalf("%s is not mounted after 15s", mp)
}

func unmount(t *testing.T, mp string) {
	t.Helper()
	if out, err := exec.Command("fusermount", "-u", mp).CombinedOutput(); err != nil {
		t.Errorf("fusermount -u %s: %v %s", mp, err, out)
	}
}

// unmountAtEnd always unmounts, even when the test fails half way (lazily, if busy).
func unmountAtEnd(t *testing.T, mp string) {
	t.Cleanup(func() {
		if mounted(mp) {
			if exec.Command("fusermount", "-u", mp).Run() != nil {
				exec.Command("fusermount", "-u", "-z", mp).Run()
			}
		}
	})
}

// needMountTool skips a mount test on a machine without FUSE, and fails it when the tool is
// missing (scripts/test installs it) or the test is not root (why: the tool's own reason).
func needMountTool(t *testing.T, tool, packages, whyRoot string) {
	t.Helper()
	if _, err := os.Stat("/dev/fuse"); os.IsNotExist(err) {
		t.Skipf("/dev/fuse is absent: this machine cannot mount FUSE file systems, so %s cannot be tried", tool)
	}
	if _, err := exec.LookPath(tool); err != nil {
		t.Fatalf("%s is not installed: apt-get install %s (scripts/test installs them)", tool, packages)
	}
	if os.Geteuid() != 0 {
		t.Fatalf("the %s mount test must run as root: %s", tool, whyRoot)
	}
}

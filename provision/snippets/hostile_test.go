package snippets

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/internal/shellword"

	"github.com/assetwiz/assetwiz/steps"
)

// Hostile values, as an adversarial user would type them (issue 14, finding 2).
var hostile = []string{
	"/var/www/html;touch\tMARK;#",
	"/var/www/html$(touch MARK)",
	"/var/www/html`touch MARK`",
	"/var/www/html'; touch MARK; '",
	"/var/www/html\ntouch MARK",
	"/var/www/ht ml",
	"/var/www/html\\",
}

// TestHostileValuesAreBadInput: each is refused on its own key before anything is written.
func TestHostileValuesAreBadInput(t *testing.T) {
	t.Parallel()
	for _, v := range append(slices.Clone(hostile), "relative/path", "/var/www/../etc", "/") {
		a := answers("s3fs", "wordpress", "digitalocean", "ams3", "", true, "")
		a.Webroot = v
		if !hasProblem(a.Validate(), "webroot") {
			t.Errorf("webroot %q is accepted", v)
		}
		if v == "relative/path" {
			continue // a directory is relative
		}
		a = answers("s3fs", "wordpress", "digitalocean", "ams3", "", true, "")
		a.Directories = []string{strings.TrimPrefix(v, "/var/www/")}
		if !hasProblem(a.Validate(), "directories[0]") {
			t.Errorf("directory %q is accepted", a.Directories[0])
		}
	}
	for _, key := range []string{"AK'; touch MARK; '", "AK\nsecret_access_key = x", "AK$(id)"} {
		a := answers("s3fs", "wordpress", "digitalocean", "ams3", "", true, "")
		a.Secrets.S3AccessKey = key
		if !hasProblem(a.Validate(), steps.ExportS3AccessKey) {
			t.Errorf("access key %q is accepted", key)
		}
	}
}

func hasProblem(ps steps.Problems, key string) bool {
	for _, p := range ps {
		if p.Key == key {
			return true
		}
	}
	return false
}

// TestSnippetsAreDataNeverCode: even a hostile value that got past validation stays data.
// Every script passes bash -n and, run with stand-ins for the commands it may call, runs
// exactly the intended commands with each value as one whole argument, and nothing else;
// every fstab line keeps its six fields; every rclone setting stays on its line.
func TestSnippetsAreDataNeverCode(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("bash is needed")
	}
	for _, tool := range []string{steps.MountToolRclone, steps.MountToolS3fs, steps.MountToolGoofys, steps.MountToolGeesefs} {
		for _, v := range hostile {
			dir := t.TempDir()
			mark := filepath.Join(dir, "MARK")
			a := answersWith(tool, "s3fs", "wordpress", "digitalocean", "ams3", "", true, "")
			a.Webroot = strings.ReplaceAll(v, "MARK", mark) // validation bypassed on purpose
			a.Directories = []string{"wp-content/uploads", "x" + strings.ReplaceAll(strings.TrimPrefix(v, "/var/www/html"), "MARK", mark)}
			a.Secrets.S3SecretKey = "s3cr3t\nsecret_access_key = injected"
			set := Files(a)
			for _, f := range set.Files {
				path := filepath.Join(dir, filepath.FromSlash(f.Name))
				os.MkdirAll(filepath.Dir(path), 0o755)
				if err := os.WriteFile(path, []byte(f.Content), 0o600); err != nil {
					t.Fatal(err)
				}
				switch {
				case strings.HasSuffix(f.Name, ".sh"):
					if out, err := exec.Command(bash, "-n", path).CombinedOutput(); err != nil {
						t.Errorf("%s %q: bash -n %s: %v\n%s", tool, v, f.Name, err, out)
						continue
					}
					got := runWithStandIns(t, path)
					want := intendedCommands(a)
					if !slices.EqualFunc(got, want, slices.Equal) {
						t.Errorf("%s %q: %s ran\n%q\nwant\n%q", tool, v, f.Name, got, want)
					}
				case strings.HasSuffix(f.Name, "fstab"):
					for _, line := range strings.Split(strings.TrimSpace(f.Content), "\n") {
						if line != "" && !strings.HasPrefix(line, "#") && len(strings.Fields(line)) != 6 {
							t.Errorf("%s %q: fstab line %q does not have 6 fields", tool, v, line)
						}
					}
				case f.Name == RcloneConfig:
					var keys []string
					for _, line := range strings.Split(f.Content, "\n") {
						if k, _, ok := strings.Cut(line, " = "); ok && !strings.HasPrefix(line, "#") {
							keys = append(keys, k)
						}
					}
					want := []string{"type", "provider", "env_auth", "access_key_id", "secret_access_key", "endpoint", "region", "acl"}
					if !slices.Equal(keys, want) {
						t.Errorf("%s: settings %q, want %q: a value's line break made another setting", f.Name, keys, want)
					}
				}
			}
			if _, err := os.Stat(mark); err == nil {
				t.Fatalf("%s %q: a snippet ran the injected command", tool, v)
			}
		}
	}
}

// intendedCommands are the commands mount.sh should run for the answers, with their
// arguments, when nothing is mounted yet.
func intendedCommands(a *steps.Answers) [][]string {
	var out [][]string
	switch a.MountToolUsed() {
	case steps.MountToolRclone:
		out = append(out, []string{"mkdir", "-p", RcloneCacheDir})
	case steps.MountToolS3fs:
		out = append(out, []string{"mkdir", "-p", CacheDir})
	case steps.MountToolGeesefs:
		out = append(out, []string{"mkdir", "-p", RcloneCacheDir})
	}
	for _, b := range a.Buckets() {
		mp := MountPoint(a, b.Directory)
		out = append(out, []string{"mkdir", "-p", mp}, []string{"mountpoint", "-q", mp})
		switch a.MountToolUsed() {
		case steps.MountToolRclone:
			out = append(out, append([]string{"rclone"}, RcloneMountArgs(a, b)...))
		case steps.MountToolS3fs:
			out = append(out, []string{"s3fs", b.Name, mp, "-o", strings.Join(S3fsOptions(a, b.Name), ",")})
		default:
			out = append(out, append([]string{a.MountToolUsed()}, FuseToolArgs(a, b)...))
		}
	}
	return out
}

// runWithStandIns runs a script with PATH holding only stand-ins that record their
// arguments (NUL-separated, one command a line); mountpoint says "not mounted".
func runWithStandIns(t *testing.T, script string) [][]string {
	t.Helper()
	bin := t.TempDir()
	log := filepath.Join(t.TempDir(), "log")
	for _, name := range []string{"mkdir", "mountpoint", "s3fs", "rclone", "goofys", "geesefs", "mount", "touch", "id"} {
		status := "0"
		if name == "mountpoint" {
			status = "1"
		}
		stub := "#!/bin/bash\nprintf '%s\\0' \"${0##*/}\" \"$@\" >> " + shellword.Quote(log) + "\nprintf '\\n' >> " + shellword.Quote(log) + "\nexit " + status + "\n"
		if err := os.WriteFile(filepath.Join(bin, name), []byte(stub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("/bin/sh", script)
	cmd.Env = []string{"PATH=" + bin}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sh %s: %v\n%s", script, err, out)
	}
	f, err := os.Open(log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cmds [][]string
	r := bufio.NewReader(f)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			break
		}
		// A record is argv NUL-terminated, then "\n"; an argument may itself hold "\n".
		for !strings.HasSuffix(line, "\x00\n") {
			more, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("log ends inside a record: %q", line)
			}
			line += more
		}
		cmds = append(cmds, strings.Split(strings.TrimSuffix(line, "\x00\n"), "\x00"))
	}
	return cmds
}

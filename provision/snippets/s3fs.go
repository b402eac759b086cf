package snippets

import (
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/assetwiz/assetwiz/internal/shellword"
	"github.com/assetwiz/assetwiz/internal/textfield"

	"github.com/assetwiz/assetwiz/presets"
	"github.com/assetwiz/assetwiz/steps"
)

// Snippet names of the s3fs technique, under output.snippets_dir.
const (
	S3fsREADME      = "s3fs/README.txt"
	S3fsFstab       = "s3fs/fstab"
	S3fsMountScript = "s3fs/mount.sh"
	// S3fsKeysNeeded replaces the credential files when the keys are not known.
	S3fsKeysNeeded = "s3fs/CREDENTIALS-NEEDED.txt"
)

// The web server's user and group on Debian and Ubuntu (www-data), which must own the
// files PHP writes; RHEL's apache is 48.
const (
	WebServerUID = 33
	WebServerGID = 33
)

// CacheDir is where s3fs keeps its local copies; ensure_diskfree bounds it, in MB.
const (
	CacheDir       = "/var/cache/s3fs"
	CacheDiskFreeM = 2048
)

// PasswdName is the credential file's name of a bucket, both in the snippets folder and
// in /etc on the web servers.
func PasswdName(bucket string) string { return "passwd-s3fs-" + bucket }

// PasswdPath is where a bucket's credential file goes on the web servers.
func PasswdPath(bucket string) string { return "/etc/" + PasswdName(bucket) }

// MountPoint is where a directory is mounted: the webroot plus the directory.
func MountPoint(a *steps.Answers, directory string) string {
	return path.Join(a.Webroot, directory)
}

// S3fsURL is the url= option: the endpoint's scheme (https unless the answer gave one) and
// host with its port, as the toolkit's -ourl=https://<S3_HOST_BASE>.
func S3fsURL(a *steps.Answers) string {
	scheme := "https"
	if u, err := url.Parse(a.EndpointURL()); err == nil && u.Scheme != "" {
		scheme = u.Scheme
	}
	return scheme + "://" + a.HostBase()
}

// S3fsOptions are the s3fs options of one bucket's mount: the toolkit's own
// (adt-toolkit.md §2.3) tuned by cloud-apis.md §5. fstab adds _netdev in front.
//
// Two of the toolkit's options are left out on purpose: kernel_cache keeps file contents in
// the page cache across opens, so a file replaced by another web server would be served
// stale with no bound (the stat cache below bounds staleness to stat_cache_expire seconds);
// nonempty mounts over uploads already in the folder and hides them (s3fs 1.97 ignores it
// under FUSE 3 anyway), so the README has the user copy them into the bucket first.
func S3fsOptions(a *steps.Answers, bucket string) []string {
	opts := []string{"allow_other"}
	if p, ok := presets.FindProvider(a.Storage.Provider); !ok || p.PathStyle {
		opts = append(opts, "use_path_request_style")
	}
	return append(opts,
		"url="+S3fsURL(a),
		// SigV4's region; s3fs 1.96 renamed the option region, and still accepts endpoint.
		"endpoint="+a.Storage.Region,
		"passwd_file="+PasswdPath(bucket),
		fmt.Sprintf("uid=%d", WebServerUID),
		fmt.Sprintf("gid=%d", WebServerGID),
		"umask=0022",
		"mp_umask=0022",
		"use_cache="+CacheDir,
		fmt.Sprintf("ensure_diskfree=%d", CacheDiskFreeM),
		"max_stat_cache_size=10000",
		"stat_cache_expire=20",
		"multireq_max=3",
	)
}

// FstabLine is a bucket's /etc/fstab line.
func FstabLine(a *steps.Answers, b steps.Bucket) string {
	return fmt.Sprintf("%s %s fuse.s3fs %s 0 0", textfield.Fstab(b.Name), textfield.Fstab(MountPoint(a, b.Directory)), textfield.Fstab("_netdev,"+strings.Join(S3fsOptions(a, b.Name), ",")))
}

// MountCommand is the s3fs command that mounts a bucket now, each word quoted for the shell.
func MountCommand(a *steps.Answers, b steps.Bucket) string {
	return fmt.Sprintf("s3fs %s %s -o %s", shellword.Quote(b.Name), shellword.Quote(MountPoint(a, b.Directory)), shellword.Quote(strings.Join(S3fsOptions(a, b.Name), ",")))
}

func keysKnown(a *steps.Answers) bool {
	return a.Secrets.S3AccessKey != "" && a.Secrets.S3SecretKey != ""
}

func s3fsFiles(a *steps.Answers) Set {
	var set Set
	buckets := a.Buckets()
	if len(buckets) == 0 {
		return set
	}
	dirs := plural(len(buckets), "directory", "directories")
	set.Files = append(set.Files,
		File{Name: S3fsREADME, Mode: PublicMode, Content: s3fsREADME(a, buckets), What: "s3fs instructions for the web servers"},
		File{Name: S3fsFstab, Mode: PublicMode, Content: s3fsFstab(a, buckets), What: "s3fs /etc/fstab lines (" + dirs + ")"},
		File{Name: S3fsMountScript, Mode: PublicMode, Content: s3fsMountScript(a, buckets), What: "s3fs mount commands (" + dirs + ")"},
	)
	if keysKnown(a) {
		for _, b := range buckets {
			set.Files = append(set.Files, File{
				Name: "s3fs/" + PasswdName(b.Name), Mode: SecretMode,
				Content: textfield.OneLine(a.Secrets.S3AccessKey) + ":" + textfield.OneLine(a.Secrets.S3SecretKey) + "\n",
				What:    "s3fs credentials for " + b.Name + " (holds the keys)",
			})
		}
	} else {
		set.Files = append(set.Files, File{Name: S3fsKeysNeeded, Mode: PublicMode, Content: s3fsKeysNeeded(buckets), What: "how to make the s3fs credential files"})
		set.Warnings = append(set.Warnings, fmt.Sprintf("the storage keys are not known (set S3_ACCESS_KEY and S3_SECRET_KEY): no s3fs credential file is written; %s says how to make them on the web servers",
			path.Join(a.Output.SnippetsDir, S3fsKeysNeeded)))
	}
	return set
}

func s3fsFstab(a *steps.Answers, buckets []steps.Bucket) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# assetwiz: s3fs mounts of the asset buckets of %s (%s %s), one per asset directory.\n", textfield.OneLine(a.WebsiteURL), textfield.OneLine(a.Storage.Provider), textfield.OneLine(a.Storage.Region))
	b.WriteString("# Append to /etc/fstab on every web server, once the credential files are in /etc\n")
	b.WriteString("# (README.txt beside this file), then: mkdir -p each mount point; mount -a -t fuse.s3fs\n")
	for _, bk := range buckets {
		fmt.Fprintf(&b, "\n# /%s\n%s\n", textfield.OneLine(bk.Directory), FstabLine(a, bk))
	}
	return b.String()
}

func s3fsMountScript(a *steps.Answers, buckets []steps.Bucket) string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	fmt.Fprintf(&b, "# assetwiz: mounts the asset buckets of %s with s3fs on this web server, now.\n", textfield.OneLine(a.WebsiteURL))
	b.WriteString("# Run as root: sh mount.sh. For mounts that survive a reboot, use the fstab lines beside it.\n")
	b.WriteString("set -eu\n")
	fmt.Fprintf(&b, "mkdir -p %s\n", shellword.Quote(CacheDir))
	for _, bk := range buckets {
		mp := shellword.Quote(MountPoint(a, bk.Directory))
		fmt.Fprintf(&b, "\n# /%s\n", textfield.OneLine(bk.Directory))
		fmt.Fprintf(&b, "mkdir -p %s\n", mp)
		fmt.Fprintf(&b, "mountpoint -q %s || %s\n", mp, MountCommand(a, bk))
	}
	return b.String()
}

func s3fsKeysNeeded(buckets []steps.Bucket) string {
	var b strings.Builder
	b.WriteString("assetwiz did not know the storage keys, so it wrote no s3fs credential file.\n\n")
	b.WriteString("Either run assetwiz apply again with S3_ACCESS_KEY and S3_SECRET_KEY set (it then writes\n")
	b.WriteString("them beside this note, mode 0600), or make them on every web server, as root, with the keys\n")
	b.WriteString("in those two variables:\n\n")
	b.WriteString("  umask 077\n")
	for _, bk := range buckets {
		fmt.Fprintf(&b, "  printf '%%s:%%s\\n' \"$S3_ACCESS_KEY\" \"$S3_SECRET_KEY\" > %s\n", shellword.Quote(PasswdPath(bk.Name)))
	}
	b.WriteString("\nEach file holds one line, ACCESS_KEY:SECRET_KEY, and must be mode 0600, owned by root.\n")
	return b.String()
}

func s3fsREADME(a *steps.Answers, buckets []steps.Bucket) string {
	var b strings.Builder
	title := "s3fs mounts for " + a.WebsiteURL + ", written by assetwiz"
	b.WriteString(title + "\n" + strings.Repeat("=", len(title)) + "\n\n")
	b.WriteString("Each asset directory is an S3 bucket mounted with s3fs on every web server:\n\n")
	for _, bk := range buckets {
		fmt.Fprintf(&b, "  %s  <-  bucket %s\n", MountPoint(a, bk.Directory), bk.Name)
	}
	fmt.Fprintf(&b, "\nStorage: %s, region %s, endpoint %s.\n", a.Storage.Provider, a.Storage.Region, S3fsURL(a))
	tk, _ := presets.FindToolkit(a.Toolkit)
	fmt.Fprintf(&b, `
The toolkit mounts these itself in temporal builds (%s=1 with
DIRECTORIES_TO_MOUNT in the override file). These files are for web servers you set up by
hand, and to check what the toolkit does. On EVERY web server, as root:
`, tk.PersistExport)
	b.WriteString(`
1. Install s3fs:  apt-get install s3fs  (Debian/Ubuntu; RHEL: dnf install s3fs-fuse).

2. Put each credential file in /etc, readable by root only:
`)
	for _, bk := range buckets {
		fmt.Fprintf(&b, "     install -m 600 -o root -g root %s %s\n", PasswdName(bk.Name), PasswdPath(bk.Name))
	}
	if !keysKnown(a) {
		b.WriteString("   (The keys were not known: CREDENTIALS-NEEDED.txt says how to make these files.)\n")
	}
	b.WriteString(`
3. Uploads already in a directory: a mount hides them (and FUSE 2 refuses to mount over a
   non-empty folder), so copy them into the bucket first, then empty the folder. With
   assetwiz and its answers file, where the webroot is:
     assetwiz sync --from /var/www/html --dry-run   (what it would copy), then without --dry-run
   It never deletes, leaves an object that differs alone (a conflict, listed) and resumes
   where it stopped.

4. Mount at boot: append the lines of fstab to /etc/fstab, then
     mkdir -p`)
	for _, bk := range buckets {
		b.WriteString(" " + MountPoint(a, bk.Directory))
	}
	b.WriteString(`
     mount -a -t fuse.s3fs
   Or mount now without touching /etc/fstab: sh mount.sh

5. Check: mountpoint <dir>, and as www-data: touch <dir>/assetwiz-check && rm <dir>/assetwiz-check

The options, and why:
  allow_other              the web server's user may use the mount (root mounts it)
  use_path_request_style   bucket in the path, not the host name (every provider but AWS)
  url=, endpoint=          the provider's endpoint, and the region that signs requests
                           (s3fs 1.96 and later call endpoint= region=, and accept both)
  passwd_file=             one credential file per bucket, mode 0600
  uid=33,gid=33            files belong to www-data, so PHP can write them (RHEL: apache is 48)
  umask=0022,mp_umask=0022 files 0755, folders 0755, the mount point too
  use_cache=, ensure_diskfree=
                           a local disk cache, kept from filling the disk (2048 MB stay free)
  max_stat_cache_size=10000, stat_cache_expire=20, multireq_max=3
                           the toolkit's own: metadata cached 20 s, 3 parallel requests
  _netdev (fstab only)     mount once the network is up
Left out of the toolkit's options: kernel_cache (keeps contents cached across opens, so a
file changed by another web server would be served stale with no time bound) and nonempty
(it hides uploads already in the folder; step 3 moves them instead).

s3fs is the toolkit's last resort: reads through the mount are slow, and the web servers do
not coordinate (a change made on one shows on the others only after stat_cache_expire).
Where the application has an offload plugin, technique plugin serves uploads better.
`)
	b.WriteString(strayBucketsNote(a))
	return b.String()
}

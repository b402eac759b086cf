package snippets

import (
	"fmt"
	"path"
	"strings"

	"github.com/assetwiz/assetwiz/internal/shellword"
	"github.com/assetwiz/assetwiz/internal/textfield"

	"github.com/assetwiz/assetwiz/steps"
)

// Snippet names of the rclone mount (the current toolkit's default mount tool), under
// output.snippets_dir.
const (
	RcloneREADME      = "rclone/README.txt"
	RcloneConfig      = "rclone/rclone.conf"
	RcloneMountScript = "rclone/mount.sh"
)

// RcloneConfigPath is where the configuration goes on the web servers: beside, not over,
// the toolkit's own /root/.config/rclone/rclone.conf.
const RcloneConfigPath = "/etc/assetwiz/rclone.conf"

// RcloneRemote is the remote's name, the toolkit's own (rclone-cfg.tmpl: [s3]).
const RcloneRemote = "s3"

// RcloneCacheDir is the toolkit's VFS cache folder (assets/config/rclone.conf).
const RcloneCacheDir = "/home/s3mount_cache"

// RcloneConfigText is the rclone configuration, as the toolkit's
// providerscripts/datastore/init-files/rclone-cfg.tmpl writes it (provider Other, keys in
// the file, https:// endpoint, private ACL), plus the region that signs requests. Without
// the keys it reads them from the environment (env_auth).
func RcloneConfigText(a *steps.Answers) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# assetwiz: rclone remote for the asset buckets of %s (%s %s).\n", textfield.OneLine(a.WebsiteURL), textfield.OneLine(a.Storage.Provider), textfield.OneLine(a.Storage.Region))
	fmt.Fprintf(&b, "# Install as %s, mode 0600, owned by root.\n", RcloneConfigPath)
	fmt.Fprintf(&b, "[%s]\ntype = s3\nprovider = Other\n", RcloneRemote)
	if keysKnown(a) {
		b.WriteString("env_auth = false\n")
		fmt.Fprintf(&b, "access_key_id = %s\nsecret_access_key = %s\n", textfield.OneLine(a.Secrets.S3AccessKey), textfield.OneLine(a.Secrets.S3SecretKey))
	} else {
		b.WriteString("# The keys were not known: they are read from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.\nenv_auth = true\n")
	}
	fmt.Fprintf(&b, "endpoint = %s\nregion = %s\nacl = private\n", textfield.OneLine(S3fsURL(a)), textfield.OneLine(a.Storage.Region))
	return b.String()
}

// RcloneMountArgs are the arguments of one bucket's rclone mount: the toolkit's own
// options (adt-webserver-scripts providerscripts/datastore/assets/config/rclone.conf), with
// --daemon in place of the toolkit's '&' so the script returns once the mount is up.
func RcloneMountArgs(a *steps.Answers, b steps.Bucket) []string {
	return []string{
		"mount", "--daemon",
		"--config", RcloneConfigPath,
		"--allow-other",
		fmt.Sprintf("--uid=%d", WebServerUID), fmt.Sprintf("--gid=%d", WebServerGID),
		"--dir-cache-time", "10s", "--poll-interval", "10s",
		"--vfs-cache-max-age", "90h", "--vfs-cache-mode", "full", "--vfs-cache-max-size", "20G",
		"--buffer-size=32M", "--vfs-read-ahead", "1G", "--use-mmap", "--vfs-cache-poll-interval", "10s",
		"--cache-dir", RcloneCacheDir,
		RcloneRemote + ":" + b.Name, MountPoint(a, b.Directory),
	}
}

func rcloneFiles(a *steps.Answers) Set {
	var set Set
	buckets := a.Buckets()
	if len(buckets) == 0 {
		return set
	}
	dirs := plural(len(buckets), "directory", "directories")
	mode, what := PublicMode, "rclone remote (keys from the environment)"
	if keysKnown(a) {
		mode, what = SecretMode, "rclone remote (holds the keys)"
	} else {
		set.Warnings = append(set.Warnings, fmt.Sprintf("the storage keys are not known (set S3_ACCESS_KEY and S3_SECRET_KEY): %s reads them from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead",
			path.Join(a.Output.SnippetsDir, RcloneConfig)))
	}
	set.Files = append(set.Files,
		File{Name: RcloneREADME, Mode: PublicMode, Content: rcloneREADME(a, buckets), What: "rclone instructions for the web servers"},
		File{Name: RcloneConfig, Mode: mode, Content: RcloneConfigText(a), What: what},
		File{Name: RcloneMountScript, Mode: PublicMode, Content: rcloneMountScript(a, buckets), What: "rclone mount commands (" + dirs + ")"},
	)
	return set
}

func rcloneMountScript(a *steps.Answers, buckets []steps.Bucket) string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	fmt.Fprintf(&b, "# assetwiz: mounts the asset buckets of %s with rclone on this web server, now,\n", textfield.OneLine(a.WebsiteURL))
	b.WriteString("# as the toolkit does. Run as root: sh mount.sh (again at boot: the toolkit re-runs it from cron).\n")
	b.WriteString("set -eu\n")
	fmt.Fprintf(&b, "mkdir -p %s\n", shellword.Quote(RcloneCacheDir))
	for _, bk := range buckets {
		mp := MountPoint(a, bk.Directory)
		args := RcloneMountArgs(a, bk)
		for i := range args {
			args[i] = shellword.Quote(args[i])
		}
		fmt.Fprintf(&b, "\n# /%s\n", textfield.OneLine(bk.Directory))
		fmt.Fprintf(&b, "mkdir -p %s\n", shellword.Quote(mp))
		fmt.Fprintf(&b, "mountpoint -q %s || rclone %s\n", shellword.Quote(mp), strings.Join(args, " "))
	}
	return b.String()
}

func rcloneREADME(a *steps.Answers, buckets []steps.Bucket) string {
	var b strings.Builder
	title := "rclone mounts for " + a.WebsiteURL + ", written by assetwiz"
	b.WriteString(title + "\n" + strings.Repeat("=", len(title)) + "\n\n")
	b.WriteString("The current toolkit mounts each asset bucket with rclone (its buildstyles.dat line\n")
	b.WriteString("DATASTOREMOUNTTOOL:rclone:binary), on every web server of a temporal build:\n\n")
	for _, bk := range buckets {
		fmt.Fprintf(&b, "  %s  <-  bucket %s\n", MountPoint(a, bk.Directory), bk.Name)
	}
	fmt.Fprintf(&b, "\nStorage: %s, region %s, endpoint %s.\n", a.Storage.Provider, a.Storage.Region, S3fsURL(a))
	fmt.Fprintf(&b, `
The toolkit makes these mounts itself (PERSIST_ASSETS_TO_DATASTORE=1 with
DIRECTORIES_TO_MOUNT in the override file). These files are for a web server built
already, and to check what the toolkit does. On EVERY web server, as root:

1. Install rclone and FUSE:  apt-get install rclone fuse3

2. Install the remote, readable by root only:
     install -D -m 600 -o root -g root rclone.conf %s

3. Uploads already in a directory: a mount hides them, so copy them into the bucket
   first, then empty the folder. With assetwiz and its answers file, where the webroot is:
     assetwiz sync --from /var/www/html --dry-run   (what it would copy), then without --dry-run
   It never deletes, leaves an object that differs alone (a conflict, listed) and resumes
   where it stopped. Or with rclone: rclone copy <dir> %s:<bucket> --config %s

4. Mount now: sh mount.sh   (it skips what is mounted already; run it again at boot,
   e.g. from root's crontab: @reboot sh /path/to/mount.sh)

5. Check: mountpoint <dir>, and as www-data: touch <dir>/assetwiz-check && rm <dir>/assetwiz-check

The options are the toolkit's own (providerscripts/datastore/assets/config/rclone.conf):
a full VFS cache in %s (at most 20G, files kept 90h), directory listings
cached 10s, files owned by www-data (uid %d, gid %d).

If the build uses another mount tool, say so with mount_tool (s3fs, goofys or geesefs)
and set the same tool in the toolkit's builddescriptors/buildstyles.dat, e.g.
DATASTOREMOUNTTOOL:s3fs:repo in place of DATASTOREMOUNTTOOL:rclone:binary.
`, RcloneConfigPath, RcloneRemote, RcloneConfigPath, RcloneCacheDir, WebServerUID, WebServerGID)
	b.WriteString(strayBucketsNote(a))
	return b.String()
}

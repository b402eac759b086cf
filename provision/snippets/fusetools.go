package snippets

import (
	"fmt"
	"path"
	"strings"

	"github.com/assetwiz/assetwiz/internal/shellword"
	"github.com/assetwiz/assetwiz/internal/textfield"

	"github.com/assetwiz/assetwiz/steps"
)

// AWSCredentialsPath is where goofys and geesefs read the keys on the web servers (the
// toolkit writes /root/.aws/credentials; this one leaves that file alone).
const AWSCredentialsPath = "/etc/assetwiz/aws-credentials"

// FuseToolArgs are the arguments of one bucket's goofys or geesefs mount: the toolkit's own
// options (adt-webserver-scripts providerscripts/datastore/assets/config/{goofys,geesefs}.conf).
func FuseToolArgs(a *steps.Answers, b steps.Bucket) []string {
	args := []string{"-o", "allow_other", "--endpoint=" + S3fsURL(a),
		fmt.Sprintf("--uid=%d", WebServerUID), fmt.Sprintf("--gid=%d", WebServerGID)}
	if a.MountToolUsed() == steps.MountToolGeesefs {
		args = append(args, "--list-type=1")
	}
	args = append(args, "--file-mode=0644", "--dir-mode=0755")
	if a.MountToolUsed() == steps.MountToolGeesefs {
		args = append(args, "--max-disk-cache-fd", "4096", "--stat-cache-ttl", "60m0s", "--memory-limit", "3072",
			"--read-ahead-large", "20", "--max-flushers", "32", "--max-parallel-parts", "32", "--part-sizes", "50",
			"--single-part", "50", "--cache", RcloneCacheDir, "--cache-file-mode=0644", "--no-checksum", "--no-specials")
	}
	return append(args, b.Name, MountPoint(a, b.Directory))
}

func fuseToolFiles(a *steps.Answers) Set {
	var set Set
	buckets := a.Buckets()
	if len(buckets) == 0 {
		return set
	}
	tool := a.MountToolUsed()
	dir := tool + "/"
	set.Files = append(set.Files,
		File{Name: dir + "README.txt", Mode: PublicMode, Content: fuseToolREADME(a, buckets), What: tool + " instructions for the web servers"},
		File{Name: dir + "mount.sh", Mode: PublicMode, Content: fuseToolScript(a, buckets), What: fmt.Sprintf("%s mount commands (%s)", tool, plural(len(buckets), "directory", "directories"))},
	)
	if keysKnown(a) {
		set.Files = append(set.Files, File{Name: dir + "aws-credentials", Mode: SecretMode,
			Content: fmt.Sprintf("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n", textfield.OneLine(a.Secrets.S3AccessKey), textfield.OneLine(a.Secrets.S3SecretKey)),
			What:    tool + " credentials (holds the keys)"})
	} else {
		set.Warnings = append(set.Warnings, fmt.Sprintf("the storage keys are not known (set S3_ACCESS_KEY and S3_SECRET_KEY): no %s credential file is written; %s says how to make it",
			tool, path.Join(a.Output.SnippetsDir, dir+"README.txt")))
	}
	return set
}

func fuseToolScript(a *steps.Answers, buckets []steps.Bucket) string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	fmt.Fprintf(&b, "# assetwiz: mounts the asset buckets of %s with %s on this web server, now, as the toolkit does.\n", textfield.OneLine(a.WebsiteURL), a.MountToolUsed())
	b.WriteString("# Run as root: sh mount.sh (again at boot: the toolkit re-runs it from cron).\n")
	b.WriteString("set -eu\n")
	fmt.Fprintf(&b, "export AWS_SHARED_CREDENTIALS_FILE=%s\n", shellword.Quote(AWSCredentialsPath))
	if a.MountToolUsed() == steps.MountToolGeesefs {
		fmt.Fprintf(&b, "mkdir -p %s\n", shellword.Quote(RcloneCacheDir))
	}
	for _, bk := range buckets {
		mp := MountPoint(a, bk.Directory)
		args := FuseToolArgs(a, bk)
		for i := range args {
			args[i] = shellword.Quote(args[i])
		}
		fmt.Fprintf(&b, "\n# /%s\n", textfield.OneLine(bk.Directory))
		fmt.Fprintf(&b, "mkdir -p %s\n", shellword.Quote(mp))
		fmt.Fprintf(&b, "mountpoint -q %s || %s %s\n", shellword.Quote(mp), a.MountToolUsed(), strings.Join(args, " "))
	}
	return b.String()
}

func fuseToolREADME(a *steps.Answers, buckets []steps.Bucket) string {
	var b strings.Builder
	title := a.MountToolUsed() + " mounts for " + a.WebsiteURL + ", written by assetwiz"
	b.WriteString(title + "\n" + strings.Repeat("=", len(title)) + "\n\n")
	fmt.Fprintf(&b, "The build mounts each asset bucket with %s (mount_tool: %s; the toolkit's\nbuildstyles.dat line DATASTOREMOUNTTOOL:%s:...):\n\n", a.MountToolUsed(), a.MountToolUsed(), steps.BuildstyleTool(a.MountToolUsed()))
	for _, bk := range buckets {
		fmt.Fprintf(&b, "  %s  <-  bucket %s\n", MountPoint(a, bk.Directory), bk.Name)
	}
	fmt.Fprintf(&b, "\nStorage: %s, region %s, endpoint %s.\n\n", a.Storage.Provider, a.Storage.Region, S3fsURL(a))
	b.WriteString("The toolkit makes these mounts itself in temporal builds. For a web server built already,\nas root on EVERY web server:\n\n")
	fmt.Fprintf(&b, "1. Install %s and FUSE (the toolkit's installscripts do it from the project's releases).\n", a.MountToolUsed())
	fmt.Fprintf(&b, "2. Install the keys, readable by root only: install -D -m 600 aws-credentials %s\n", AWSCredentialsPath)
	if !keysKnown(a) {
		fmt.Fprintf(&b, "   (The keys were not known: write %s yourself, as\n   [default] / aws_access_key_id = ... / aws_secret_access_key = ..., mode 0600.)\n", AWSCredentialsPath)
	}
	b.WriteString("3. Copy uploads already in a directory into its bucket first: a mount hides them.\n")
	b.WriteString("4. Mount now: sh mount.sh (it skips what is mounted already; run it again at boot).\n")
	b.WriteString(strayBucketsNote(a))
	return b.String()
}

package efs

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/assetwiz/assetwiz/internal/safefile"
	"github.com/assetwiz/assetwiz/internal/shellword"
	"github.com/assetwiz/assetwiz/internal/textfield"
	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// NFSOptions are the mount options the EFS mount helper itself uses for NFS 4.1
// (cloud-apis.md §4); the toolkit mounts with the same (adt-toolkit.md §2.3).
const NFSOptions = "nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport"

// SnippetMode is the mode of the snippet files: they hold no secret.
const SnippetMode = 0o644

// Snippet names, under output.snippets_dir.
const (
	FstabSnippet = "efs/fstab"
	MountSnippet = "efs/mount.sh"
)

// Mount is one file system mounted on the web servers.
type Mount struct {
	Directory    string
	FileSystemID string
}

// MountPoint is where a directory's file system is mounted: the webroot plus the directory.
func MountPoint(a *steps.Answers, directory string) string {
	return path.Join(a.Webroot, directory)
}

// DNSName is the file system's regional DNS name; it resolves to the mount target of the
// caller's zone when the VPC has DNS hostnames enabled.
func DNSName(fsID, region string) string {
	return fsID + ".efs." + region + ".amazonaws.com"
}

// SnippetPaths are the snippet files' paths as the plan names them.
func SnippetPaths(a *steps.Answers) []string {
	return []string{
		filepath.Join(a.Output.SnippetsDir, filepath.FromSlash(FstabSnippet)),
		filepath.Join(a.Output.SnippetsDir, filepath.FromSlash(MountSnippet)),
	}
}

// Fstab is the /etc/fstab lines for the mounts, with the efs-utils alternative commented.
func Fstab(a *steps.Answers, mounts []Mount) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# assetwiz: EFS file systems of %s (%s), one per asset directory.\n", textfield.OneLine(a.WebsiteURL), textfield.OneLine(a.EFS.Region))
	b.WriteString("# Append to /etc/fstab on every web server, create the mount points, then: mount -a -t nfs4\n")
	b.WriteString("# Needs the NFS client (nfs-common on Debian/Ubuntu, nfs-utils on RHEL/Amazon Linux) and\n")
	b.WriteString("# TCP 2049 open from the web servers to the mount targets' security groups.\n")
	b.WriteString("# The DNS names need DNS hostnames enabled in the VPC; without them, put the IP address of\n")
	b.WriteString("# the mount target in the web server's zone in place of the name.\n")
	for _, m := range mounts {
		mp := MountPoint(a, m.Directory)
		fmt.Fprintf(&b, "\n# /%s\n", textfield.OneLine(m.Directory))
		fmt.Fprintf(&b, "%s:/ %s nfs4 %s,_netdev 0 0\n", textfield.Fstab(DNSName(m.FileSystemID, a.EFS.Region)), textfield.Fstab(mp), NFSOptions)
		b.WriteString("# or, with amazon-efs-utils (encryption in transit), instead of the line above:\n")
		b.WriteString(textfield.OneLine(fmt.Sprintf("# %s:/ %s efs _netdev,noresvport,tls 0 0", textfield.Fstab(m.FileSystemID), textfield.Fstab(mp))) + "\n")
	}
	return b.String()
}

// MountScript is a shell script that mounts the file systems now, skipping those mounted.
func MountScript(a *steps.Answers, mounts []Mount) string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	fmt.Fprintf(&b, "# assetwiz: mounts the EFS file systems of %s (%s) on this web server.\n", textfield.OneLine(a.WebsiteURL), textfield.OneLine(a.EFS.Region))
	b.WriteString("# Run as root: sh mount.sh. For mounts that survive a reboot, use the fstab lines beside it.\n")
	b.WriteString("set -eu\n")
	for _, m := range mounts {
		mp := shellword.Quote(MountPoint(a, m.Directory))
		fmt.Fprintf(&b, "\n# /%s\n", textfield.OneLine(m.Directory))
		fmt.Fprintf(&b, "mkdir -p %s\n", mp)
		fmt.Fprintf(&b, "mountpoint -q %s || mount -t nfs4 -o %s %s %s\n", mp, NFSOptions, shellword.Quote(DNSName(m.FileSystemID, a.EFS.Region)+":/"), mp)
		b.WriteString("# or, with amazon-efs-utils (encryption in transit), instead of the line above:\n")
		b.WriteString(textfield.OneLine(fmt.Sprintf("# mountpoint -q %s || mount -t efs -o tls %s %s", mp, shellword.Quote(m.FileSystemID+":/"), mp)) + "\n")
	}
	return b.String()
}

// snippetFiles are the snippet files' paths and contents for the mounts.
func snippetFiles(a *steps.Answers, mounts []Mount) []snippetFile {
	paths := SnippetPaths(a)
	return []snippetFile{
		{path: paths[0], what: "fstab lines", content: Fstab(a, mounts)},
		{path: paths[1], what: "mount commands", content: MountScript(a, mounts)},
	}
}

type snippetFile struct {
	path, what, content string
}

// snippetActions plans the snippet files. mounts gives the file system ids once they are
// known: nil when some file system is still to be made, and then the content is made in Do.
func snippetActions(a *steps.Answers, known []Mount, later func() ([]Mount, error), after []string) ([]provision.Action, error) {
	placeholder := make([]Mount, 0, len(a.Directories))
	for _, d := range a.Directories {
		placeholder = append(placeholder, Mount{Directory: d})
	}
	var out []provision.Action
	for i, f := range snippetFiles(a, placeholder) {
		_, exists, _, err := readFile(a.Path(f.path), "")
		if err != nil {
			return nil, fmt.Errorf("file %s: %w", f.path, err)
		}
		act := provision.Action{Resource: provision.File, ID: f.path, After: after}
		dirs := plural(len(a.Directories), "directory", "directories")
		switch {
		case known != nil:
			f = snippetFiles(a, known)[i]
			_, _, upToDate, err := readFile(a.Path(f.path), f.content)
			if err != nil {
				return nil, fmt.Errorf("file %s: %w", f.path, err)
			}
			switch {
			case !exists:
				act.Op, act.Detail = provision.Create, fmt.Sprintf("EFS %s (%s), mode 0644", f.what, dirs)
			case upToDate:
				act.Op, act.Detail = provision.Noop, "EFS "+f.what+" up to date"
			default:
				act.Op, act.Detail = provision.Update, "EFS "+f.what+": content or mode changed"
			}
			content := f.content
			act.Do = func(context.Context) error { return writeSnippet(a.Path(f.path), content) }
		default:
			act.Op, act.Detail = provision.Create, fmt.Sprintf("EFS %s (%s), mode 0644, once the file systems are made", f.what, dirs)
			if exists {
				act.Op, act.Detail = provision.Update, "EFS "+f.what+", with the ids of the file systems to be made"
			}
			if later != nil {
				i := i
				act.Do = func(context.Context) error {
					mounts, err := later()
					if err != nil {
						return err
					}
					f := snippetFiles(a, mounts)[i]
					return writeSnippet(a.Path(f.path), f.content)
				}
			}
		}
		if act.Op == provision.Noop {
			act.Do = nil
		}
		out = append(out, act)
	}
	return out, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// readFile returns a file's content, and exists=false when there is none; upToDate says
// whether it already holds content with the snippets' mode.
func readFile(path, content string) (current string, exists, upToDate bool, err error) {
	current, mode, exists, err := safefile.Read(path)
	return current, exists, exists && current == content && mode == SnippetMode, err
}

// writeSnippet writes a snippet file atomically, making its folder (see safefile.Write).
func writeSnippet(path, content string) error {
	_, err := safefile.Write(path, content, SnippetMode)
	return err
}

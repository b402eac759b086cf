// Package snippets writes what the web servers need for the s3fs and plugin techniques into
// output.snippets_dir: for s3fs the mount the toolkit's build really makes (rclone, s3fs,
// goofys or geesefs: its config or credential files and a mount script, fstab lines for
// s3fs); for plugin the offload plugin's settings for the application. Every file is
// planned as create, update or noop against what is on disk, and written atomically.
package snippets

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/assetwiz/assetwiz/internal/safefile"
	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/override"
	"github.com/assetwiz/assetwiz/steps"
)

// Modes of the snippet files: the credential files hold the storage keys.
const (
	SecretMode fs.FileMode = 0o600
	PublicMode fs.FileMode = 0o644
)

// File is one snippet file: its path under output.snippets_dir ('/' separated), its mode
// and its content.
type File struct {
	Name    string
	Mode    fs.FileMode
	Content string
	// What says what the file is, for the plan.
	What string
}

// Set is the snippet files of the answers, with the warnings that go with them.
type Set struct {
	Files    []File
	Warnings []string
}

// Files renders the snippet files the answers ask for: none unless the technique is s3fs
// or plugin.
func Files(a *steps.Answers) Set {
	switch a.Technique {
	case steps.TechniqueS3fs:
		// The snippets follow the tool the toolkit's build really mounts with.
		switch a.MountToolUsed() {
		case steps.MountToolRclone:
			return rcloneFiles(a)
		case steps.MountToolGoofys, steps.MountToolGeesefs:
			return fuseToolFiles(a)
		}
		return s3fsFiles(a)
	case steps.TechniquePlugin:
		return pluginFiles(a)
	}
	return Set{}
}

// Backend plans the snippet files.
type Backend struct{}

// Plan compares each snippet file on disk with what it should hold.
func (Backend) Plan(_ context.Context, a *steps.Answers) (provision.Plan, error) {
	set := Files(a)
	p := provision.Plan{Warnings: set.Warnings}
	for _, f := range set.Files {
		path := filepath.Join(a.Output.SnippetsDir, filepath.FromSlash(f.Name))
		act, err := planFile(a.Path(path), path, f)
		if err != nil {
			return provision.Plan{}, err
		}
		p.Actions = append(p.Actions, act)
	}
	return p, nil
}

// planFile plans one snippet at path on disk, named id (the path as the answers give it).
func planFile(path, id string, f File) (provision.Action, error) {
	act := provision.Action{Resource: provision.File, ID: id}
	current, mode, exists, err := safefile.Read(path)
	if err != nil {
		return act, fmt.Errorf("file %s: %w", id, err)
	}
	switch {
	case !exists:
		act.Op, act.Detail = provision.Create, fmt.Sprintf("%s, mode %04o", f.What, f.Mode)
	case current == f.Content && mode == f.Mode:
		act.Op, act.Detail = provision.Noop, f.What+" up to date"
	case current == f.Content:
		act.Op, act.Detail = provision.Update, fmt.Sprintf("%s: mode %04o to %04o", f.What, mode, f.Mode)
	default:
		act.Op, act.Detail = provision.Update, f.What+": content changed"
	}
	if act.Op != provision.Noop {
		content, mode := f.Content, f.Mode
		// Written and synced while apply waits for the provider; Do, once the buckets are
		// made, only renames it into place. Apply runs Prepare before Do, never at once.
		var staged *safefile.Staged
		act.Prepare = func(context.Context) func() {
			staged, _ = safefile.Stage(path, content, mode, nil) // a failure is Do's to meet again and report
			if staged == nil {
				return nil
			}
			return staged.Discard
		}
		act.Do = func(context.Context) error {
			var err error
			if st := staged; st != nil {
				staged = nil // a retry writes the file whole
				if err = st.Commit(); errors.Is(err, safefile.ErrChanged) {
					err = WriteFile(path, content, mode) // a snippet is ours: replaced whatever it holds, as without staging
				}
			} else {
				err = WriteFile(path, content, mode)
			}
			if err != nil {
				return fmt.Errorf("file %s: %w", id, err)
			}
			return nil
		}
	}
	return act, nil
}

// WriteFile writes a snippet atomically with its mode (see safefile.Write).
func WriteFile(path, content string, mode fs.FileMode) error {
	_, err := safefile.Write(path, content, mode)
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// strayBucketsNote tells the user which empty buckets the current toolkit will try to make
// beside the ones it mounts (override.StrayBuckets), and to ignore or delete them; "" when none.
func strayBucketsNote(a *steps.Answers) string {
	strays := override.StrayBuckets(a)
	if len(strays) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\nStray buckets: before mounting a directory whose name has '_', the toolkit's web servers\n" +
		"also try to make a bucket whose name keeps the '_' (rclone mkdir, from\n" + override.StrayScript + ").\n" +
		"A provider that refuses '_' in bucket names refuses it (an error in the log); where one is\n" +
		"made, it stays empty and nothing uses it: ignore it or delete it.\n")
	for _, s := range strays {
		fmt.Fprintf(&b, "  %s  (for /%s, which mounts %s)\n", s.Name, s.Directory, s.Mounted)
	}
	return b.String()
}

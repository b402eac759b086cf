// Package snippets writes what the web servers need for the s3fs and plugin techniques into
// output.snippets_dir: for s3fs the credential files, the /etc/fstab lines and a mount
// script; for plugin the offload plugin's settings for the application. Every file is
// planned as create, update or noop against what is on disk, and written atomically.
package snippets

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/assetwiz/assetwiz/provision"
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
		act, err := planFile(path, f)
		if err != nil {
			return provision.Plan{}, err
		}
		p.Actions = append(p.Actions, act)
	}
	return p, nil
}

func planFile(path string, f File) (provision.Action, error) {
	act := provision.Action{Resource: provision.File, ID: path}
	current, mode, exists, err := read(path)
	if err != nil {
		return act, fmt.Errorf("file %s: %w", path, err)
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
		act.Do = func(context.Context) error {
			if err := WriteFile(path, content, mode); err != nil {
				return fmt.Errorf("file %s: %w", path, err)
			}
			return nil
		}
	}
	return act, nil
}

// read returns a file's content and permission bits; exists=false when there is none.
func read(path string) (content string, mode fs.FileMode, exists bool, err error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", 0, false, nil
	}
	if err != nil {
		return "", 0, false, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", 0, false, err
	}
	return string(data), st.Mode().Perm(), true, nil
}

// WriteFile replaces path's content atomically with the given mode (a reader sees the old
// file or the new one, never half of one), making its folder. The mode is set on the
// temporary file before any byte is written, so a key is never readable by others, not
// even for a moment. Nothing is written when content and mode are already as asked.
func WriteFile(path, content string, mode fs.FileMode) (err error) {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target // write through a symlink, not over it
	}
	if old, oldMode, exists, err := read(path); err != nil {
		return err
	} else if exists && old == content && oldMode == mode {
		return nil
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(mode); err != nil {
		return err
	}
	if _, err = tmp.WriteString(content); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// The rename is durable only once the folder is synced.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

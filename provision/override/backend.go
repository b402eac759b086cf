package override

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/assetwiz/assetwiz/internal/exportfile"
	"github.com/assetwiz/assetwiz/internal/safefile"
	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// Backend plans the override file: create it, update it, or leave it as it is.
type Backend struct {
	// NoSecrets leaves the secret exports' lines as they are.
	NoSecrets bool
}

// Desired is the override file's content after writing the answers' exports into it, with
// the current content and the warnings of rendering.
func Desired(a *steps.Answers, noSecrets bool) (current, desired string, exists bool, exports []Export, warnings []string, err error) {
	st, err := Load(a.Path(a.Output.OverrideFile))
	if err != nil {
		return "", "", false, nil, nil, fmt.Errorf("override file %w", err)
	}
	desired, exports, warnings = desiredFrom(a, noSecrets, st.Content)
	return st.Content, desired, st.Exists, exports, warnings, nil
}

func desiredFrom(a *steps.Answers, noSecrets bool, current string) (desired string, exports []Export, warnings []string) {
	exports, warnings = Exports(a, noSecrets)
	var keep []string
	if noSecrets {
		keep = SecretNames
	}
	return exportfile.Merge(current, exports, keep...), exports, warnings
}

// Plan compares the override file on disk with what it should hold: its content and its
// mode. A read-only file is refused here, before anything anywhere is changed.
func (b Backend) Plan(_ context.Context, a *steps.Answers) (provision.Plan, error) {
	var p provision.Plan
	path := a.Output.OverrideFile
	st, err := Load(a.Path(path))
	if err != nil {
		return p, fmt.Errorf("override file %w", err)
	}
	exports, warnings := Exports(a, b.NoSecrets)
	keep := b.keep()
	desired, err := merged(st.Content, exports, keep)
	if err != nil {
		return p, err // bad input: nothing is changed anywhere
	}
	p.Warnings = append(p.Warnings, warnings...)
	p.Warnings = append(p.Warnings, LeftBehind(a, path, st.Content, exports)...)
	if a.Technique != steps.TechniqueEFS && a.Toolkit == steps.ToolkitOriginal && exportfile.Read(desired)[steps.ExportEnableEFS] == "1" {
		// assetwiz writes ENABLE_EFS only for efs, so an earlier run's "1" stays unless removed.
		p.Warn("%s still has ENABLE_EFS=\"1\" (from an EFS setup): the toolkit would mount EFS instead of the buckets; remove that line or set it to \"0\"", path)
	}
	act := provision.Action{Resource: provision.File, ID: path}
	var details []string
	switch changed := exportfile.Changed(st.Content, desired, exports); {
	case !st.Exists:
		act.Op = provision.Create
		details = append(details, fmt.Sprintf("toolkit override exports (%d), mode 0600", len(exports)))
	case st.Content != desired:
		act.Op = provision.Update
		details = append(details, "merge: "+describeChange(changed))
	default:
		act.Op = provision.Noop
		details = append(details, "toolkit override exports up to date")
	}
	if st.Exists && st.Mode != FileMode {
		// The file holds the keys: a widened mode is fixed even when the exports are right.
		act.Op = provision.Update
		details = append(details, fmt.Sprintf("mode %04o → %04o", st.Mode, FileMode))
	}
	if st.Exists && st.Content != desired {
		details = append(details, "previous content kept as "+path+".bak")
	}
	act.Detail = strings.Join(details, "; ")
	if act.Op != provision.Noop {
		if err := st.Writable(a.Path(path), FileMode); err != nil {
			return provision.Plan{}, fmt.Errorf("override file %w", err)
		}
		act.Do = func(context.Context) error {
			_, err := writeExports(a.Path(path), &st, exports, keep)
			return err
		}
	}
	p.Actions = append(p.Actions, act)
	return p, nil
}

func (b Backend) keep() []string {
	if b.NoSecrets {
		return SecretNames
	}
	return nil
}

// WriteExports writes exports into the override file at path, as apply does: a new file is
// created; an existing one is merged (the exports' lines replaced in place, everything else
// left as it was; keep names the exports whose lines are left as they are), written
// atomically with the previous content kept as path.bak, and left with mode 0600. It reports
// whether it wrote (nothing is written when the file already holds the exports).
//
// Nothing is written when the file is not one assetwiz writes (a link, not a regular file,
// too large: the error wraps safefile.ErrSymlink, ErrNotRegular or ErrTooLarge) or cannot be
// merged (a steps.Problems naming the lines): both are bad input, see Refused.
func WriteExports(path string, exports []Export, keep ...string) (wrote bool, err error) {
	st, err := Load(path)
	if err != nil {
		return false, fmt.Errorf("override file %w", err)
	}
	return writeExports(path, &st, exports, keep)
}

// writeExports merges exports into the file as read in st and writes it, unless the file
// changed since st was read (an edit made after the plan is not overwritten).
func writeExports(path string, st *safefile.State, exports []Export, keep []string) (bool, error) {
	content, err := merged(st.Content, exports, keep)
	if err != nil {
		return false, err
	}
	wrote, err := WriteFile(path, content, st)
	if err != nil {
		return false, fmt.Errorf("override file %w", err)
	}
	return wrote, nil
}

// merged is content with the exports written into it; steps.Problems when a line to replace
// holds more than the one export.
func merged(content string, exports []Export, keep []string) (string, error) {
	if ps := Unmergeable(content, exports, keep...); len(ps) > 0 {
		return "", ps
	}
	return exportfile.Merge(content, exports, keep...), nil
}

// Refused reports whether err, from WriteExports or Plan, is about the file the user named
// rather than a failure to write it: a link, not a regular file, too large, or lines that
// cannot be merged. Nothing was written.
func Refused(err error) bool {
	var ps steps.Problems
	return errors.As(err, &ps) || errors.Is(err, safefile.ErrSymlink) || errors.Is(err, safefile.ErrNotRegular) || errors.Is(err, safefile.ErrTooLarge)
}

func describeChange(changed []string) string {
	if len(changed) == 0 {
		return "drops duplicate exports"
	}
	return "sets " + strings.Join(changed, ", ")
}

// Verify checks that the override file holds the planned exports, with the mode that keeps
// its keys to their owner.
func (b Backend) Verify(_ context.Context, a *steps.Answers) []provision.Check {
	path := a.Output.OverrideFile
	what := "override file " + path
	st, err := Load(a.Path(path))
	if err != nil {
		return []provision.Check{{Err: fmt.Errorf("override file %w", err)}}
	}
	if !st.Exists {
		return []provision.Check{provision.Fail(what, "missing")}
	}
	desired, exports, _ := desiredFrom(a, b.NoSecrets, st.Content)
	want, have := exportfile.Read(desired), exportfile.Read(st.Content)
	var out []provision.Check
	if st.Mode != FileMode {
		// It holds the keys: readable by others, it is a leak even with the right exports.
		out = append(out, provision.Fail(what, "mode %04o, want %04o (it holds the keys); run assetwiz apply, or chmod 600 %s", st.Mode, FileMode, path))
	}
	for _, e := range exports {
		if have[e.Name] == want[e.Name] {
			continue
		}
		why := fmt.Sprintf("is %q, want %q", have[e.Name], want[e.Name])
		if e.Secret {
			why = "differs from the keys in use"
		}
		if _, ok := have[e.Name]; !ok {
			why = "is missing"
		}
		out = append(out, provision.Fail(what, "%s %s", e.Name, why))
	}
	if len(out) == 0 {
		out = append(out, provision.Check{What: what, Detail: fmt.Sprintf("holds the %d planned exports, mode %04o", len(exports), FileMode)})
	}
	return out
}

package override

import (
	"context"
	"fmt"
	"strings"

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
	return Merge(current, exports, keep...), exports, warnings
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
	desired, exports, warnings := desiredFrom(a, b.NoSecrets, st.Content)
	var keep []string
	if b.NoSecrets {
		keep = SecretNames
	}
	if ps := Unmergeable(st.Content, exports, keep...); len(ps) > 0 {
		return p, ps // bad input: nothing is changed anywhere
	}
	p.Warnings = append(p.Warnings, warnings...)
	p.Warnings = append(p.Warnings, LeftBehind(a, path, st.Content, exports)...)
	if a.Technique != steps.TechniqueEFS && a.Toolkit == steps.ToolkitOriginal && steps.ReadExports(desired)[steps.ExportEnableEFS] == "1" {
		// assetwiz writes ENABLE_EFS only for efs, so an earlier run's "1" stays unless removed.
		p.Warn("%s still has ENABLE_EFS=\"1\" (from an EFS setup): the toolkit would mount EFS instead of the buckets; remove that line or set it to \"0\"", path)
	}
	act := provision.Action{Resource: provision.File, ID: path}
	var details []string
	switch changed := Changed(st.Content, desired, exports); {
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
			if _, err := WriteFile(a.Path(path), desired, &st); err != nil {
				return fmt.Errorf("override file %w", err)
			}
			return nil
		}
	}
	p.Actions = append(p.Actions, act)
	return p, nil
}

func describeChange(changed []string) string {
	if len(changed) == 0 {
		return "drops duplicate exports"
	}
	return "sets " + strings.Join(changed, ", ")
}

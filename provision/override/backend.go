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
	exports, warnings = Exports(a, noSecrets)
	current, exists, err = Read(a.Output.OverrideFile)
	if err != nil {
		return "", "", false, nil, nil, fmt.Errorf("override file %s: %w", a.Output.OverrideFile, err)
	}
	var keep []string
	if noSecrets {
		keep = SecretNames
	}
	return current, Merge(current, exports, keep...), exists, exports, warnings, nil
}

// Plan compares the override file on disk with what it should hold.
func (b Backend) Plan(_ context.Context, a *steps.Answers) (provision.Plan, error) {
	var p provision.Plan
	path := a.Output.OverrideFile
	current, desired, exists, exports, warnings, err := Desired(a, b.NoSecrets)
	if err != nil {
		return p, err
	}
	p.Warnings = append(p.Warnings, warnings...)
	p.Warnings = append(p.Warnings, LeftBehind(a, path, current, exports)...)
	if a.Technique != steps.TechniqueEFS && a.Toolkit == steps.ToolkitOriginal && steps.ReadExports(desired)[steps.ExportEnableEFS] == "1" {
		// assetwiz writes ENABLE_EFS only for efs, so an earlier run's "1" stays unless removed.
		p.Warn("%s still has ENABLE_EFS=\"1\" (from an EFS setup): the toolkit would mount EFS instead of the buckets; remove that line or set it to \"0\"", path)
	}
	act := provision.Action{Resource: provision.File, ID: path}
	switch changed := Changed(current, desired, exports); {
	case !exists:
		act.Op, act.Detail = provision.Create, fmt.Sprintf("toolkit override exports (%d), mode 0600", len(exports))
	case current == desired:
		act.Op, act.Detail = provision.Noop, "toolkit override exports up to date"
	default:
		act.Op, act.Detail = provision.Update, "merge: "+describeChange(changed)+"; previous content kept as "+path+".bak"
	}
	if act.Op != provision.Noop {
		act.Do = func(context.Context) error {
			if _, err := WriteFile(path, desired); err != nil {
				return fmt.Errorf("override file %s: %w", path, err)
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

// Package override renders the toolkit's override exports for the answers and writes them
// into the user's override file: in place, byte-preserving, atomically, with a .bak.
package override

import (
	"fmt"
	"sort"
	"strings"

	"github.com/assetwiz/assetwiz/presets"
	"github.com/assetwiz/assetwiz/steps"
)

// Export is one `export NAME="value"` line of the toolkit's override file.
type Export struct {
	Name   string
	Value  string
	Secret bool
}

// Line is the export as the toolkit reads it.
func (e Export) Line() string { return "export " + e.Name + `="` + e.Value + `"` }

// Exports are the toolkit exports for completed, valid answers, in the contract's order, for
// the answers' toolkit generation. With noSecrets the keys are left out; keys that are not
// known are left out too, with a warning, so that merging never blanks keys already in the
// file. The warnings also say, before anything is made, what the generation cannot do.
func Exports(a *steps.Answers, noSecrets bool) (exports []Export, warnings []string) {
	tk, _ := presets.FindToolkit(a.Toolkit)
	add := func(name, value string) { exports = append(exports, Export{Name: name, Value: value}) }

	flag, dirs := "0", ""
	if a.Offloaded() {
		flag = "1"
		parts := make([]string, len(a.Directories))
		for i, d := range a.Directories {
			parts[i] = strings.ReplaceAll(d, "/", tk.DirectorySeparator)
		}
		dirs = strings.Join(parts, ":")
	}
	add(tk.PersistExport, flag)
	add(steps.ExportDirectories, dirs)
	add(steps.ExportBuildArchive, a.BuildArchiveChoice())
	if tk.BuildChoice {
		// The generation takes the period from BUILD_CHOICE, not BUILD_ARCHIVE_CHOICE.
		add(steps.ExportBuildChoice, a.BuildChoice())
	}
	add(steps.ExportApplication, a.Application)
	add(steps.ExportWebsiteURL, a.WebsiteURL)

	if a.HasStorage() {
		p, _ := presets.FindProvider(a.Storage.Provider)
		if len(tk.DatastoreChoice) > 0 {
			if choice := tk.DatastoreChoice[p.Name]; choice != "" {
				add(steps.ExportDatastoreChoice, choice)
			} else if p.Name != "aws" || tk.AWS { // AWS without AWS support has its own warning
				warnings = append(warnings, fmt.Sprintf("the %s toolkit has no DATASTORE_CHOICE for %s (it knows %s): it is left out, so the template's own value stays; set it by hand if the build needs another",
					tk.Name, p.Title, strings.Join(sortedValues(tk.DatastoreChoice), ", ")))
			}
		}
		add(steps.ExportS3HostBase, a.HostBase())
		add(steps.ExportS3Location, S3Location(a, tk))
		if !noSecrets {
			keys := []Export{
				{Name: steps.ExportS3AccessKey, Value: a.Secrets.S3AccessKey, Secret: true},
				{Name: steps.ExportS3SecretKey, Value: a.Secrets.S3SecretKey, Secret: true},
			}
			for _, k := range keys {
				if k.Value == "" {
					warnings = append(warnings, k.Name+" is not set (environment, or the override file): its export is left out; set "+k.Name+" and run again to write it")
					continue
				}
				exports = append(exports, k)
			}
		}
	}
	if a.Technique == steps.TechniqueEFS && tk.EFS {
		add(steps.ExportEnableEFS, "1")
		if len(a.EFS.SubnetIDs) > 0 {
			add(steps.ExportSubnetID, a.EFS.SubnetIDs[0])
		}
	}
	return exports, append(warnings, GenerationWarnings(a, tk, exports)...)
}

// S3Location is S3_LOCATION: "US", which the toolkit's templates and validators accept for
// every provider, or "EU" for an AWS region in Europe with the original toolkit (its
// templates/aws/aws3.tmpl:13).
func S3Location(a *steps.Answers, tk presets.Toolkit) string {
	if tk.S3LocationEU && a.Storage.Provider == "aws" && strings.HasPrefix(a.Storage.Region, "eu-") {
		return "EU"
	}
	return "US"
}

func sortedValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// SecretNames are the exports that hold secrets.
var SecretNames = []string{steps.ExportS3AccessKey, steps.ExportS3SecretKey}

// Render is the exports as the lines of a fresh override file.
func Render(exports []Export) string {
	var b strings.Builder
	for _, e := range exports {
		b.WriteString(e.Line() + "\n")
	}
	return b.String()
}

// Merge writes the exports into an existing override file's content: each export's first
// line is replaced in place and its later duplicates dropped; exports the file lacks are
// appended. An owned line keeps its indentation and trailing comment; a line holding more
// than the export is left as it is (see Unmergeable). Every other byte stays as it was. The exports named in keep (the secrets under
// --no-secrets) are neither written nor removed.
func Merge(content string, exports []Export, keep ...string) string {
	value := map[string]string{}
	for _, e := range exports {
		value[e.Name] = e.Value
	}
	kept := map[string]bool{}
	for _, k := range keep {
		kept[k] = true
	}
	var b strings.Builder
	b.Grow(len(content) + 64*len(exports))
	done := map[string]bool{}
	for _, line := range strings.SplitAfter(content, "\n") {
		name, _, ok := steps.ParseExportLine(line)
		v, owned := value[name]
		if !ok || !owned || kept[name] {
			b.WriteString(line)
			continue
		}
		body := strings.TrimRight(line, "\r\n")
		parts := splitExportLine(body)
		if parts.other {
			b.WriteString(line) // never lose code: Unmergeable names such a line as bad input
			continue
		}
		if done[name] {
			continue // a later duplicate would override ours when the toolkit sources the file
		}
		done[name] = true
		b.WriteString(parts.indent + Export{Name: name, Value: v}.Line() + parts.rest + line[len(body):])
	}
	out := b.String()
	var missing []Export
	for _, e := range exports {
		if !done[e.Name] && !kept[e.Name] {
			missing = append(missing, e)
		}
	}
	if len(missing) > 0 && out != "" && !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	return out + Render(missing)
}

// Changed names the exports whose values differ between two override files' contents.
func Changed(before, after string, exports []Export) []string {
	old, cur := steps.ReadExports(before), steps.ReadExports(after)
	var out []string
	for _, e := range exports {
		ov, had := old[e.Name]
		if nv := cur[e.Name]; !had || ov != nv {
			out = append(out, e.Name)
		}
	}
	return out
}

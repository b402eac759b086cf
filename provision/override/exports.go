// Package override renders the toolkit's override exports for the answers and writes them
// into the user's override file: in place, byte-preserving, atomically, with a .bak.
package override

import (
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

// Exports are the toolkit exports for completed, valid answers, in the contract's order.
// With noSecrets the keys are left out; keys that are not known are left out too, with a
// warning, so that merging never blanks keys already in the file.
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
	add(steps.ExportApplication, a.Application)
	add(steps.ExportWebsiteURL, a.WebsiteURL)

	if a.HasStorage() {
		p, _ := presets.FindProvider(a.Storage.Provider)
		if tk.DatastoreChoice {
			if p.DatastoreChoice != "" {
				add(steps.ExportDatastoreChoice, p.DatastoreChoice)
			} else {
				warnings = append(warnings, "the classic toolkit has no DATASTORE_CHOICE for "+p.Title+"; it is left out, so set the toolkit's datastore by hand if it needs one")
			}
		}
		add(steps.ExportS3HostBase, a.HostBase())
		add(steps.ExportS3Location, "US") // the toolkit's templates and validator accept only US
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
	if a.CDN.Provider == steps.CDNCloudflare {
		add(steps.ExportDNSChoice, steps.CDNCloudflare)
	}
	return exports, warnings
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

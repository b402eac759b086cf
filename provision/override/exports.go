// Package override renders the toolkit's override exports for the answers and writes them
// into the user's override file: in place, byte-preserving, atomically, with a .bak.
package override

import (
	"fmt"
	"sort"
	"strings"

	"github.com/assetwiz/assetwiz/internal/exportfile"
	"github.com/assetwiz/assetwiz/presets"
	"github.com/assetwiz/assetwiz/steps"
)

// Export is one `export NAME="value"` line of the toolkit's override file; its syntax
// (quoting, reading back, merging) is exportfile's.
type Export = exportfile.Export

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
			var missing []string
			for _, k := range keys {
				if k.Value == "" {
					missing = append(missing, k.Name)
					continue
				}
				exports = append(exports, k)
			}
			// One warning for the keys, however many are missing: one cause, one line.
			switch len(missing) {
			case 1:
				warnings = append(warnings, missing[0]+": not set (environment, or the override file): its export is left out; set it and run again to write it")
			case 2:
				warnings = append(warnings, missing[0]+" and "+missing[1]+": not set (environment, or the override file): their exports are left out; set them and run again to write them")
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

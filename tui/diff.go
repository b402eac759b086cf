package tui

import (
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"

	"github.com/assetwiz/assetwiz/internal/exportfile"
	"github.com/assetwiz/assetwiz/provision/override"
	"github.com/assetwiz/assetwiz/steps"
)

// unifiedDiff is the unified diff of an override file, old lines before new as diff -u
// prints them, secrets masked on both sides.
func unifiedDiff(path, old, new string) string {
	return strings.TrimRight(udiff.Unified(path+" (now)", path+" (after apply)", maskSecrets(old), maskSecrets(new)), "\n")
}

// diffLines is the changed lines of the diff, without its file and hunk headers, for the
// short note under the override file's question.
func diffLines(old, new string) []string {
	var out []string
	for _, l := range strings.Split(unifiedDiff("", old, new), "\n") {
		if (strings.HasPrefix(l, "-") || strings.HasPrefix(l, "+")) && !strings.HasPrefix(l, "---") && !strings.HasPrefix(l, "+++") {
			out = append(out, l[:1]+" "+l[1:])
		}
	}
	return out
}

func maskSecrets(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = maskSecret(l)
	}
	return strings.Join(lines, "\n")
}

func maskSecret(line string) string {
	name, _, ok := exportfile.Parse(line)
	if ok && (name == steps.ExportS3AccessKey || name == steps.ExportS3SecretKey) {
		return "export " + name + "=(sensitive)"
	}
	return line
}

// exportsText is the review's exports view: the exact lines the override file will hold
// (a new file), or the unified diff of an existing one; secrets masked.
func exportsText(a steps.Answers) string {
	path := a.Output.OverrideFile
	current, desired, exists, _, _, err := override.Desired(&a, false)
	switch {
	case err != nil:
		return failStyle.Render("✗ " + err.Error())
	case !exists:
		return sectionStyle.Render(path+" will be made (mode 0600) with these lines:") + "\n" + strings.TrimRight(maskSecrets(desired), "\n")
	case current == desired:
		return path + " already holds these exports: it is left unchanged."
	}
	return sectionStyle.Render(path+" exists: assetwiz's exports are merged in, every other line kept:") + "\n" + unifiedDiff(path, current, desired)
}

// exportsNote is the line under the exports view: why S3_LOCATION is "US" wherever the
// buckets are, which reads wrong for a site in Europe. It is s3cmd's bucket_location, "US"
// in the toolkit's templates for every provider; the region is in the endpoint
// (adt-toolkit.md §1.2, §3.1). The view's own: render prints the exports only.
func exportsNote(a steps.Answers) string {
	_, desired, _, _, _, err := override.Desired(&a, false)
	exports := exportfile.Read(desired)
	if err != nil || exports[steps.ExportS3Location] != "US" {
		return ""
	}
	return "Note: " + steps.ExportS3Location + "=\"US\" is right for any region: it is s3cmd's bucket_location, \"US\" for every provider " +
		"in the toolkit's templates; the region comes from " + steps.ExportS3HostBase + " (" + exports[steps.ExportS3HostBase] + ")."
}

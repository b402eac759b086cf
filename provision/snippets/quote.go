package snippets

import "github.com/assetwiz/assetwiz/internal/textfield"

// Every value put into a snippet is validated first (steps.Validate: webroot, directories,
// bucket names, endpoint, region, keys); quoting for the format is the second wall, so that
// a value is data even if a check were to let something through.
var (
	fstabEscape = textfield.Fstab
	oneLine     = textfield.OneLine
)

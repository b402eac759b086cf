package snippets

import (
	"strings"
)

// Every value put into a snippet is validated first (steps.Validate: webroot, directories,
// bucket names, endpoint, region, keys); quoting for the format is the second wall, so that
// a value is data even if a check were to let something through.

// fstabEscape is s as one field of /etc/fstab: space, tab, newline and backslash in octal,
// as getmntent(3) reads them.
func fstabEscape(s string) string {
	return strings.NewReplacer(`\`, `\134`, " ", `\040`, "\t", `\011`, "\n", `\012`).Replace(s)
}

// oneLine is s for a line-based config (rclone's INI, s3fs's passwd file): a line break
// would start a new setting, so it is dropped (validation already refuses one in a key).
func oneLine(s string) string {
	return strings.NewReplacer("\r", "", "\n", "").Replace(s)
}

// Package textfield writes a value as one field of a line-based file (fstab, an INI line, a
// comment), so that no value can end its line or its field early. Values are validated first
// where they come from answers; this is the second wall.
package textfield

import "strings"

// The replacers are made once: building one costs more than using it, and a large site's
// fstab escapes a few fields a line, 200 lines.
var (
	fstabEscaper = strings.NewReplacer(`\`, `\134`, " ", `\040`, "\t", `\011`, "\n", `\012`)
	lineBreaks   = strings.NewReplacer("\r", "", "\n", "")
)

// Fstab is s as one field of /etc/fstab: space, tab, newline and backslash in octal, as
// getmntent(3) reads them.
func Fstab(s string) string { return fstabEscaper.Replace(s) }

// OneLine is s for a line-based setting or a comment (rclone's INI, s3fs's passwd file): a
// line break would start a new setting, or code, so it is dropped (validation already
// refuses one in a key).
func OneLine(s string) string { return lineBreaks.Replace(s) }

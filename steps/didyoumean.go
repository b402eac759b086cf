package steps

import "strings"

// didYouMean is "; did you mean X?" for a value a short edit away from one of the choices
// (digitalocen → digitalocean), else "" (editDistance: file.go): said by the check, so the wizard and Validate agree.
func didYouMean(v string, values []string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	best, bestD := "", 3
	for _, c := range values {
		if d := editDistance(v, strings.ToLower(c)); d < bestD && d <= max(1, len(c)/3) {
			best, bestD = c, d
		}
	}
	if best == "" || best == v {
		return ""
	}
	return "; did you mean " + best + "?"
}

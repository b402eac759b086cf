package tui

import (
	"strings"

	"github.com/assetwiz/assetwiz/steps"
)

// diffLines is a line diff of two small files: "- " removed, "+ " added, unchanged lines left
// out. Secret exports show no value.
func diffLines(old, new string) []string {
	a := strings.Split(strings.TrimSuffix(old, "\n"), "\n")
	b := strings.Split(strings.TrimSuffix(new, "\n"), "\n")
	// Longest common subsequence, table from the end.
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []string
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			i, j = i+1, j+1
		case j < len(b) && (i == len(a) || lcs[i][j+1] >= lcs[i+1][j]):
			out = append(out, "+ "+maskSecret(b[j]))
			j++
		default:
			out = append(out, "- "+maskSecret(a[i]))
			i++
		}
	}
	return out
}

func maskSecret(line string) string {
	name, _, ok := steps.ParseExportLine(line)
	if ok && (name == steps.ExportS3AccessKey || name == steps.ExportS3SecretKey) {
		return "export " + name + "=(sensitive)"
	}
	return line
}

package steps

import (
	"fmt"
	"strings"
)

// Reference is docs/answers.md: every answer of the table, by step, with its flag, its
// environment variable, its choices and its default. Generated; never edited by hand.
func Reference() string {
	var b strings.Builder
	b.WriteString("<!-- Generated from steps/table.go by `go generate ./steps`; do not edit. -->\n\n")
	b.WriteString("# The answers\n\n")
	b.WriteString("Every answer assetwiz takes, in the order the wizard asks them. Each can be given in the answers file\n" +
		"(`" + DefaultAnswersFile + "`, by its key), in the environment (`" + EnvPrefix + "` and the key in capitals, `.` as `_`;\n" +
		"lists comma-separated) or as a flag; a later source wins: defaults, an existing override file, the answers\n" +
		"file, the environment, flags, then the wizard. Secrets come only from the environment, the override file\n" +
		"or the wizard, and are never saved in the answers file.\n")
	for _, s := range Steps() {
		if len(s.Questions) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n## %s\n\n", s.Title)
		if s.Explain != nil {
			b.WriteString(strings.NewReplacer("<", `\<`, ">", `\>`).Replace(s.Explain(&Answers{Mode: ModeTemporal})) + "\n\n")
		}
		b.WriteString("| key | flag | environment | what | default |\n|---|---|---|---|---|\n")
		for _, q := range s.Questions {
			key, flag, env := "`"+q.Key+"`", "—", "`"+q.EnvName()+"`"
			if q.Flag != "" {
				flag = "`--" + q.Flag + "`"
			}
			if q.Kind == KindSecret {
				key = "(secret)"
			}
			what := q.Usage()
			if q.Advanced {
				what += " (not asked by the wizard)"
			}
			for _, r := range q.Rules {
				what += "; " + r.Says
			}
			def := q.DefaultDoc
			if def == "" {
				def = "—"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", key, flag, env, escapeCell(what), escapeCell(def))
		}
	}
	return b.String()
}

func escapeCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/override"
	"github.com/assetwiz/assetwiz/steps"
)

func (a *app) verifyCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check the live result: buckets, versioning, CDN rules, override file",
		Long: `Checks the live result: each bucket exists and round-trips a small object (put, get,
delete), versioning is as asked, the CDN rules exist as planned, the override file holds the
planned exports. Exit 0 when all hold, 1 otherwise, with one line per failure.`,
		Example: "  assetwiz verify -f assetwiz.yaml",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			loaded, err := a.loadAnswers(cmd)
			if err != nil {
				return err
			}
			ans := &loaded.Answers
			backends, err := a.backends(cmd, ans, false)
			if err != nil {
				return err
			}
			var failures []string
			for _, b := range backends {
				if v, ok := b.(provision.Verifier); ok {
					failures = append(failures, v.Verify(a.ctx, ans)...)
				}
			}
			failures = append(failures, verifyOverride(ans)...)
			backupFailures, err := a.verifyBackup(ans)
			if err != nil {
				return err
			}
			failures = append(failures, backupFailures...)
			if len(failures) > 0 {
				for _, f := range failures {
					fmt.Fprintln(a.stdout, "FAIL "+f)
				}
				return failure(errors.New(plural(len(failures), "check") + " failed; run assetwiz plan to see what apply would change"))
			}
			fmt.Fprintln(a.stdout, "OK: everything is as the answers ask")
			return nil
		},
	}
	addAnswerFlags(cmd)
	return cmd
}

// verifyOverride checks that the override file holds the planned exports.
func verifyOverride(ans *steps.Answers) []string {
	path := ans.Output.OverrideFile
	_, desired, exists, exports, _, err := override.Desired(ans, false)
	if err != nil {
		return []string{err.Error()}
	}
	if !exists {
		return []string{"override file " + path + ": missing"}
	}
	got := steps.ReadExports(desired)
	st, err := override.Load(ans.Path(path))
	if err != nil {
		return []string{"override file " + err.Error()}
	}
	have := steps.ReadExports(st.Content)
	var out []string
	if st.Mode != override.FileMode {
		// It holds the keys: readable by others, it is a leak even with the right exports.
		out = append(out, fmt.Sprintf("override file %s: mode %04o, want %04o (it holds the keys); run assetwiz apply, or chmod 600 %s", path, st.Mode, override.FileMode, path))
	}
	for _, e := range exports {
		if have[e.Name] != got[e.Name] {
			what := fmt.Sprintf("is %q, want %q", have[e.Name], got[e.Name])
			if e.Secret {
				what = "differs from the keys in use"
			}
			if _, ok := have[e.Name]; !ok {
				what = "is missing"
			}
			out = append(out, fmt.Sprintf("override file %s: %s %s", path, e.Name, what))
		}
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

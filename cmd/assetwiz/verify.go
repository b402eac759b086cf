package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/assetwiz/assetwiz/provision"
)

func (a *app) verifyCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check the live result: buckets, versioning, CDN rules, override file",
		Long: `Checks the live result: each bucket exists and round-trips a small object (put, get,
delete), versioning is as asked, the CDN rules exist as planned, the override file holds the
planned exports, the backup buckets are private and when their last backup finished. Exit 0
when all hold, 1 otherwise, with one line per failure on stdout; what was checked is listed
on stderr.`,
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
			var checks []provision.Check
			for _, b := range backends {
				if v, ok := b.(provision.Verifier); ok {
					checks = append(checks, v.Verify(a.ctx, ans)...)
				}
			}
			return a.reportChecks(checks)
		},
	}
	addAnswerFlags(cmd)
	return cmd
}

// reportChecks lists what was checked on stderr, one line each, and the failures on stdout,
// one "FAIL" line each (what scripts read), or the one OK line.
func (a *app) reportChecks(checks []provision.Check) error {
	if len(checks) > 0 {
		fmt.Fprintln(a.stderr, "Checked:")
		for _, c := range checks {
			fmt.Fprintln(a.stderr, "  "+c.String())
		}
	}
	failures := provision.Failures(checks)
	if len(failures) > 0 {
		for _, f := range failures {
			fmt.Fprintln(a.stdout, "FAIL "+f)
		}
		return failure(errors.New(plural(len(failures), "check") + " failed; run assetwiz plan to see what apply would change"))
	}
	fmt.Fprintln(a.stdout, "OK: everything is as the answers ask")
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

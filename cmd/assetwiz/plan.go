package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/override"
	"github.com/assetwiz/assetwiz/provision/snippets"
	"github.com/assetwiz/assetwiz/steps"
)

// PlanOptions are plan's flags, parsed.
type PlanOptions struct {
	app              *app
	Answers          answerOptions
	Offline          bool // --offline
	JSON             bool // --json
	DetailedExitCode bool // --detailed-exitcode
}

// NewCmdPlan is the plan command; runF, when given, runs instead of planRun (for tests).
func NewCmdPlan(a *app, runF func(*PlanOptions) error) *cobra.Command {
	opts := &PlanOptions{app: a}
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Preview what apply would do (changes nothing)",
		Long: `The dry-run preview. Reads the answers, looks at what exists (buckets, EFS, CDN rules,
files) and prints what apply would do, one line per action:

  + create    ~ update    = no change

It changes nothing anywhere. --offline skips every remote read and assumes no remote
resource exists yet; files are still compared with what is on disk.`,
		Example: `  assetwiz plan -f assetwiz.yaml
  assetwiz plan --offline --json | jq .summary
  assetwiz plan --detailed-exitcode; [ $? -eq 2 ] && echo "changes pending"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Answers = answerOptionsOf(cmd.Flags())
			if runF != nil {
				return runF(opts)
			}
			return planRun(opts)
		},
	}
	addAnswerFlags(cmd)
	cmd.Flags().BoolVar(&opts.Offline, "offline", false, "skip every remote read; assume no remote resource exists yet")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the plan as JSON")
	cmd.Flags().BoolVar(&opts.DetailedExitCode, "detailed-exitcode", false, "exit 2 when the plan has changes, 0 when it has none")
	return cmd
}

func planRun(opts *PlanOptions) error {
	a := opts.app
	a.offlineFlag = true
	loaded, err := a.loadAnswers(opts.Answers)
	if err != nil {
		return err
	}
	p, err := a.makePlan(&loaded.Answers, opts.Offline)
	if err != nil {
		return err
	}
	if opts.Offline {
		a.note("offline plan: nothing remote was read; it assumes no bucket, file system or CDN rule exists yet")
	}
	if opts.JSON {
		err = p.WriteJSON(a.stdout)
	} else {
		err = p.WriteText(a.stdout)
	}
	if err != nil {
		return failure(err)
	}
	if opts.DetailedExitCode && p.Changes() {
		return silentExit(exitChanges)
	}
	return nil
}

// makePlan plans with every backend: remote ones live or offline, then the files.
func (a *app) makePlan(ans *steps.Answers, offline bool) (provision.Plan, error) {
	backends, err := a.backends(ans, offline)
	if err != nil {
		return provision.Plan{}, err
	}
	p, err := provision.Make(a.ctx, ans, backends...)
	if ps := (steps.Problems{}); errors.As(err, &ps) {
		return p, badInput("%w", ps) // found in a file assetwiz reads (the override file)
	}
	if err != nil {
		return p, failure(err)
	}
	p.Offline = offline // never applied (provision.Gate)
	return p, nil
}

// backends are the planners of each kind of resource, in the order apply runs them:
// remote resources before the files that name them. Each remote kind has its own file
// (backend_*.go) that builds its live planner.
func (a *app) backends(ans *steps.Answers, offline bool) ([]provision.Backend, error) {
	var out []provision.Backend
	// Every missing key or token is named at once (the S3 keys and the Cloudflare token),
	// not one per run.
	var bad []error
	for _, backend := range []func(*steps.Answers, bool) (provision.Backend, error){a.bucketsBackend, a.backupBackend, a.efsBackend, a.cdnBackend} {
		b, err := backend(ans, offline)
		switch {
		case err != nil && exitCode(err) == exitBadInput:
			bad = append(bad, err)
		case err != nil:
			return nil, err
		}
		out = append(out, b)
	}
	if len(bad) > 0 {
		return nil, badInput("%w", errors.Join(bad...)) // one a line
	}
	return append(out, snippets.Backend{}, override.Backend{}), nil
}

package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/override"
)

// ApplyOptions are apply's flags, parsed and checked.
type ApplyOptions struct {
	app      *app
	Answers  answerOptions
	Yes      bool   // --yes
	JSON     bool   // --json
	Progress string // --progress: auto, plain or none
	DataLoss bool   // --i-understand-buckets-will-be-deleted
}

// NewCmdApply is the apply command; runF, when given, runs instead of applyRun (for tests).
func NewCmdApply(a *app, runF func(*ApplyOptions) error) *cobra.Command {
	opts := &ApplyOptions{app: a}
	cmd := &cobra.Command{
		Use:   "apply",
		Short: "Carry the plan out: buckets, EFS, CDN rules, then the files",
		Long: `Carries the plan out: makes the buckets (versioned: they hold the only copy of the
uploads), the EFS file systems, the CDN rules, then writes the override exports and the
snippets. Shows the plan and asks for confirmation on a terminal; --yes skips the question.
Re-running it after success changes nothing.

In mode baseline or virgin, when the site's asset buckets already exist and hold objects, the
plan warns that a baseline build of the toolkit deletes them with every upload in them, and
apply refuses to run (exit 64) unless --i-understand-buckets-will-be-deleted is given as well;
--yes alone is not enough. When those buckets cannot be read (no keys, a provider error), the
guard fails closed: apply exits 1 saying why and changes nothing, unless the same flag is given.`,
		Example: `  assetwiz apply -f assetwiz.yaml
  assetwiz apply --yes -f assetwiz.yaml   # in CI`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkProgress(opts.Progress); err != nil {
				return err
			}
			opts.Answers = answerOptionsOf(cmd.Flags())
			if runF != nil {
				return runF(opts)
			}
			return applyRun(opts)
		},
	}
	addAnswerFlags(cmd)
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "apply without asking for confirmation")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the result of each action as JSON on stdout")
	cmd.Flags().StringVar(&opts.Progress, "progress", "auto", "progress on stderr: auto (a line per action), plain (timestamped, for CI logs) or none")
	cmd.Flags().BoolVar(&opts.DataLoss, dataLossFlag, false, "confirm the plan's data-loss warning: existing asset buckets holding uploads, which a baseline or virgin build of the toolkit deletes")
	return cmd
}

func applyRun(opts *ApplyOptions) error {
	a := opts.app
	// The answers first: in an empty folder, "there are no answers" is the news, not --yes.
	loaded, err := a.loadAnswers(opts.Answers)
	if err != nil {
		return err
	}
	if !opts.Yes && !a.env.IsTerminal() {
		return badInput("apply needs confirmation: run it on a terminal, or add --yes to apply without asking")
	}
	p, err := a.makePlan(&loaded.Answers, false)
	if err != nil {
		return err
	}
	consent := provision.Consent{DataLoss: opts.DataLoss}
	p.WriteText(a.stderr)
	if err := provision.Gate(p, consent); err != nil {
		return gateRefusal(err)
	}
	if !p.Changes() {
		return a.writeApplyJSON(opts.JSON, provision.Result{Actions: p.Actions, Status: doneAll(p)})
	}
	if !opts.Yes {
		ok, err := a.confirm("Apply this plan?")
		if err != nil || !ok {
			a.note("nothing was changed")
			return silentExit(exitInterrupted)
		}
	}
	log := a.progressLog(opts.Progress)
	// The one gate, which the wizard's Apply goes through as well.
	res, err := provision.ApplyGated(a.ctx, p, consent, provision.ApplyOptions{OnEvent: log})
	if err != nil {
		return gateRefusal(err)
	}
	if err := a.writeApplyJSON(opts.JSON, res); err != nil {
		return err
	}
	if err := a.applyOutcome(res); err != nil {
		return err
	}
	// Where this generation reads the override, and what its build then does.
	fmt.Fprintln(a.stderr, "Next steps:")
	for _, step := range override.NextSteps(&loaded.Answers) {
		fmt.Fprintln(a.stderr, "  - "+step)
	}
	return nil
}

// checkProgress refuses a --progress other than auto, plain or none (apply, sync, backup).
func checkProgress(style string) error {
	switch style {
	case "auto", "plain", "none":
		return nil
	}
	return badInput("--progress %s: use auto, plain or none", style)
}

// dataLossFlag confirms a plan's DataLoss; --yes does not.
const dataLossFlag = "i-understand-buckets-will-be-deleted"

// gateRefusal is the exit of a plan the gate (provision.Gate) refused: a data-loss warning
// is bad input (64); a guard that could not look is a failure to read a provider (1).
func gateRefusal(err error) error {
	var loss *provision.DataLossError
	var unread *provision.GuardUnreadError
	switch {
	case errors.As(err, &loss):
		return badInput("%w: read the warning above; to go ahead all the same, add --%s", err, dataLossFlag)
	case errors.As(err, &unread):
		return failure(fmt.Errorf("%w: a %s build may delete them with every upload in them, so nothing was changed. "+
			"Make them readable (the keys, the provider) and run apply again, or add --%s to go ahead all the same", err, "baseline or virgin", dataLossFlag))
	}
	return failure(err)
}

// progressLog prints apply's progress on stderr in the chosen style. Retries are shown in
// every style but none, so a slow apply says why it is slow.
func (a *app) progressLog(style string) func(provision.Event) {
	if style == "none" {
		return nil
	}
	stamp := func() string {
		if style == "plain" {
			return time.Now().UTC().Format("15:04:05 ")
		}
		return "  "
	}
	return func(e provision.Event) {
		what := fmt.Sprintf("%s %s", e.Action.Resource, e.Action.ID)
		switch e.Status {
		case provision.Running:
			if style == "plain" {
				fmt.Fprintf(a.stderr, "%sstart  %s\n", stamp(), what)
			}
		case provision.Retrying:
			fmt.Fprintf(a.stderr, "%sretry  %s in %s (try %d failed: %v)\n", stamp(), what, e.Wait.Round(time.Millisecond), e.Attempt, e.Err)
		case provision.Done:
			fmt.Fprintf(a.stderr, "%s✓ %s\n", stamp(), what)
		case provision.Skipped:
			fmt.Fprintf(a.stderr, "%s⚠ %s: %v\n", stamp(), what, e.Err)
		case provision.Failed:
			fmt.Fprintf(a.stderr, "%s✗ %s\n", stamp(), e.Err)
		}
	}
}

// doneAll is the result of a plan with nothing to do.
func doneAll(p provision.Plan) []provision.Status {
	out := make([]provision.Status, len(p.Actions))
	for i := range out {
		out[i] = provision.Done
	}
	return out
}

// writeApplyJSON prints the result of each action for scripts, when --json is given.
func (a *app) writeApplyJSON(asJSON bool, res provision.Result) error {
	if !asJSON {
		return nil
	}
	type actionJSON struct {
		Resource provision.Resource `json:"resource"`
		ID       string             `json:"id"`
		Op       provision.Op       `json:"op"`
		Status   provision.Status   `json:"status"`
		Error    string             `json:"error,omitempty"`
	}
	out := struct {
		FormatVersion string         `json:"format_version"`
		Interrupted   bool           `json:"interrupted"`
		Actions       []actionJSON   `json:"actions"`
		Summary       map[string]int `json:"summary"`
	}{FormatVersion: "1", Interrupted: res.Interrupted, Actions: []actionJSON{}, Summary: map[string]int{"done": 0, "failed": 0, "not_started": 0, "skipped": 0}}
	for i, act := range res.Actions {
		j := actionJSON{Resource: act.Resource, ID: act.ID, Op: act.Op, Status: res.Status[i]}
		if res.Errs != nil && res.Errs[i] != nil {
			j.Error = res.Errs[i].Error()
		}
		out.Actions = append(out.Actions, j)
		if act.Op == provision.Noop {
			continue
		}
		switch res.Status[i] {
		case provision.Done:
			out.Summary["done"]++
		case provision.Failed:
			out.Summary["failed"]++
		case provision.Skipped:
			out.Summary["skipped"]++
		default:
			out.Summary["not_started"]++
		}
	}
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return failure(err)
	}
	return nil
}

// applyOutcome summarises apply and gives its exit code.
func (a *app) applyOutcome(res provision.Result) error {
	counts := res.Count()
	if res.Interrupted {
		fmt.Fprintf(a.stderr, "Interrupted: %d done, %d failed, %d not started:\n", counts[provision.Done], counts[provision.Failed], counts[provision.NotStarted])
		for i, s := range res.Status {
			if s == provision.NotStarted && res.Actions[i].Op != provision.Noop {
				fmt.Fprintf(a.stderr, "  - %s %s\n", res.Actions[i].Resource, res.Actions[i].ID)
			}
		}
		fmt.Fprintln(a.stderr, "Every file is either as it was or complete. Run apply again to finish.")
		return silentExit(exitInterrupted)
	}
	if res.GraphErr != nil {
		return failure(res.GraphErr)
	}
	if err := res.Err(); err != nil {
		fmt.Fprintf(a.stderr, "Apply failed: %d done, %d failed, %d not started. Fix the cause and run apply again: it carries on where this run stopped.\n",
			counts[provision.Done], counts[provision.Failed], counts[provision.NotStarted])
		return failure(err)
	}
	skipped := ""
	if n := counts[provision.Skipped]; n > 0 {
		skipped = fmt.Sprintf(", %d skipped (not offered by the provider)", n)
	}
	fmt.Fprintf(a.stderr, "Apply complete: %s made%s.\n", plural(counts[provision.Done], "change"), skipped)
	return nil
}

// confirm asks a yes/no question on the terminal.
func (a *app) confirm(question string) (bool, error) {
	fmt.Fprintf(a.stderr, "%s [y/N] ", question)
	line, err := bufio.NewReader(a.env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return false, errors.New("no answer")
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

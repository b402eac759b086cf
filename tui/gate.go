package tui

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/explain"
	"github.com/assetwiz/assetwiz/steps"
)

// The review of both wizards, decided here once: what it says first, which choices it offers
// and which one Enter takes. Applying goes through provision.ApplyGated, the gate of
// `assetwiz apply`: only the live plan, and a data-loss plan only with the site's host typed.

type planMsg struct {
	plan provision.Plan // the live plan: the only one that can be applied
	// preview is the offline plan, shown when the live one failed; never applied.
	preview  *provision.Plan
	err      error // the live plan failed: it could not read a provider
	problems steps.Problems
}

var errNoPlanner = errors.New("planning against the providers is not available")

// makePlan plans the answers live; when that fails, the offline plan is kept as a preview.
func makePlan(ctx context.Context, opt Options, a steps.Answers) planMsg {
	a.Complete()
	if ps := a.Validate(); len(ps) > 0 {
		return planMsg{problems: ps}
	}
	err := errNoPlanner
	if opt.Plan != nil {
		p, perr := opt.Plan(ctx, &a)
		if perr == nil {
			return planMsg{plan: p}
		}
		err = perr
	}
	msg := planMsg{err: err}
	if opt.OfflinePlan != nil {
		if p, oerr := opt.OfflinePlan(ctx, &a); oerr == nil {
			p.Offline = true // the gate refuses it, whoever hands it on
			msg.preview = &p
		}
	}
	return msg
}

// The review's choices.
const (
	choiceApply   = "apply"
	choiceSave    = "save"
	choiceExports = "exports"
	choiceBack    = "back"
	choiceQuit    = "quit"
	choiceRetry   = "retry"
	choiceKeys    = "keys"
)

// reviewed is what the review shows for a plan: a banner first, then the plan, then the
// choices, with the one Enter takes.
type reviewed struct {
	banner string // first on the review: a plan that could not read, DATA LOSS, nothing to do
	title  string // what body is
	body   string // the plan as `assetwiz plan` prints it, or the offline preview
	items  []item
	def    int // the choice Enter takes
}

// review decides the review of a plan.
func (w *wizard) review(msg planMsg) reviewed {
	r := reviewed{title: "The plan (as `assetwiz plan` prints it):"}
	add := func(id, label string) { r.items = append(r.items, item{id, label}) }
	save := func() { add(choiceSave, "Save the answers to "+w.opt.AnswersPath+" and quit") }
	exports := func() { add(choiceExports, "Show the exports for "+w.ans.Output.OverrideFile) }
	keys := func() {
		if _, ok := w.keysQuestion(msg); ok {
			add(choiceKeys, "Edit the keys")
		}
	}
	host := w.ans.WebsiteURL
	switch {
	case len(msg.problems) > 0:
		var b strings.Builder
		b.WriteString(failStyle.Render("These answers cannot be planned yet; go back and fix them:") + "\n")
		for _, p := range msg.problems {
			b.WriteString("  " + p.String() + "\n")
		}
		r.body = b.String()
		add(choiceBack, "Go back to a step")
		add(choiceQuit, "Quit without saving")
		return r
	case msg.err != nil:
		head := "✗ The plan could not read a provider:"
		if causes := strings.Split(explain.Line(msg.err, w.opt.Debug), "\n"); len(causes) > 1 {
			// One cause a line, each an entry of its own (a continuation wraps under its text),
			// styled line by line so that the indent stays in front of the style.
			r.banner = failStyle.Render(head) + "\n"
			for i, c := range causes {
				if i == len(causes)-1 {
					c += "."
				}
				r.banner += "  " + failStyle.Render(c) + "\n"
			}
		} else {
			r.banner = failStyle.Render(head+" "+causes[0]+".") + "\n"
		}
		r.banner += "Nothing can be applied until it can: retry, edit the keys, or save the answers and run `assetwiz apply` later."
		r.title = ""
		if msg.preview != nil {
			r.title = "Offline preview (nothing remote was read: it assumes no bucket, file system or CDN rule exists yet; it cannot be applied):"
			preview := *msg.preview
			preview.Warnings = saidAbove(preview.Warnings, msg.err.Error())
			var b strings.Builder
			preview.WriteText(&b)
			r.body = b.String()
		}
		add(choiceRetry, "Retry")
		keys()
		save()
		exports()
		add(choiceBack, "Go back to a step")
		add(choiceQuit, "Quit without saving")
		return r
	}
	var b strings.Builder
	msg.plan.WriteText(&b)
	r.body = b.String()
	p := msg.plan
	apply := "Apply this plan"
	if p.NeedsConsent() {
		apply = "Apply this plan (you type " + host + " to confirm)"
	}
	switch {
	case len(p.DataLoss) > 0:
		r.banner = dataLossBanner(w.ans, p)
		add(choiceBack, "Go back to a step (change the mode)")
		save()
		exports()
		if !w.opt.DryRun {
			add(choiceApply, apply)
		}
		add(choiceQuit, "Quit without saving")
	case len(p.GuardUnread) > 0:
		r.banner = dangerStyle.Render("DATA LOSS NOT RULED OUT:") + " " + fmt.Sprintf("a %s build of the toolkit for %s deletes the site's asset buckets "+
			"with every upload in them, and assetwiz could not look whether they hold any: %s.", w.ans.Mode, host, strings.Join(p.GuardUnread, "; ")) + "\n" +
			"Retry, edit the keys, or apply all the same by typing " + host + "."
		add(choiceRetry, "Retry")
		keys()
		save()
		exports()
		add(choiceBack, "Go back to a step")
		if !w.opt.DryRun {
			add(choiceApply, apply)
		}
		add(choiceQuit, "Quit without saving")
	case !p.Changes():
		r.banner = okStyle.Render("Nothing to do: everything already is as the answers ask.")
		save()
		exports()
		add(choiceBack, "Go back to a step")
		add(choiceQuit, "Quit without saving")
	default:
		if !w.opt.DryRun {
			add(choiceApply, apply)
		}
		save()
		exports()
		add(choiceBack, "Go back to a step")
		add(choiceQuit, "Quit without saving")
	}
	return r
}

// dataLossBanner names each bucket a build deletes, with what it holds.
func dataLossBanner(a steps.Answers, p provision.Plan) string {
	var b strings.Builder
	b.WriteString(dangerStyle.Render("DATA LOSS:") + " " + fmt.Sprintf("a %s build of the toolkit for %s deletes these buckets, with every upload in them:", a.Mode, a.WebsiteURL) + "\n")
	const shown = 3 // a long list would push the plan out of sight
	for i, name := range p.DataLoss {
		if i == shown && len(p.DataLoss) > shown+1 {
			fmt.Fprintf(&b, "  and %d more buckets (listed in the plan's warnings)\n", len(p.DataLoss)-shown)
			break
		}
		fmt.Fprintf(&b, "  %s  %s\n", dangerStyle.Render(name), objectCount(p, name))
	}
	b.WriteString("Copy the uploads elsewhere first, or go back and choose mode temporal. Apply asks you to type " + a.WebsiteURL + ".")
	return b.String()
}

func objectCount(p provision.Plan, bucket string) string {
	n, ok := p.DataLossObjects[bucket]
	switch {
	case !ok:
		return "holds objects"
	case n >= provision.DataLossCountCap:
		return fmt.Sprintf("holds at least %d objects", n)
	case n == 1:
		return "holds 1 object"
	}
	return fmt.Sprintf("holds %d objects", n)
}

// keysQuestion is where "Edit the keys" goes: the Cloudflare token when the failure is
// Cloudflare's, else the storage keys, when their step is asked.
func (w *wizard) keysQuestion(msg planMsg) (place, bool) {
	env := steps.ExportS3AccessKey
	if msg.err != nil && strings.Contains(strings.ToLower(msg.err.Error()), "cloudflare") {
		env = steps.ExportCloudflareToken
	}
	for s, st := range w.steps {
		if !st.AppliesTo(&w.ans) {
			continue
		}
		for q, question := range st.Questions {
			if question.Kind == steps.KindSecret && question.Env == env && question.Asked(&w.ans) {
				return place{s, q}, true
			}
		}
	}
	return place{}, false
}

// hostConfirms reports whether what the user typed is the site's host (case folded, as a
// host is), the confirmation a data-loss plan needs.
func hostConfirms(typed, host string) bool {
	return host != "" && strings.EqualFold(strings.TrimSpace(typed), host)
}

// consentFor is the gate's consent for what the user typed (nothing: no consent).
func consentFor(typed string, a steps.Answers) provision.Consent {
	return provision.Consent{DataLoss: hostConfirms(typed, a.WebsiteURL)}
}

// notSet finds the variables an error says are not set ("S3_ACCESS_KEY and S3_SECRET_KEY:
// not set; …"): the keys the plan could not read a provider without.
var notSet = regexp.MustCompile(`(?m)^\s*([A-Z][A-Z0-9_]+(?:(?:, | and )[A-Z][A-Z0-9_]+)*): not set`)

var varName = regexp.MustCompile(`[A-Z][A-Z0-9_]+`)

// saidAbove leaves out the preview's warnings about variables the banner already says are
// not set: one line a cause (the offline plan's "S3_ACCESS_KEY and S3_SECRET_KEY: not set
// …: their exports are left out" under the banner's "S3_ACCESS_KEY and S3_SECRET_KEY: not set").
func saidAbove(warnings []string, banner string) []string {
	said := map[string]bool{}
	for _, m := range notSet.FindAllStringSubmatch(banner, -1) {
		for _, name := range varName.FindAllString(m[1], -1) {
			said[name] = true
		}
	}
	var out []string
	for _, w := range warnings {
		if m := notSet.FindStringSubmatch(w); m != nil && allSaid(varName.FindAllString(m[1], -1), said) {
			continue
		}
		out = append(out, w)
	}
	return out
}

func allSaid(names []string, said map[string]bool) bool {
	for _, n := range names {
		if !said[n] {
			return false
		}
	}
	return len(names) > 0
}

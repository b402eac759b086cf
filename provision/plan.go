// Package provision plans and applies what the answers ask for: buckets, EFS file systems,
// CDN rules and files. A Plan is a list of Actions, each create, update or noop; the backends
// (sub-packages, one per kind of resource) fill it and carry their actions out.
package provision

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/assetwiz/assetwiz/steps"
)

// Op is what an action does to its resource.
type Op string

// The ops of a plan.
const (
	Create Op = "create"
	Update Op = "update"
	Noop   Op = "noop"
	// Delete removes only what assetwiz made and no longer needs (its own public-read
	// statement when a site leaves the plugin technique), never anything else.
	Delete Op = "delete"
)

// Resource is the kind of thing an action is about (CONTRACT.md "Plan JSON").
type Resource string

// The resources assetwiz manages.
const (
	Bucket           Resource = "bucket"
	BucketVersioning Resource = "bucket_versioning"
	BucketLifecycle  Resource = "bucket_lifecycle"
	BucketCORS       Resource = "bucket_cors"
	BucketPolicy     Resource = "bucket_policy"
	EFSFileSystem    Resource = "efs_file_system"
	EFSMountTarget   Resource = "efs_mount_target"
	CacheRule        Resource = "cache_rule"
	PageRule         Resource = "page_rule"
	DNSRecord        Resource = "dns_record"
	OriginRule       Resource = "origin_rule"
	File             Resource = "file"
)

// Action is one step of a plan.
type Action struct {
	Resource Resource `json:"resource"`
	ID       string   `json:"id"`
	Op       Op       `json:"op"`
	Detail   string   `json:"detail"`

	// After names the actions (by Key) that must be done before this one.
	After []string `json:"-"`
	// Do carries the action out; nil for a noop.
	Do func(ctx context.Context) error `json:"-"`
	// Prepare, when set, readies ahead what Do needs while the actions it comes After are
	// under way (a file's new version written and synced beside it, so that Do only renames
	// it). Apply runs it at the start and Do only after it; Do must work whether Prepare did
	// or not. When Do will never run (a failure before it, an interruption) Apply calls the
	// undo Prepare returned (nil: nothing to undo).
	Prepare func(ctx context.Context) (undo func()) `json:"-"`
}

// Key identifies an action within a plan.
func (a Action) Key() string { return string(a.Resource) + "/" + a.ID }

// Plan is what apply would do.
type Plan struct {
	Actions  []Action
	Warnings []string
	// DataLoss names what may be lost if the plan is carried out (such as buckets that hold
	// uploads and that a baseline build deletes); apply needs an explicit confirmation for it,
	// beyond --yes. Its warnings are in Warnings.
	DataLoss []string
	// DataLossObjects counts, per bucket of DataLoss, the object versions it holds (at most
	// DataLossCountCap: more reads as "at least").
	DataLossObjects map[string]int
	// GuardUnread says why the data-loss guard could not look at buckets a build may delete:
	// the guard then fails closed (Gate), as for DataLoss. Its warnings are in Warnings.
	GuardUnread []string
	// Offline: the plan read nothing remote (plan --offline, or the wizard's preview when the
	// live plan failed). It is never applied (Gate).
	Offline bool
}

// DataLossCountCap bounds the counting of a data-loss bucket's objects (a page of 1000 per
// request): enough to tell a test upload from a site's uploads.
const DataLossCountCap = 10000

// Add appends actions and warnings of another plan.
func (p *Plan) Add(other Plan) {
	p.Actions = append(p.Actions, other.Actions...)
	p.Warnings = append(p.Warnings, other.Warnings...)
	p.DataLoss = append(p.DataLoss, other.DataLoss...)
	p.GuardUnread = append(p.GuardUnread, other.GuardUnread...)
	p.Offline = p.Offline || other.Offline
	for k, n := range other.DataLossObjects {
		if p.DataLossObjects == nil {
			p.DataLossObjects = map[string]int{}
		}
		p.DataLossObjects[k] = n
	}
}

// Warn adds a warning.
func (p *Plan) Warn(format string, args ...any) {
	p.Warnings = append(p.Warnings, fmt.Sprintf(format, args...))
}

// Changes reports whether applying the plan would change anything.
func (p Plan) Changes() bool {
	for _, a := range p.Actions {
		if a.Op != Noop {
			return true
		}
	}
	return false
}

// Summary counts the actions by op.
type Summary struct {
	Create int `json:"create"`
	Update int `json:"update"`
	Noop   int `json:"noop"`
	Delete int `json:"delete,omitempty"`
}

// Summary counts the plan's actions by op.
func (p Plan) Summary() Summary {
	var s Summary
	for _, a := range p.Actions {
		switch a.Op {
		case Create:
			s.Create++
		case Update:
			s.Update++
		case Delete:
			s.Delete++
		default:
			s.Noop++
		}
	}
	return s
}

// Backend plans one kind of resource. The offline backends assume nothing remote exists.
type Backend interface {
	Plan(ctx context.Context, a *steps.Answers) (Plan, error)
}

// RemoteBackend is a Backend that reads a provider (S3, EFS, Cloudflare). Make asks every
// remote backend at once, so that their round trips overlap (the buckets' reads beside the
// CDN's zone and rules), and the others after them. Each plans on its own copy of the
// answers, unless it is a Completer.
type RemoteBackend interface {
	Backend
	ReadsProvider()
}

// Completer is a remote backend that completes the answers for the backends after it (the
// Cloudflare backend names the CDN host its zone gives, which the files hold): it plans on
// the answers themselves. At most one backend of a plan may be one.
type Completer interface {
	CompletesAnswers()
}

// Make asks each backend for its part of the plan: the remote ones at once, then the others
// one after another (the files name what the remote ones found, such as the CDN host the
// zone gives), and puts the parts together in the order given. The first error in that
// order is the plan's.
func Make(ctx context.Context, a *steps.Answers, backends ...Backend) (Plan, error) {
	parts := make([]Plan, len(backends))
	errs := make([]error, len(backends))
	plan := func(i int, a *steps.Answers) {
		// Planning only reads, so a backend busy in a loop can be left behind on Ctrl-C.
		parts[i], errs[i] = Interruptible(ctx, func() (Plan, error) { return backends[i].Plan(ctx, a) })
	}
	// The copies are made before any remote backend starts: a Completer changes the answers'
	// fields meanwhile; what they point to is only read.
	on := make([]*steps.Answers, len(backends)) // nil: not remote, planned after
	for i, b := range backends {
		if _, remote := b.(RemoteBackend); !remote {
			continue
		}
		on[i] = a
		if _, completes := b.(Completer); !completes {
			own := *a
			on[i] = &own
		}
	}
	var wg sync.WaitGroup
	for i := range backends {
		if on[i] != nil {
			wg.Go(func() { plan(i, on[i]) })
		}
	}
	wg.Wait()
	var p Plan
	for i := range backends {
		if on[i] == nil {
			plan(i, a)
		}
		if errs[i] != nil {
			return Plan{}, errs[i]
		}
		p.Add(parts[i])
	}
	if p.Warnings == nil {
		p.Warnings = []string{}
	}
	filesAfterRemote(p.Actions)
	return p, nil
}

// filesAfterRemote makes every file wait for every remote action: a file names buckets, file
// systems and rules, and must not be written for resources that failed to appear.
func filesAfterRemote(actions []Action) {
	var remote []string
	for _, a := range actions {
		if a.Resource != File {
			remote = append(remote, a.Key())
		}
	}
	remote = slices.Clip(remote) // shared read-only: an append to one file's After copies it
	for i := range actions {
		if actions[i].Resource != File {
			continue
		}
		if len(actions[i].After) == 0 {
			actions[i].After = remote // one list for every file, not a copy each (n files × m remote)
		} else {
			actions[i].After = append(actions[i].After, remote...)
		}
	}
}

// planJSON is the contract's shape of `plan --json`.
type planJSON struct {
	FormatVersion string   `json:"format_version"`
	Changes       bool     `json:"changes"`
	Actions       []Action `json:"actions"`
	Summary       Summary  `json:"summary"`
	Warnings      []string `json:"warnings"`
}

// WriteJSON writes the plan as the contract's JSON.
func (p Plan) WriteJSON(w io.Writer) error {
	out := planJSON{FormatVersion: "1", Changes: p.Changes(), Actions: p.Actions, Summary: p.Summary(), Warnings: p.Warnings}
	if out.Actions == nil {
		out.Actions = []Action{}
	}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

var marks = map[Op]string{Create: "+", Update: "~", Noop: "=", Delete: "-"}

// WriteText writes the plan for people, in the Terraform manner: a line per action with
// + create, ~ update, - delete, = no change, a summary line, then the warnings.
func (p Plan) WriteText(w io.Writer) error {
	var b strings.Builder
	resWidth, idWidth := 0, 0
	for _, a := range p.Actions {
		resWidth = max(resWidth, len(a.Resource))
		idWidth = max(idWidth, len(a.ID))
	}
	idWidth = min(idWidth, 56) // long ids push the detail onward rather than widen every line
	for _, a := range p.Actions {
		line := fmt.Sprintf("  %s %-*s  %-*s", marks[a.Op], resWidth, a.Resource, idWidth, a.ID)
		if a.Detail != "" {
			line += "  " + a.Detail
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	if len(p.Actions) > 0 {
		b.WriteString("\n")
	}
	s := p.Summary()
	if p.Changes() {
		deletes := ""
		if s.Delete > 0 {
			deletes = fmt.Sprintf(" %d to delete,", s.Delete)
		}
		fmt.Fprintf(&b, "Plan: %d to create, %d to update,%s %d unchanged.\n", s.Create, s.Update, deletes, s.Noop)
	} else {
		fmt.Fprintf(&b, "No changes: everything is as the answers ask (%d unchanged).\n", s.Noop)
	}
	if len(p.Warnings) > 0 {
		b.WriteString("\nWarnings:\n")
		for _, wn := range OrderedWarnings(p.Warnings) {
			b.WriteString("  ! " + wn + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Verifier checks the live result of a backend: a Check for each thing it looked at, those
// that hold as well as those that do not, so verify can say what it checked.
type Verifier interface {
	Verify(ctx context.Context, a *steps.Answers) []Check
}

// Check is one thing verify looked at and what it found.
type Check struct {
	// What is the thing, named as the plan names it: "bucket www-example-com-assets-images".
	What string
	// Detail says what was checked and held: "exists, round-trips an object, versioning enabled".
	Detail string
	// Err is why it does not hold, with what to do about it; nil when it holds.
	Err error
}

// OK reports whether the check holds.
func (c Check) OK() bool { return c.Err == nil }

// Failure is the check's failure line, "bucket NAME: missing; run assetwiz apply…"; "" when it holds.
func (c Check) Failure() string {
	switch {
	case c.Err == nil:
		return ""
	case c.What == "":
		return c.Err.Error()
	}
	return c.What + ": " + c.Err.Error()
}

// String is the check's line in the list of what was checked: ✓ or ✗, the thing, and what
// held or what did not.
func (c Check) String() string {
	if c.Err != nil {
		return "✗ " + c.Failure()
	}
	if c.Detail == "" {
		return "✓ " + c.What
	}
	return "✓ " + c.What + ": " + c.Detail
}

// Fail is a failing check: what, and why (fmt's format and arguments).
func Fail(what, format string, args ...any) Check {
	return Check{What: what, Err: fmt.Errorf(format, args...)}
}

// Failures are the failure lines of the checks that do not hold.
func Failures(cs []Check) []string {
	var out []string
	for _, c := range cs {
		if !c.OK() {
			out = append(out, c.Failure())
		}
	}
	return out
}

// OrderedWarnings are the warnings as told: DATA LOSS first (it is not cosmetic), each said
// once (two backends may find the same fact).
func OrderedWarnings(ws []string) []string {
	var loss, rest []string
	seen := map[string]bool{}
	for _, w := range ws {
		if seen[w] {
			continue
		}
		seen[w] = true
		if strings.HasPrefix(w, "DATA LOSS") {
			loss = append(loss, w)
		} else {
			rest = append(rest, w)
		}
	}
	return append(loss, rest...)
}

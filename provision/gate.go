package provision

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// The gate is what stands between a plan and its being carried out. `assetwiz apply` and the
// wizard (full-screen and accessible) both go through ApplyGated, so the wizard keeps every
// promise apply keeps (CONTRACT.md: "the wizard is the same gate as apply"): only a live plan
// is applied, and a data-loss plan, or one whose guard could not look, only when confirmed.

// Consent is what the user confirmed beyond "apply this plan".
type Consent struct {
	// DataLoss: the data-loss warning is confirmed (apply's
	// --i-understand-buckets-will-be-deleted, or the site's host typed in the wizard). It
	// also passes a guard that could not look (GuardUnread), as the contract says.
	DataLoss bool
}

// ErrOfflinePlan: the plan read nothing remote, so it may create what exists, or miss buckets
// a build deletes. It is shown as a preview, never applied.
var ErrOfflinePlan = errors.New("this plan read nothing remote (an offline plan): it cannot be applied; plan again once the providers can be read")

// DataLossError: the plan warns of data loss, unconfirmed.
type DataLossError struct{ Buckets []string }

func (e *DataLossError) Error() string {
	return fmt.Sprintf("the plan warns of data loss (%s)", strings.Join(e.Buckets, ", "))
}

// GuardUnreadError: the data-loss guard could not look at the buckets a build may delete,
// unconfirmed. The guard fails closed.
type GuardUnreadError struct{ Why []string }

func (e *GuardUnreadError) Error() string {
	return "the data-loss guard could not look at the site's buckets (" + strings.Join(e.Why, "; ") + ")"
}

// Gate says why the plan may not be applied with the consent given; nil when it may.
func Gate(p Plan, c Consent) error {
	switch {
	case p.Offline:
		return ErrOfflinePlan
	case len(p.DataLoss) > 0 && !c.DataLoss:
		return &DataLossError{Buckets: p.DataLoss}
	case len(p.GuardUnread) > 0 && !c.DataLoss:
		return &GuardUnreadError{Why: p.GuardUnread}
	}
	return nil
}

// ApplyGated carries the plan out when Gate lets it through; otherwise it starts nothing and
// returns Gate's error.
func ApplyGated(ctx context.Context, p Plan, c Consent, opt ApplyOptions) (Result, error) {
	if err := Gate(p, c); err != nil {
		return Result{}, err
	}
	return Apply(ctx, p, opt), nil
}

// NeedsConsent reports whether the plan can be applied only with Consent.DataLoss: it warns
// of data loss, or its guard could not look.
func (p Plan) NeedsConsent() bool { return len(p.DataLoss) > 0 || len(p.GuardUnread) > 0 }

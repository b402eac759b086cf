package provision

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

// The gate lets through only a live plan, and a data-loss plan (or one whose guard could not
// look) only with consent; a refused plan starts no action.
func TestApplyGatedStartsNothingItRefuses(t *testing.T) {
	t.Parallel()
	var ran atomic.Int32
	act := Action{Resource: File, ID: "override.tmpl", Op: Create, Do: func(context.Context) error { ran.Add(1); return nil }}
	var loss *DataLossError
	var unread *GuardUnreadError
	for _, tc := range []struct {
		name    string
		plan    Plan
		consent Consent
		refused func(error) bool
	}{
		{"offline", Plan{Actions: []Action{act}, Offline: true}, Consent{DataLoss: true}, func(err error) bool { return errors.Is(err, ErrOfflinePlan) }},
		{"data loss", Plan{Actions: []Action{act}, DataLoss: []string{"b"}}, Consent{}, func(err error) bool { return errors.As(err, &loss) }},
		{"guard unread", Plan{Actions: []Action{act}, GuardUnread: []string{"b: access denied"}}, Consent{}, func(err error) bool { return errors.As(err, &unread) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ran.Store(0)
			res, err := ApplyGated(context.Background(), tc.plan, tc.consent, ApplyOptions{})
			if !tc.refused(err) || len(res.Actions) != 0 || ran.Load() != 0 {
				t.Errorf("err %v, %d results, %d actions ran: want refused, none run", err, len(res.Actions), ran.Load())
			}
		})
	}
	for _, p := range []Plan{{Actions: []Action{act}, DataLoss: []string{"b"}}, {Actions: []Action{act}, GuardUnread: []string{"b"}}} {
		ran.Store(0)
		res, err := ApplyGated(context.Background(), p, Consent{DataLoss: true}, ApplyOptions{})
		if err != nil || ran.Load() != 1 || res.Err() != nil {
			t.Errorf("confirmed: err %v, ran %d", err, ran.Load())
		}
	}
}

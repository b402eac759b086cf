package main

import (
	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/steps"
)

// bucketsBackend plans the asset buckets: against the provider, or offline.
func (a *app) bucketsBackend(ans *steps.Answers, offline bool) (provision.Backend, error) {
	if offline || (len(ans.Buckets()) == 0 && !buckets.GuardApplies(ans)) {
		return buckets.Offline{}, nil
	}
	if len(ans.Buckets()) == 0 {
		// No bucket to make, but a baseline or virgin build may delete the site's old ones:
		// the guard looks at them, and says so when it cannot (keys are not needed here).
		return buckets.Live{Getenv: a.env.Getenv}, nil
	}
	if err := ans.KeysNotSet(steps.StorageKeys); err != nil {
		// A missing key is a missing answer: say so before any call, and change nothing.
		return nil, badInput("%w%s", err, a.withoutKeys("them"))
	}
	// What apply skips because the provider lacks it comes back as a skipped action.
	return buckets.Live{Getenv: a.env.Getenv}, nil
}

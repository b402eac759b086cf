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
	if ans.Storage.Provider != "aws" && (ans.Secrets.S3AccessKey == "" || ans.Secrets.S3SecretKey == "") {
		// A missing key is a missing answer: say so before any call, and change nothing.
		return nil, badInput("S3_ACCESS_KEY and S3_SECRET_KEY: not set; export the storage keys of %s (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)%s", ans.Storage.Provider, a.withoutKeys("them"))
	}
	// What apply skips because the provider lacks it comes back as a skipped action.
	return buckets.Live{Getenv: a.env.Getenv}, nil
}

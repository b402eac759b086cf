package main

import (
	"fmt"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/steps"
)

// bucketsBackend plans the asset buckets: against the provider, or offline.
func (a *app) bucketsBackend(ans *steps.Answers, offline bool) (provision.Backend, error) {
	if offline || len(ans.Buckets()) == 0 {
		return buckets.Offline{}, nil
	}
	return buckets.Live{
		Getenv: a.env.Getenv,
		// What apply skips because the provider lacks it is said as it happens.
		Warn: func(msg string) { fmt.Fprintln(a.stderr, "  ! "+msg) },
	}, nil
}

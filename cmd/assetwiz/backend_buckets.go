package main

import (
	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/steps"
)

// bucketsBackend plans the asset buckets.
func (a *app) bucketsBackend(ans *steps.Answers, offline bool) (provision.Backend, error) {
	if offline || len(ans.Buckets()) == 0 {
		return buckets.Offline{}, nil
	}
	return nil, errNotLive("buckets")
}

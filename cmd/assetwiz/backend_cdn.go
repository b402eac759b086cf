package main

import (
	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/cloudflare"
	"github.com/assetwiz/assetwiz/steps"
)

// cdnBackend plans the Cloudflare rules.
func (a *app) cdnBackend(ans *steps.Answers, offline bool) (provision.Backend, error) {
	if offline || len(cloudflare.Rules(ans)) == 0 {
		return cloudflare.Offline{}, nil
	}
	return nil, errNotLive("Cloudflare rules")
}

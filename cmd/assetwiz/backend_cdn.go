package main

import (
	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/cloudflare"
	"github.com/assetwiz/assetwiz/steps"
)

// cdnBackend plans the Cloudflare rules: live against the Cloudflare API
// (CLOUDFLARE_API_TOKEN, CLOUDFLARE_BASE_URL honoured), or offline.
func (a *app) cdnBackend(ans *steps.Answers, offline bool) (provision.Backend, error) {
	if offline || len(cloudflare.Rules(ans)) == 0 {
		return cloudflare.Offline{}, nil
	}
	return cloudflare.Live{Getenv: a.env.Getenv}, nil
}

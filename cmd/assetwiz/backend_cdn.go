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
	// A token pasted with a trailing newline or space is used without it; one with white
	// space or control characters inside cannot be sent: bad input, before any request.
	token, err := cloudflare.CleanToken(ans.Secrets.CloudflareToken)
	if err != nil {
		return nil, badInput("%w", err)
	}
	ans.Secrets.CloudflareToken = token
	if token == "" {
		// A missing token is a missing answer: say so before any call, and change nothing.
		extra := ""
		if ans.CDNHostAsked() {
			extra = ", Zone > DNS > Edit and Zone > Origin Rules > Edit (the CDN host in front of the bucket)"
		}
		return nil, badInput("CLOUDFLARE_API_TOKEN: not set; export a Cloudflare API token with Zone > Zone > Read and Zone > %s > Edit%s%s",
			map[string]string{steps.MethodCacheRules: "Cache Rules", steps.MethodPageRules: "Page Rules"}[ans.CDN.Method], extra, a.withoutKeys("it"))
	}
	return cloudflare.Live{Getenv: a.env.Getenv}, nil
}

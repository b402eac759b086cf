package tui

import (
	"context"
	"regexp"
	"testing"

	"github.com/assetwiz/assetwiz/provision/cloudflare"
	"github.com/assetwiz/assetwiz/steps"
)

// The review renders the plan as `assetwiz plan` does, whatever its resources: the CDN host's
// DNS record and origin rule (issue 28) show up with no code of their own in the wizard.
func TestReviewShowsTheCDNHostResources(t *testing.T) {
	t.Parallel()
	a := steps.Answers{Mode: steps.ModeVirgin, Application: "wordpress", WebsiteURL: "www.example.com", Technique: steps.TechniquePlugin,
		Storage: steps.Storage{Provider: "digitalocean", Region: "ams3"}, CDN: steps.CDN{Provider: steps.CDNCloudflare}}
	a.Complete()
	p, err := cloudflare.Offline{}.Plan(context.Background(), &a)
	if err != nil {
		t.Fatal(err)
	}
	w := &wizard{ans: a}
	text := w.review(planMsg{plan: p}).body
	for _, want := range []string{`\+ dns_record +www-assets\.example\.com +CNAME www-assets\.example\.com → www-example-com-assets-wp-content-uploads\.ams3\.digitaloceanspaces\.com, proxied`,
		`\+ origin_rule +assetwiz-cdn-www-assets-example-com +route, Host header www-example-com-assets-wp-content-uploads\.ams3\.digitaloceanspaces\.com`,
		`\+ cache_rule +assetwiz-cdn-www-assets-example-com +cache everything`} {
		if !regexp.MustCompile(want).MatchString(text) {
			t.Errorf("the review lacks %q:\n%s", want, text)
		}
	}
}

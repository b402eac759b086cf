package steps

import (
	"strings"
	"testing"
)

func TestDefaultCDNHost(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ site, zone, want string }{
		{"www.example.com", "example.com", "www-assets.example.com"},
		{"shop.eu.example.co.uk", "example.co.uk", "shop-eu-assets.example.co.uk"},
		{"www.example.com", "example.org", ""},
	} {
		if got := DefaultCDNHost(tc.site, tc.zone); got != tc.want {
			t.Errorf("DefaultCDNHost(%s, %s) = %q, want %q", tc.site, tc.zone, got, tc.want)
		}
	}
}

// cdn.host is asked only for a plugin site with Cloudflare; a bad one, or a bucket the
// provider serves by path only, is a problem named cdn.host.
func TestCDNHostProblems(t *testing.T) {
	t.Parallel()
	site := func(provider, host, zone string) *Answers {
		a := &Answers{Mode: ModeVirgin, Application: "wordpress", WebsiteURL: "www.example.com", Technique: TechniquePlugin,
			Storage: Storage{Provider: provider}, CDN: CDN{Provider: CDNCloudflare, Host: host, Zone: zone}}
		if provider == "custom" {
			a.Storage.Endpoint = "s3.example.net"
		}
		a.Complete()
		return a
	}
	for _, tc := range []struct {
		a    *Answers
		want string
	}{
		{site("digitalocean", "", ""), ""},
		{site("aws", "media.example.com", "example.com"), ""},
		{site("digitalocean", "www.example.com", ""), "is the website itself"},
		{site("digitalocean", "assets.example.org", "example.com"), "is not in zone example.com"},
		{site("digitalocean", "assets", ""), "is not a host name"},
		{site("custom", "", ""), "serves buckets by path only"},
		{site("r2", "", ""), "serves buckets by path only"},
	} {
		var got []string
		for _, p := range tc.a.Validate() {
			if p.Key == "cdn.host" {
				got = append(got, p.String())
			}
		}
		switch {
		case tc.want == "" && len(got) > 0, tc.want != "" && (len(got) == 0 || !strings.Contains(strings.Join(got, "\n"), tc.want)):
			t.Errorf("%s %q: problems %v, want %q", tc.a.Storage.Provider, tc.a.CDN.Host, got, tc.want)
		}
	}
	s3fs := site("custom", "", "")
	s3fs.Technique, s3fs.Mode = TechniqueS3fs, ModeTemporal
	if q, _ := FindQuestion("cdn.host"); q.Asked(s3fs) || len(s3fs.Validate()) != 0 || s3fs.CDNHost() != "" {
		t.Errorf("cdn.host for s3fs: asked %v, problems %v, host %q", q.Asked(s3fs), s3fs.Validate(), s3fs.CDNHost())
	}
}

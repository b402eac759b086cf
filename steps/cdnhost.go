package steps

import (
	"strings"

	"github.com/assetwiz/assetwiz/presets"
)

// The CDN host in front of the bucket (cdn.host, technique plugin with Cloudflare; CONTRACT.md
// "CDN in front of the bucket"). The application links its uploads to the bucket, not to
// website_url, so the CDN needs a host of its own whose origin is the bucket.

// CDNHostAsked reports whether the answers make a CDN host in front of the bucket.
func (a *Answers) CDNHostAsked() bool {
	return a.Technique == TechniquePlugin && a.CDN.Provider == CDNCloudflare
}

// DefaultCDNHost is cdn.host's default: website_url without the zone, '.'→'-', then
// "-assets." and the zone (www.example.com in example.com → www-assets.example.com): one
// level below the zone, which Cloudflare's Universal SSL certificate (*.zone) covers.
func DefaultCDNHost(websiteURL, zone string) string {
	sub := strings.TrimSuffix(websiteURL, "."+zone)
	if sub == websiteURL || sub == "" {
		return ""
	}
	return strings.ReplaceAll(sub, ".", "-") + "-assets." + zone
}

// GuessedZone is the zone taken when cdn.zone is open and Cloudflare cannot be asked
// (render, plan --offline): website_url without its first label.
func GuessedZone(websiteURL string) string {
	_, rest, _ := strings.Cut(websiteURL, ".")
	return rest
}

// CDNHost is the CDN host in front of the bucket: cdn.host, else its default in cdn.zone,
// else in the guessed zone; "" when the answers make none.
func (a *Answers) CDNHost() string {
	if !a.CDNHostAsked() {
		return ""
	}
	if a.CDN.Host != "" {
		return a.CDN.Host
	}
	zone := a.CDN.Zone
	if zone == "" {
		zone = GuessedZone(a.WebsiteURL)
	}
	return DefaultCDNHost(a.WebsiteURL, zone)
}

// CDNBucket is the bucket the CDN host serves: the plugin's one bucket, the first
// directory's (every plugin snippet names that one; the others are made but unused).
func (a *Answers) CDNBucket() (Bucket, bool) {
	b := a.Buckets()
	if len(b) == 0 {
		return Bucket{}, false
	}
	return b[0], true
}

// BucketVirtualHost is the host under which the provider serves the CDN's bucket, or a
// reason there is none: a provider that serves buckets by path only, or an endpoint other
// than the preset's (its addressing is unknown).
func (a *Answers) BucketVirtualHost() (string, string) {
	b, ok := a.CDNBucket()
	p, known := presets.FindProvider(a.Storage.Provider)
	switch {
	case !ok || !known:
		return "", ""
	case p.VirtualHost == "":
		return "", "storage " + p.Name + " serves buckets by path only (" + a.HostBase() + "/<bucket>/…) as far as assetwiz knows, " +
			"and a CDN host needs the bucket's own host name (virtual-host addressing); assetwiz does not rewrite paths for it"
	case !strings.EqualFold(a.HostBase(), p.EndpointFor(a.Storage.Region)):
		return "", "storage.endpoint " + a.HostBase() + " is not " + p.Title + "'s own for region " + a.Storage.Region +
			" (" + p.EndpointFor(a.Storage.Region) + "), so the bucket's host name there is unknown"
	}
	return p.VirtualHostFor(b.Name, a.Storage.Region), ""
}

// cdnHostProblem says what is wrong with cdn.host for the answers, or "".
func cdnHostProblem(host, websiteURL, zone string) string {
	switch {
	case host == "":
		return ""
	case len(host) > 253 || !hostname.MatchString(host) || strings.Count(host, ".") < 2:
		return quote(host) + " is not a host name below the site's zone; give one such as " + firstNonEmpty(DefaultCDNHost(websiteURL, GuessedZone(websiteURL)), "www-assets.example.com")
	case host == websiteURL:
		return quote(host) + " is the website itself; the CDN host is another name, whose origin is the bucket, such as " + DefaultCDNHost(websiteURL, firstNonEmpty(zone, GuessedZone(websiteURL)))
	case zone != "" && !strings.HasSuffix(host, "."+zone):
		return quote(host) + " is not in zone " + zone + " (cdn.zone); give a host in it, such as " + DefaultCDNHost(websiteURL, zone)
	}
	return ""
}

// checkCDNHost is cdn.host's check, for a plugin site with Cloudflare.
func checkCDNHost(a *Answers) Problems {
	host := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(a.CDN.Host)), ".")
	if !a.CDNHostAsked() {
		return nil
	}
	if msg := cdnHostProblem(host, NormalizeWebsiteURL(a.WebsiteURL), a.CDN.Zone); msg != "" {
		return bad("%s", msg)
	}
	return nil
}

// cdnHostNeedsAVirtualHost: the CDN's origin is the bucket's own host name, which a provider
// serving buckets by path only does not have.
func cdnHostNeedsAVirtualHost(a *Answers) string {
	if !a.CDNHostAsked() {
		return ""
	}
	if _, why := a.BucketVirtualHost(); why != "" {
		return "a CDN host in front of the bucket cannot be made: " + why + "; use a provider whose buckets have their own host name " +
			"(assetwiz presets: virtual_host), or cdn.provider: none"
	}
	return ""
}

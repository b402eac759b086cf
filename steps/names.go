package steps

import (
	"net"
	"net/url"
	"regexp"
	"strings"
)

var dashRuns = regexp.MustCompile(`-+`)

// BucketName is the toolkit's asset bucket name for a directory of a site:
// "<website_url>-assets-<directory>" with '.', '/' and '_' turned into '-', runs of '-'
// folded, lower case. Validate checks the result is a usable bucket name.
func BucketName(websiteURL, directory string) string {
	name := strings.ToLower(websiteURL + "-assets-" + directory)
	name = strings.NewReplacer(".", "-", "/", "-", "_", "-").Replace(name)
	return dashRuns.ReplaceAllString(name, "-")
}

// NormalizeWebsiteURL folds case and strips a scheme and trailing slashes, as the contract says.
func NormalizeWebsiteURL(raw string) string {
	s := strings.TrimSpace(raw)
	lower := strings.ToLower(s)
	for _, scheme := range []string{"https://", "http://"} {
		if strings.HasPrefix(lower, scheme) {
			s = s[len(scheme):]
			break
		}
	}
	return strings.ToLower(strings.TrimRight(s, "/"))
}

// EndpointURL is the storage endpoint as a URL for the S3 client ("https://" unless the
// answer gave a scheme), or "" when there is none.
func (a *Answers) EndpointURL() string {
	ep := strings.TrimSpace(a.Storage.Endpoint)
	if ep == "" {
		return ""
	}
	if !strings.Contains(ep, "://") {
		ep = "https://" + ep
	}
	return strings.TrimRight(ep, "/")
}

// HostBase is the toolkit's S3_HOST_BASE: the endpoint's host, with ":port" when it has one,
// no scheme and no path.
func (a *Answers) HostBase() string {
	u, err := url.Parse(a.EndpointURL())
	if err != nil {
		return ""
	}
	return u.Host
}

// endpointProblem says what is wrong with an endpoint answer, or "" when it is usable.
func endpointProblem(raw string) string {
	ep := strings.TrimSpace(raw)
	if !strings.Contains(ep, "://") {
		ep = "https://" + ep
	}
	u, err := url.Parse(ep)
	if err != nil || u.Host == "" {
		return "is not a host or URL"
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "has scheme " + u.Scheme + "; use https:// or a bare host"
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "may hold only a scheme, a host, a port and a path"
	}
	host := u.Hostname()
	if net.ParseIP(host) == nil && !hostname.MatchString(host) {
		return "has an invalid host " + quote(host)
	}
	return ""
}

var hostname = regexp.MustCompile(`^(?i:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.(?i:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?))*$`)

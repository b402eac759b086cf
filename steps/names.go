package steps

import (
	"net"
	"net/url"
	"regexp"
	"strings"

	"github.com/assetwiz/assetwiz/presets"
)

// ToolkitBucketName is the asset bucket the toolkit of a generation mounts for a directory
// of a site, computed as the toolkit's own expressions compute it (transcribed, with their
// file:line, in names_test.go). It is the one place a bucket name (or an EFS creation token,
// the same string in the original toolkit) is made: never a name the toolkit would not mount.
// Whether the result can be a bucket at all is Validate's business.
func ToolkitBucketName(toolkit, websiteURL, directory string) string {
	switch toolkit {
	case ToolkitClassic:
		// "${WEBSITE_URL}"-assets with . → -, then "-" and the directory with / → -;
		// underscores and case kept.
		return strings.ReplaceAll(websiteURL+"-assets", ".", "-") + "-" + strings.ReplaceAll(directory, "/", "-")
	case ToolkitOriginal:
		// The first three characters of each label, joined, every '-' dropped (tr '\n' '-' |
		// sed 's/-//g' removes the ones inside labels too); then "-" and the directory.
		var prefix strings.Builder
		for _, label := range strings.Split(websiteURL, ".") {
			prefix.WriteString(label[:min(3, len(label))])
		}
		return strings.ReplaceAll(prefix.String(), "-", "") + "-" + strings.ReplaceAll(directory, "/", "-")
	default:
		// sed -e 's/\./-/g' -e 's;/;-;g' -e 's/--/-/g' -e 's/_/-/g', in that order: "--" is
		// folded once, left to right (so "---" stays "--"), before "_" becomes "-"; case kept.
		name := websiteURL + "-assets-" + directory
		name = strings.ReplaceAll(name, ".", "-")
		name = strings.ReplaceAll(name, "/", "-")
		name = strings.ReplaceAll(name, "--", "-")
		return strings.ReplaceAll(name, "_", "-")
	}
}

// BucketName is the asset bucket of a directory for the answers' toolkit generation.
func (a *Answers) BucketName(directory string) string {
	return ToolkitBucketName(a.Toolkit, a.WebsiteURL, directory)
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

// PresetEndpoint reports whether the endpoint is the storage provider's own for the region,
// as the presets give it.
func (a *Answers) PresetEndpoint() bool {
	p, ok := presets.FindProvider(a.Storage.Provider)
	want := p.EndpointFor(a.Storage.Region)
	return ok && want != "" && strings.EqualFold(a.EndpointURL(), "https://"+want)
}

// EndpointOverridden reports whether storage.endpoint replaces a preset provider's own
// endpoint (a gateway, a test server, a private endpoint): every client and snippet goes there.
func (a *Answers) EndpointOverridden() bool {
	p, _ := presets.FindProvider(a.Storage.Provider)
	return p.EndpointFor(a.Storage.Region) != "" && a.EndpointURL() != "" && !a.PresetEndpoint()
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

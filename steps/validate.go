package steps

import (
	"fmt"
	"net"
	"regexp"
	"strings"

	"github.com/assetwiz/assetwiz/presets"
	"golang.org/x/net/publicsuffix"
)

var (
	directoryPart = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	webrootPath   = regexp.MustCompile(`^(/[A-Za-z0-9._-]+)+$`)
	bucketChars   = regexp.MustCompile(`^[a-z0-9-]+$`)
	subnetID      = regexp.MustCompile(`^subnet-[0-9a-f]+$`)
	securityGroup = regexp.MustCompile(`^sg-[0-9a-f]+$`)
	regionName    = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	topLevel      = regexp.MustCompile(`^[a-z]{2,63}$`)
	// The toolkit embeds every value in quoted shell (adt-toolkit.md §1.1).
	unsafeChars = `"'` + "`" + `\$`
)

// maxEdgeTTL is a year, the longest edge cache TTL Cloudflare offers.
const maxEdgeTTL = 31536000

// Validate checks completed answers: every question's check and rules, from the table, as
// the wizard runs them. Every problem is returned, each named by its answers-file key with
// what would be right.
func (a *Answers) Validate() Problems {
	var ps Problems
	for _, q := range Questions() {
		ps = append(ps, q.problems(a)...)
	}
	return ps
}

// websiteURLProblem says what is wrong with a (normalised) website_url, or "".
func websiteURLProblem(host string) string {
	const example = "; use the site's host with a subdomain, such as www.example.com"
	switch {
	case host == "":
		return "is required" + example
	case strings.ContainsAny(host, unsafeChars):
		return quote(host) + " may not contain \" ' ` \\ or $" + example
	case strings.ContainsAny(host, "/?#"):
		return quote(host) + " has a path; give the host only" + example
	case strings.Contains(host, ":"):
		return quote(host) + " has a port; the toolkit serves on the standard ports" + example
	case net.ParseIP(host) != nil:
		return quote(host) + " is an IP address; the toolkit needs a DNS name" + example
	case !strings.Contains(host, ".") && hostname.MatchString(host):
		return quote(host) + " has no dot: give the site's full host name, such as www." + host + ".com"
	case len(host) > 253 || !hostname.MatchString(host) || !strings.Contains(host, "."):
		return quote(host) + " is not a valid host name (letters, digits and '-' between dots)" + example
	}
	labels := strings.Split(host, ".")
	if tld := labels[len(labels)-1]; !topLevel.MatchString(tld) && !strings.HasPrefix(tld, "xn--") {
		return quote(host) + " does not end in a top-level domain" + example
	}
	// The toolkit makes the A record for the first label in the zone of the rest, so the
	// host must be below a registrable domain (www.example.co.uk, not example.co.uk).
	if site, err := publicsuffix.EffectiveTLDPlusOne(host); err != nil || site == host {
		return quote(host) + " has no subdomain (the toolkit cannot serve an apex domain)" + "; use a host such as www." + host
	}
	return ""
}

// BucketNameProblem says why the name the answers' toolkit generation gives directory d
// (its bucket, or with efs its file system's creation token) cannot be used, or "".
func (a *Answers) BucketNameProblem(d string) string {
	if websiteURLProblem(a.WebsiteURL) != "" || directoryProblem(d) != "" {
		return "" // said on their own keys
	}
	name := a.BucketName(d)
	toolkit := "the " + a.Toolkit + " toolkit"
	if a.Technique == TechniqueEFS {
		// An EFS creation token takes any character, 1 to 64 of them.
		if len(name) > 64 {
			return fmt.Sprintf("%s: %s names its file system %s, %d characters, over the 64 EFS allows; shorten the directory", quote(d), toolkit, name, len(name))
		}
		return ""
	}
	return toolkitBucketProblem(a.Storage.Provider, toolkit, d, name)
}

// toolkitBucketProblem says why name, the bucket toolkit mounts for directory d, cannot be
// a bucket at the provider ("" for none yet), or "". assetwiz never makes another name: the
// toolkit would not mount it.
func toolkitBucketProblem(providerName, toolkit, d, name string) string {
	provider, _ := presets.FindProvider(providerName)
	limits := presets.NameLimits{Min: 3, Max: 63}
	if provider.BucketName.Max > 0 {
		limits = provider.BucketName
	}
	mounts := fmt.Sprintf("%s: %s mounts the bucket %s", quote(d), toolkit, name)
	switch {
	case len(name) > limits.Max || len(name) < limits.Min:
		return fmt.Sprintf("%s, %d characters, outside the %d–%d allowed%s; shorten the directory or the website_url",
			mounts, len(name), limits.Min, limits.Max, forProvider(provider))
	case strings.ToLower(name) != name:
		return mounts + ", which cannot be a bucket (upper case; the toolkit keeps the directory's case); rename the directory in lower case"
	case strings.Contains(name, "_"):
		return mounts + ", which cannot be a bucket (the toolkit keeps the '_'); rename the directory with '-' in place of '_'"
	case !bucketChars.MatchString(name) || strings.HasSuffix(name, "-") || strings.HasPrefix(name, "-"):
		return mounts + ", which cannot be a bucket (it must start and end with a letter or digit); drop the leading or trailing '-' or '_'"
	case provider.Name == "backblaze" && strings.HasPrefix(name, "b2"):
		return mounts + "; Backblaze refuses names starting with b2"
	}
	return ""
}

func forProvider(p presets.Provider) string {
	if p.Name == "" {
		return ""
	}
	return " by " + p.Title
}

// directoryProblem says what is wrong with an asset directory, or "".
func directoryProblem(d string) string {
	const example = "; give a path relative to the webroot, such as wp-content/uploads"
	switch {
	case d == "":
		return "is empty" + example
	case strings.HasPrefix(d, "/"):
		return quote(d) + " starts with '/'" + example
	case strings.ContainsAny(d, unsafeChars):
		return quote(d) + " may not contain \" ' ` \\ or $" + example
	}
	for _, part := range strings.Split(d, "/") {
		switch {
		case part == "..":
			return quote(d) + " may not contain '..'" + example
		case part == "":
			return quote(d) + " has an empty part (a doubled or trailing '/')" + example
		case !directoryPart.MatchString(part):
			return quote(d) + " may hold only letters, digits, '_' and '-' between the '/'" + example
		}
	}
	return ""
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return quote(s)
}

package steps

import (
	"errors"
	"strconv"
	"strings"

	"github.com/assetwiz/assetwiz/presets"
)

// Per-field checks for the wizard's forms: each says what is wrong with one answer as it is
// typed, in the words Validate uses, or returns nil. Rules between answers stay in Validate.

func problemErr(msg string) error {
	if msg == "" {
		return nil
	}
	return errors.New(msg)
}

// CheckWebsiteURL checks a website_url as typed (a scheme and a trailing slash are allowed).
func CheckWebsiteURL(raw string) error {
	return problemErr(websiteURLProblem(NormalizeWebsiteURL(raw)))
}

// CheckDirectory checks one asset directory.
func CheckDirectory(d string) error { return problemErr(directoryProblem(d)) }

// BucketNameProblem says what is wrong with the bucket name directory d of the site gets at
// the provider (empty: not chosen yet) from the current toolkit, or "".
//
// Deprecated: use Answers.BucketNameProblem, which follows the answers' generation.
func BucketNameProblem(provider, websiteURL, d string) string {
	if websiteURLProblem(websiteURL) != "" || directoryProblem(d) != "" {
		return ""
	}
	a := Answers{Toolkit: ToolkitCurrent, WebsiteURL: websiteURL, Storage: Storage{Provider: provider}, Technique: TechniqueS3fs}
	return a.BucketNameProblem(d)
}

// CheckEndpoint checks a storage endpoint (a host or URL).
func CheckEndpoint(raw string) error {
	if strings.TrimSpace(raw) == "" {
		return errors.New("is required; give the endpoint's host, such as s3.example.net")
	}
	if msg := endpointProblem(raw); msg != "" {
		return errors.New(quote(raw) + " " + msg)
	}
	return nil
}

// CheckRegion checks a region name for a provider.
func CheckRegion(provider, region string) error {
	p, ok := presets.FindProvider(provider)
	switch {
	case !regionName.MatchString(region):
		return errors.New(quote(region) + " is not a region name")
	case ok && !p.HasRegion(region):
		return errors.New(quote(region) + " is not a " + p.Name + " region; use one of " + oneOf(p.Regions))
	}
	return nil
}

// CheckSubnetID checks an EFS subnet id.
func CheckSubnetID(id string) error {
	if !subnetID.MatchString(id) {
		return errors.New(quote(id) + " is not a subnet id; they look like subnet-0123abcd")
	}
	return nil
}

// CheckSecurityGroupID checks an EFS security group id.
func CheckSecurityGroupID(id string) error {
	if !securityGroup.MatchString(id) {
		return errors.New(quote(id) + " is not a security group id; they look like sg-0123abcd")
	}
	return nil
}

// CheckNoncurrentVersionDays checks storage.noncurrent_version_days as typed.
func CheckNoncurrentVersionDays(raw string) error {
	n, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil || n < 1 || n > 36500 {
		return errors.New("give the days to keep old versions, a whole number from 1 to 36500 (default " + strconv.Itoa(DefaultNoncurrentVersionDays) + ")")
	}
	return nil
}

// CheckEdgeTTL checks cdn.edge_ttl as typed.
func CheckEdgeTTL(raw string) error {
	n, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil || n < 1 || n > maxEdgeTTL {
		return errors.New("give seconds from 1 to " + strconv.Itoa(maxEdgeTTL) + " (default " + strconv.Itoa(DefaultEdgeTTL) + ", a day)")
	}
	return nil
}

// CheckZone checks a Cloudflare zone for a site; "" is fine (found through the API).
func CheckZone(zone, websiteURL string) error {
	zone = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(zone)), ".")
	switch {
	case zone == "":
		return nil
	case !hostname.MatchString(zone) || !strings.Contains(zone, "."):
		return errors.New(quote(zone) + " is not a domain name; give the Cloudflare zone, such as example.com")
	case websiteURL != "" && !strings.HasSuffix(websiteURL, "."+zone):
		return errors.New(quote(zone) + " does not hold the website " + websiteURL + "; give the zone the site is in, or leave it empty to find it")
	}
	return nil
}

// CheckSecret checks a key or token typed into the wizard (its value is never shown).
func CheckSecret(v string) error {
	if strings.ContainsAny(v, unsafeChars) || strings.ContainsAny(v, "\n\r") {
		return errors.New("holds \" ' ` \\ $ or a line break, which the toolkit cannot carry; create a key without them")
	}
	return nil
}

// TechniquesFor lists the techniques valid for the answers so far, in the order offered:
// s3fs and efs only for temporal, efs only with the original toolkit.
func TechniquesFor(a *Answers) []string {
	out := []string{TechniqueLocal, TechniquePlugin}
	if a.Mode == ModeTemporal {
		out = append(out, TechniqueS3fs)
		if a.Toolkit == ToolkitOriginal {
			out = append(out, TechniqueEFS)
		}
	}
	return out
}

// SplitList splits a list typed on one line, by commas or spaces.
func SplitList(raw string) []string {
	var out []string
	for _, s := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

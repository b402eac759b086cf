package steps

import (
	"fmt"
	"net"
	"path"
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

// Validate checks completed answers: each value, then the rules between answers. Every
// problem is returned, each named by its answers-file key with what would be right.
func (a *Answers) Validate() Problems {
	var ps Problems
	a.validateBasics(&ps)
	a.validateDirectories(&ps)
	a.validateTechnique(&ps)
	a.validateStorage(&ps)
	a.validateEFS(&ps)
	a.validateCDN(&ps)
	a.validateSecrets(&ps)
	a.validateBackup(&ps)
	return ps
}

func (a *Answers) validateBasics(ps *Problems) {
	if _, ok := presets.FindToolkit(a.Toolkit); !ok {
		var gens []string
		for _, t := range presets.Toolkits() {
			gens = append(gens, t.Name+" ("+t.Title+")")
		}
		ps.add("toolkit", "%s is not a toolkit generation; use one of %s", quote(a.Toolkit), strings.Join(gens, ", "))
	}
	switch {
	case a.Mode == "":
		ps.add("mode", "is required; use one of %s", oneOf(Modes))
	case !contains(Modes, a.Mode):
		ps.add("mode", "%s is not a deployment mode; use one of %s", quote(a.Mode), oneOf(Modes))
	}
	if a.Period != "" {
		if !contains(Periods, a.Period) {
			ps.add("period", "%s is not a temporal period; use one of %s", quote(a.Period), oneOf(Periods))
		} else if a.Mode != ModeTemporal && contains(Modes, a.Mode) {
			ps.add("period", "applies to mode temporal only (mode is %s); remove it or set mode: temporal", a.Mode)
		}
	}
	switch {
	case a.Application == "":
		ps.add("application", "is required; use one of %s", oneOf(presets.Names(presets.Applications())))
	default:
		if _, ok := presets.FindApplication(a.Application); !ok {
			ps.add("application", "%s is not an application the toolkit builds; use one of %s", quote(a.Application), oneOf(presets.Names(presets.Applications())))
		}
	}
	if msg := websiteURLProblem(a.WebsiteURL); msg != "" {
		ps.add("website_url", "%s", msg)
	}
	// The webroot goes into shell scripts, fstab lines and configs run as root: only an
	// absolute path of parts of [A-Za-z0-9._-] is data in all of them.
	if !webrootPath.MatchString(a.Webroot) || path.Clean(a.Webroot) != a.Webroot {
		ps.add("webroot", "%s must be an absolute, clean path of letters, digits, '.', '_' and '-' between the '/', such as %s", quote(a.Webroot), DefaultWebroot)
	}
	a.validateMountTool(ps)
}

func (a *Answers) validateMountTool(ps *Problems) {
	if a.MountTool == "" {
		return
	}
	tk, ok := presets.FindToolkit(a.Toolkit)
	switch {
	case !ok:
	case a.Technique != TechniqueS3fs && a.Technique != "":
		ps.add("mount_tool", "applies to technique s3fs only (the toolkit mounts the buckets); remove it, or set technique: s3fs")
	case !contains(tk.MountTools, a.MountTool):
		ps.add("mount_tool", "%s is not a mount tool of the %s toolkit; use one of %s (DATASTOREMOUNTTOOL in its buildstyles)", quote(a.MountTool), tk.Name, oneOf(tk.MountTools))
	}
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

func (a *Answers) validateDirectories(ps *Problems) {
	if len(a.Directories) == 0 && a.Application != "" {
		ps.add("directories", "is empty; list at least one asset directory, such as wp-content/uploads")
	}
	if !a.MakesBuckets() && a.Technique != TechniqueEFS {
		for i, d := range a.Directories {
			if msg := directoryProblem(d); msg != "" {
				ps.add(fmt.Sprintf("directories[%d]", i), "%s", msg)
			}
		}
		return // no bucket and no file system is named after them
	}
	byBucket := map[string]string{}
	for i, d := range a.Directories {
		key := fmt.Sprintf("directories[%d]", i)
		if msg := directoryProblem(d); msg != "" {
			ps.add(key, "%s", msg)
			continue
		}
		if websiteURLProblem(a.WebsiteURL) != "" {
			continue // the bucket name cannot be judged without a good website_url
		}
		name := a.BucketName(d)
		if msg := a.BucketNameProblem(d); msg != "" {
			ps.add(key, "%s", msg)
		}
		if other, dup := byBucket[name]; dup {
			ps.add(key, "%s and %s would share the name %s in the %s toolkit; keep one of them", quote(other), quote(d), name, a.Toolkit)
		}
		byBucket[name] = d
	}
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

func (a *Answers) validateTechnique(ps *Problems) {
	if !contains(Techniques, a.Technique) {
		if a.Technique != "" {
			ps.add("technique", "%s is not a technique; use one of %s", quote(a.Technique), oneOf(Techniques))
		}
		return
	}
	temporal := a.Mode == ModeTemporal
	switch a.Technique {
	case TechniqueS3fs:
		if !temporal && a.Mode != "" {
			ps.add("technique", "s3fs is for mode temporal only: the toolkit mounts nothing for %s builds; use plugin or local", a.Mode)
		}
	case TechniqueEFS:
		if !temporal && a.Mode != "" {
			ps.add("technique", "efs is for mode temporal only: the toolkit mounts nothing for %s builds; use plugin or local", a.Mode)
		}
		if a.Toolkit != ToolkitOriginal {
			ps.add("technique", "efs needs toolkit: original (the 2020–22 toolkit is the only one that mounts EFS; the %s toolkit has none); use s3fs or plugin, or toolkit: original", a.Toolkit)
		}
		if a.Storage.Provider != "aws" {
			ps.add("storage.provider", "technique efs needs provider aws (EFS is an AWS service), not %s", orNone(a.Storage.Provider))
		}
		if len(a.EFS.SubnetIDs) == 0 {
			ps.add("efs.subnet_ids", "technique efs needs at least one subnet for the mount targets, such as [subnet-0123abcd]")
		}
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return quote(s)
}

func (a *Answers) validateStorage(ps *Problems) {
	s := a.Storage
	if s.Provider == "" {
		if a.MakesBuckets() || a.Technique == TechniqueEFS {
			if a.Technique != TechniqueEFS { // efs already said it needs aws
				ps.add("storage.provider", "is required for technique %s; use one of %s", a.Technique, oneOf(presets.Names(presets.Providers())))
			}
		} else if s.Region != "" || s.Endpoint != "" {
			ps.add("storage.provider", "is required when storage.region or storage.endpoint is given; use one of %s", oneOf(presets.Names(presets.Providers())))
		}
		return
	}
	p, ok := presets.FindProvider(s.Provider)
	if !ok {
		ps.add("storage.provider", "%s is not a known storage provider; use one of %s (custom for any other S3-compatible endpoint)", quote(s.Provider), oneOf(presets.Names(presets.Providers())))
		return
	}
	switch {
	case !regionName.MatchString(s.Region):
		ps.add("storage.region", "%s is not a region name; for %s use one of %s", quote(s.Region), p.Name, oneOf(p.Regions))
	case !p.HasRegion(s.Region):
		ps.add("storage.region", "%s is not a %s region; use one of %s", quote(s.Region), p.Name, oneOf(p.Regions))
	}
	if s.Endpoint == "" {
		example := p.EndpointExample
		ps.add("storage.endpoint", "is required for provider %s, such as %s", p.Name, example)
	} else if msg := endpointProblem(s.Endpoint); msg != "" {
		ps.add("storage.endpoint", "%s %s; give a host such as %s", quote(s.Endpoint), msg, firstNonEmpty(p.EndpointFor(p.DefaultRegion()), p.EndpointExample))
	}
	if d := s.NoncurrentVersionDays; d != nil && (*d < 1 || *d > 36500) {
		ps.add("storage.noncurrent_version_days", "%d is out of range; give the days to keep old versions, 1 to 36500 (default %d)", *d, DefaultNoncurrentVersionDays)
	}
}

func (a *Answers) validateEFS(ps *Problems) {
	if a.Technique != TechniqueEFS {
		return
	}
	if aws, _ := presets.FindProvider("aws"); a.EFS.Region != "" && !aws.HasRegion(a.EFS.Region) {
		ps.add("efs.region", "%s is not an AWS region; use one of %s", quote(a.EFS.Region), oneOf(aws.Regions))
	}
	for i, id := range a.EFS.SubnetIDs {
		if !subnetID.MatchString(id) {
			ps.add(fmt.Sprintf("efs.subnet_ids[%d]", i), "%s is not a subnet id; they look like subnet-0123abcd", quote(id))
		}
	}
	for i, id := range a.EFS.SecurityGroupIDs {
		if !securityGroup.MatchString(id) {
			ps.add(fmt.Sprintf("efs.security_group_ids[%d]", i), "%s is not a security group id; they look like sg-0123abcd", quote(id))
		}
	}
	if len(a.EFS.SecurityGroupIDs) > 5 {
		ps.add("efs.security_group_ids", "lists %d groups; a mount target takes at most 5", len(a.EFS.SecurityGroupIDs))
	}
}

func (a *Answers) validateCDN(ps *Problems) {
	c := a.CDN
	if !contains(CDNs, c.Provider) {
		ps.add("cdn.provider", "%s is not a CDN assetwiz can set up; use one of %s", quote(c.Provider), oneOf(CDNs))
		return
	}
	if c.Provider != CDNCloudflare {
		return
	}
	if !contains(Methods, c.Method) {
		ps.add("cdn.method", "%s is not a Cloudflare method; use one of %s", quote(c.Method), oneOf(Methods))
	}
	if c.EdgeTTL < 1 || c.EdgeTTL > maxEdgeTTL {
		ps.add("cdn.edge_ttl", "%d is out of range; give seconds from 1 to %d (default %d, a day)", c.EdgeTTL, maxEdgeTTL, DefaultEdgeTTL)
	}
	if c.Zone != "" {
		switch {
		case !hostname.MatchString(c.Zone) || !strings.Contains(c.Zone, "."):
			ps.add("cdn.zone", "%s is not a domain name; give the Cloudflare zone, such as example.com", quote(c.Zone))
		case a.WebsiteURL != "" && !strings.HasSuffix(a.WebsiteURL, "."+c.Zone):
			ps.add("cdn.zone", "%s does not hold the website %s; give the zone the site is in, or leave it out to find it", quote(c.Zone), a.WebsiteURL)
		}
	}
	a.validateCDNHost(ps)
}

func (a *Answers) validateSecrets(ps *Problems) {
	// The values themselves are never shown.
	for name, v := range map[string]string{ExportS3AccessKey: a.Secrets.S3AccessKey, ExportS3SecretKey: a.Secrets.S3SecretKey} {
		if strings.ContainsAny(v, unsafeChars) || strings.ContainsAny(v, "\n\r") {
			ps.add(name, "(from the environment) holds \" ' ` \\ $ or a line break, which the toolkit cannot carry; create a key without them")
		}
	}
}

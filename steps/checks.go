package steps

import (
	"fmt"
	"path"
	"strings"

	"github.com/assetwiz/assetwiz/presets"
)

// The checks and rules the table's questions point at. Each is written once and judges the
// answer at its question's key within the answers: Validate runs them over completed answers,
// the wizard over the answers with the value typed put in (Question.Verdict). A problem's Key
// is "" for the answer itself or "[i]" for one item of a list.

// bad is one problem of the answer itself.
func bad(format string, args ...any) Problems {
	return Problems{{Message: fmt.Sprintf(format, args...)}}
}

// item is a problem of the i-th item of a list answer.
func item(i int, msg string) Problem { return Problem{Key: fmt.Sprintf("[%d]", i), Message: msg} }

// oneOfChoices is the check of a choice among fixed values: an open answer is fine (it
// takes its default, or a rule says it is required).
func oneOfChoices(what string, values func(a *Answers) []string, get func(a *Answers) string) func(a *Answers) Problems {
	return func(a *Answers) Problems {
		v := get(a)
		if v == "" || contains(values(a), v) {
			return nil
		}
		return bad("%s is not %s%s; use one of %s", quote(v), what, didYouMean(v, values(a)), oneOf(values(a)))
	}
}

func checkToolkit(a *Answers) Problems {
	if a.Toolkit == "" {
		return nil
	}
	if _, ok := presets.FindToolkit(a.Toolkit); !ok {
		var gens []string
		for _, t := range presets.Toolkits() {
			gens = append(gens, t.Name+" ("+t.Title+")")
		}
		return bad("%s is not a toolkit generation%s; use one of %s", quote(a.Toolkit), didYouMean(a.Toolkit, presets.Names(presets.Toolkits())), strings.Join(gens, ", "))
	}
	return nil
}

func checkMode(a *Answers) Problems {
	switch {
	case a.Mode == "":
		return bad("is required; use one of %s", oneOf(Modes))
	case !contains(Modes, a.Mode):
		return bad("%s is not a deployment mode%s; use one of %s", quote(a.Mode), didYouMean(a.Mode, Modes), oneOf(Modes))
	}
	return nil
}

func checkApplication(a *Answers) Problems {
	apps := oneOf(presets.Names(presets.Applications()))
	if a.Application == "" {
		return bad("is required; use one of %s", apps)
	}
	if _, ok := presets.FindApplication(a.Application); !ok {
		return bad("%s is not an application the toolkit builds%s; use one of %s", quote(a.Application), didYouMean(a.Application, presets.Names(presets.Applications())), apps)
	}
	return nil
}

func checkWebsiteURL(a *Answers) Problems {
	if msg := websiteURLProblem(NormalizeWebsiteURL(a.WebsiteURL)); msg != "" {
		return bad("%s", msg)
	}
	return nil
}

// checkDirectories judges each directory on its own.
func checkDirectories(a *Answers) Problems {
	if len(a.Directories) == 0 {
		app, ok := presets.FindApplication(a.Application)
		if !ok {
			return nil // said at application, whose preset fills an open list
		}
		return bad("is empty; choose or list at least one directory, such as %s", firstNonEmpty(append(app.Directories, "wp-content/uploads")...))
	}
	var ps Problems
	for i, d := range a.Directories {
		if msg := directoryProblem(d); msg != "" {
			ps = append(ps, item(i, msg))
		}
	}
	return ps
}

// checkBucketNames judges, when the directories name buckets or file systems, the name the
// answers' toolkit generation gives each (Answers.BucketName), and names two would share.
func checkBucketNames(a *Answers) Problems {
	if !a.MakesBuckets() && a.Technique != TechniqueEFS || websiteURLProblem(a.WebsiteURL) != "" {
		return nil // no name to judge: no bucket, or no good website_url to make it from
	}
	var ps Problems
	byName := map[string]string{}
	for i, d := range a.Directories {
		if directoryProblem(d) != "" {
			continue // said by checkDirectories
		}
		if msg := a.BucketNameProblem(d); msg != "" {
			ps = append(ps, item(i, msg))
		}
		name := a.BucketName(d)
		if other, dup := byName[name]; dup {
			ps = append(ps, item(i, fmt.Sprintf("%s and %s would share the name %s in the %s toolkit; keep one of them", quote(other), quote(d), name, a.Toolkit)))
		}
		byName[name] = d
	}
	return ps
}

func checkTechnique(a *Answers) Problems {
	if a.Technique != "" && !contains(Techniques, a.Technique) {
		return bad("%s is not a technique%s; use one of %s", quote(a.Technique), didYouMean(a.Technique, Techniques), oneOf(Techniques))
	}
	return nil
}

// techniqueNeedsTemporal: the toolkit mounts nothing for virgin and baseline builds.
func techniqueNeedsTemporal(a *Answers) string {
	// An unknown mode is said at mode, not here as well.
	if (a.Technique == TechniqueS3fs || a.Technique == TechniqueEFS) && a.Mode != ModeTemporal && contains(Modes, a.Mode) {
		return fmt.Sprintf("%s is for mode temporal only: the toolkit mounts nothing for %s builds; use plugin or local", a.Technique, a.Mode)
	}
	return ""
}

// efsNeedsOriginal: only the 2020–22 toolkit mounts EFS.
func efsNeedsOriginal(a *Answers) string {
	if _, known := presets.FindToolkit(a.Toolkit); a.Technique == TechniqueEFS && a.Toolkit != ToolkitOriginal && known {
		return fmt.Sprintf("efs needs toolkit: original (the 2020–22 toolkit is the only one that mounts EFS; the %s toolkit has none); use s3fs or plugin, or toolkit: original", a.Toolkit)
	}
	return ""
}

func checkMountTool(a *Answers) Problems {
	tk, ok := presets.FindToolkit(a.Toolkit)
	if a.MountTool == "" || !ok || a.Technique != TechniqueS3fs && a.Technique != "" {
		return nil // open, or said by the toolkit's check or the rule below
	}
	if !contains(tk.MountTools, a.MountTool) {
		return bad("%s is not a mount tool of the %s toolkit%s; use one of %s (DATASTOREMOUNTTOOL in its buildstyles)", quote(a.MountTool), tk.Name, didYouMean(a.MountTool, tk.MountTools), oneOf(tk.MountTools))
	}
	return nil
}

func mountToolNeedsS3fs(a *Answers) string {
	if a.MountTool != "" && a.Technique != TechniqueS3fs && a.Technique != "" {
		return "applies to technique s3fs only (the toolkit mounts the buckets); remove it, or set technique: s3fs"
	}
	return ""
}

// checkWebroot: the webroot goes into shell scripts, fstab lines and configs run as root:
// only an absolute path of parts of [A-Za-z0-9._-] is data in all of them.
func checkWebroot(a *Answers) Problems {
	if a.Webroot == "" {
		return nil
	}
	if !webrootPath.MatchString(a.Webroot) || path.Clean(a.Webroot) != a.Webroot {
		return bad("%s must be an absolute, clean path of letters, digits, '.', '_' and '-' between the '/', such as %s", quote(a.Webroot), DefaultWebroot)
	}
	return nil
}

func checkProvider(a *Answers) Problems {
	if a.Storage.Provider == "" {
		return nil // the rules below say when it is required
	}
	if _, ok := presets.FindProvider(a.Storage.Provider); !ok {
		return bad("%s is not a known storage provider%s; use one of %s (custom for any other S3-compatible endpoint)", quote(a.Storage.Provider), didYouMean(a.Storage.Provider, presets.Names(presets.Providers())), oneOf(presets.Names(presets.Providers())))
	}
	return nil
}

// efsNeedsAWS: EFS is an AWS service.
func efsNeedsAWS(a *Answers) string {
	if a.Technique == TechniqueEFS && a.Storage.Provider != "aws" {
		return fmt.Sprintf("technique efs needs provider aws (EFS is an AWS service), not %s", orNone(a.Storage.Provider))
	}
	return ""
}

func bucketsNeedAProvider(a *Answers) string {
	switch {
	case a.Storage.Provider != "":
	case a.MakesBuckets():
		return fmt.Sprintf("is required for technique %s; use one of %s", a.Technique, oneOf(presets.Names(presets.Providers())))
	case a.Technique != TechniqueEFS && (a.Storage.Region != "" || a.Storage.Endpoint != ""):
		return fmt.Sprintf("is required when storage.region or storage.endpoint is given; use one of %s", oneOf(presets.Names(presets.Providers())))
	}
	return ""
}

func checkEndpoint(a *Answers) Problems {
	p, ok := presets.FindProvider(a.Storage.Provider)
	if !ok {
		return nil
	}
	if a.Storage.Endpoint == "" {
		return bad("is required for provider %s, such as %s", p.Name, firstNonEmpty(p.EndpointExample, "s3.example.net"))
	}
	if msg := endpointProblem(a.Storage.Endpoint); msg != "" {
		return bad("%s %s; give a host such as %s", quote(a.Storage.Endpoint), msg, firstNonEmpty(p.EndpointFor(p.DefaultRegion()), p.EndpointExample, "s3.example.net"))
	}
	return nil
}

func checkRegion(a *Answers) Problems {
	p, ok := presets.FindProvider(a.Storage.Provider)
	switch {
	case !ok:
	case !regionName.MatchString(a.Storage.Region):
		return bad("%s is not a region name; for %s use one of %s", quote(a.Storage.Region), p.Name, oneOf(p.Regions))
	case !p.HasRegion(a.Storage.Region):
		return bad("%s is not a %s region%s; use one of %s", quote(a.Storage.Region), p.Name, didYouMean(a.Storage.Region, p.Regions), oneOf(p.Regions))
	}
	return nil
}

// checkSecret: the toolkit embeds the keys in quoted shell (the values are never shown).
func checkSecret(key string) func(a *Answers) Problems {
	return func(a *Answers) Problems {
		if v := a.Get(key); strings.ContainsAny(v, unsafeChars) || strings.ContainsAny(v, "\n\r") {
			return bad("holds \" ' ` \\ $ or a line break, which the toolkit cannot carry; create a key without them")
		}
		return nil
	}
}

// TokenProblem says why a Cloudflare API token cannot be sent in a header, or "": around it
// white space is dropped (a trailing newline from `cat token.txt`); inside it, only
// printable ASCII without spaces.
func TokenProblem(token string) string {
	for _, r := range strings.TrimSpace(token) {
		if r <= ' ' || r >= 0x7f {
			return "holds a space, a control character or a non-ASCII character inside it; set it to the token exactly as Cloudflare showed it"
		}
	}
	return ""
}

func checkToken(a *Answers) Problems {
	if msg := TokenProblem(a.Secrets.CloudflareToken); msg != "" && cloudflare(a) {
		return bad("%s", msg)
	}
	return nil
}

func checkEFSRegion(a *Answers) Problems {
	if aws, _ := presets.FindProvider("aws"); a.Technique == TechniqueEFS && a.EFS.Region != "" && !aws.HasRegion(a.EFS.Region) {
		return bad("%s is not an AWS region; use one of %s", quote(a.EFS.Region), oneOf(aws.Regions))
	}
	return nil
}

func checkSubnets(a *Answers) Problems {
	if a.Technique != TechniqueEFS {
		return nil
	}
	var ps Problems
	for i, id := range a.EFS.SubnetIDs {
		if !subnetID.MatchString(id) {
			ps = append(ps, item(i, quote(id)+" is not a subnet id; they look like subnet-0123abcd"))
		}
	}
	return ps
}

// efsNeedsASubnet: a mount target is made in each subnet.
func efsNeedsASubnet(a *Answers) string {
	if a.Technique == TechniqueEFS && len(a.EFS.SubnetIDs) == 0 {
		return "technique efs needs at least one subnet for the mount targets, such as [subnet-0123abcd]"
	}
	return ""
}

// maxSecurityGroups is how many security groups an EFS mount target takes.
const maxSecurityGroups = 5

func checkSecurityGroups(a *Answers) Problems {
	if a.Technique != TechniqueEFS {
		return nil
	}
	var ps Problems
	for i, id := range a.EFS.SecurityGroupIDs {
		if !securityGroup.MatchString(id) {
			ps = append(ps, item(i, quote(id)+" is not a security group id; they look like sg-0123abcd"))
		}
	}
	if n := len(a.EFS.SecurityGroupIDs); n > maxSecurityGroups {
		ps = append(ps, Problem{Message: fmt.Sprintf("lists %d groups; a mount target takes at most %d", n, maxSecurityGroups)})
	}
	return ps
}

func checkNoncurrentDays(a *Answers) Problems {
	if d := a.Storage.NoncurrentVersionDays; d != nil && (*d < 1 || *d > 36500) {
		return bad("%d is out of range; give the days to keep old versions, 1 to 36500 (default %d)", *d, DefaultNoncurrentVersionDays)
	}
	return nil
}

func checkEdgeTTL(a *Answers) Problems {
	if c := a.CDN; c.Provider == CDNCloudflare && c.EdgeTTL != 0 && (c.EdgeTTL < 1 || c.EdgeTTL > maxEdgeTTL) {
		return bad("%d is out of range; give seconds from 1 to %d (default %d, a day)", c.EdgeTTL, maxEdgeTTL, DefaultEdgeTTL)
	}
	return nil
}

func checkZone(a *Answers) Problems {
	zone := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(a.CDN.Zone)), ".")
	if a.CDN.Provider != CDNCloudflare || zone == "" {
		return nil // "": found from website_url through the API
	}
	if !hostname.MatchString(zone) || !strings.Contains(zone, ".") {
		return bad("%s is not a domain name; give the Cloudflare zone, such as example.com", quote(zone))
	}
	return nil
}

// zoneHoldsTheSite: the rules match the site's host, so its zone must hold it.
func zoneHoldsTheSite(a *Answers) string {
	zone := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(a.CDN.Zone)), ".")
	site := NormalizeWebsiteURL(a.WebsiteURL)
	if a.CDN.Provider != CDNCloudflare || zone == "" || site == "" || checkZone(a) != nil || strings.HasSuffix(site, "."+zone) {
		return ""
	}
	return fmt.Sprintf("%s does not hold the website %s; give the zone the site is in, or leave it out (empty) to find it", quote(zone), site)
}

func required(key, example string) func(a *Answers) Problems {
	return func(a *Answers) Problems {
		if strings.TrimSpace(a.Get(key)) == "" {
			return bad("is required; give %s", example)
		}
		return nil
	}
}

func checkBackupProvider(a *Answers) Problems {
	if !a.HasBackup() || !a.MakesBuckets() {
		return nil // the rules below
	}
	if _, ok := presets.FindProvider(a.Backup.Provider); !ok {
		return bad("%s is not a known storage provider%s; use one of %s", quote(a.Backup.Provider), didYouMean(a.Backup.Provider, presets.Names(presets.Providers())), oneOf(presets.Names(presets.Providers())))
	}
	return nil
}

func backupNeedsAProvider(a *Answers) string {
	if b := a.Backup; !a.HasBackup() && (b.Region != "" || b.Endpoint != "" || b.BucketSuffix != "") {
		return "is required when another backup answer is given; use one of " + oneOf(presets.Names(presets.Providers()))
	}
	return ""
}

func backupNeedsBuckets(a *Answers) string {
	if a.HasBackup() && !a.MakesBuckets() {
		return fmt.Sprintf("backs up the asset buckets, which technique %s does not make; remove the backup answers or use technique plugin or s3fs", a.Technique)
	}
	return ""
}

// backupProvider is the backup's provider when the backup answers can be judged at all.
func backupProvider(a *Answers) (presets.Provider, bool) {
	if !a.HasBackup() || !a.MakesBuckets() {
		return presets.Provider{}, false
	}
	return presets.FindProvider(a.Backup.Provider)
}

func checkBackupRegion(a *Answers) Problems {
	if p, ok := backupProvider(a); ok && (!regionName.MatchString(a.Backup.Region) || !p.HasRegion(a.Backup.Region)) {
		return bad("%s is not a %s region%s; use one of %s", quote(a.Backup.Region), p.Name, didYouMean(a.Backup.Region, p.Regions), oneOf(p.Regions))
	}
	return nil
}

func checkBackupEndpoint(a *Answers) Problems {
	p, ok := backupProvider(a)
	switch {
	case !ok:
	case a.Backup.Endpoint == "":
		return bad("is required for provider %s, such as %s", p.Name, p.EndpointExample)
	case endpointProblem(a.Backup.Endpoint) != "":
		return bad("%s %s", quote(a.Backup.Endpoint), endpointProblem(a.Backup.Endpoint))
	}
	return nil
}

func checkBackupSuffix(a *Answers) Problems {
	if _, ok := backupProvider(a); !ok {
		return nil
	}
	if !backupSuffix.MatchString(a.Backup.BucketSuffix) {
		return bad("%s must be 1 to 20 of a-z, 0-9 and '-', not starting or ending with '-' (default %s)", quote(a.Backup.BucketSuffix), DefaultBackupSuffix)
	}
	var ps Problems
	for _, bb := range a.BackupBuckets() {
		if len(bb.Name) > 63 {
			ps = append(ps, Problem{Message: fmt.Sprintf("makes the backup bucket %s of %d characters, over the 63 a bucket name may have; use a shorter suffix", bb.Name, len(bb.Name))})
		}
	}
	for _, m := range backupNameClashes(a) {
		ps = append(ps, Problem{Message: m})
	}
	return ps
}

// CheckWebsiteURL checks a website_url as typed (a scheme and a trailing slash are allowed).
func CheckWebsiteURL(raw string) error {
	return problemErr(websiteURLProblem(NormalizeWebsiteURL(raw)))
}

// CheckDirectory checks one asset directory on its own (its bucket name is the
// directories question's business).
func CheckDirectory(d string) error { return problemErr(directoryProblem(d)) }

func problemErr(msg string) error {
	if msg == "" {
		return nil
	}
	return fmt.Errorf("%s", msg)
}

// TechniquesFor lists the techniques offered for the answers so far: those the table's
// technique question allows.
func TechniquesFor(a *Answers) []string {
	q, _ := FindQuestion("technique")
	return q.ChoiceValues(a)
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

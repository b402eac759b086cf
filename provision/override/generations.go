package override

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/assetwiz/assetwiz/internal/exportfile"
	"github.com/assetwiz/assetwiz/presets"
	"github.com/assetwiz/assetwiz/steps"
)

// GenerationWarnings say, before anything is made, what the answers' toolkit generation will
// not do with them (CONTRACT.md "What each generation can do"), and which generation was
// taken when no answer gave it.
func GenerationWarnings(a *steps.Answers, tk presets.Toolkit, exports []Export) []string {
	var out []string
	warn := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if a.ToolkitFrom != "" {
		warn("toolkit: %s — %s — %s; set toolkit: in the answers (or --toolkit) to write for another generation", tk.Name, tk.Title, a.ToolkitFrom)
	}
	if a.HasStorage() {
		// One warning per fact: an unusable endpoint or AWS says more than the host list would.
		unusable := false
		if u, err := url.Parse(a.EndpointURL()); err == nil && (u.Scheme != "https" || u.Port() != "") {
			unusable = true
			warn("storage.endpoint %s: the toolkit reaches its storage only as https://<S3_HOST_BASE> on port 443, so it cannot use this endpoint (S3_HOST_BASE=%q); it is for testing only", a.EndpointURL(), a.HostBase())
		}
		awsWithout := a.Storage.Provider == "aws" && !tk.AWS
		if tk.Validator != "" && !tk.KnowsHostBase(a.HostBase()) && !unusable && !awsWithout {
			warn("S3_HOST_BASE %q (%s %s) is not in the %s toolkit's list of storage hosts (quick_specification.dat): its validator (%s) will warn about it; the buckets work all the same",
				a.HostBase(), a.Storage.Provider, a.Storage.Region, tk.Name, tk.Validator)
		}
		if awsWithout {
			warn("storage.provider aws: the %s toolkit has no AWS support of its own: it builds nothing on AWS, reads no DATASTORE_CHOICE for it, its validator (%s) warns about S3_HOST_BASE %q, and it mounts the buckets only as a plain S3 endpoint; toolkit: original is the one generation with AWS", tk.Name, tk.Validator, a.HostBase())
		}
	}
	if tk.DefaultDirectoriesOnly && a.Offloaded() {
		app, _ := presets.FindApplication(a.Application)
		var ignored []string
		for _, d := range a.Directories {
			if !slices.Contains(app.Directories, d) {
				ignored = append(ignored, d)
			}
		}
		if len(ignored) > 0 {
			warn("directories: the %s toolkit replaces DIRECTORIES_TO_MOUNT with %s's own (%s), so it will not mount %s; assetwiz makes them all the same",
				tk.Name, app.Title, strings.Join(app.Directories, ", "), strings.Join(ignored, ", "))
		}
	}
	if a.Technique == steps.TechniqueEFS && len(a.EFS.SubnetIDs) > 1 {
		// ProvisionElasticFS.sh makes one mount target, in ${SUBNET_ID}.
		warn("efs.subnet_ids: the %s toolkit reads one subnet, SUBNET_ID=%q (the first), and makes its own mount target only there; assetwiz makes one in each of %s, so web servers in the others reach the file systems through assetwiz's",
			tk.Name, a.EFS.SubnetIDs[0], strings.Join(a.EFS.SubnetIDs, ", "))
	}
	for _, s := range StrayBuckets(a) {
		out = append(out, s.String())
	}
	if a.CDN.Provider == steps.CDNCloudflare {
		// DNS_CHOICE alone breaks the build (the override script's sed "/DNS_CHOICE=/d" also
		// deletes AUTH_DNS_CHOICE, and Cloudflare needs DNS_USERNAME and DNS_SECURITY_KEY),
		// and those are the user's DNS credentials, not assetwiz's: it writes none of them.
		// A plugin site's uploads go through the CDN host, whose proxied record assetwiz makes
		// itself: only the site's own record is the toolkit's.
		// That the site's record must be proxied is the Cloudflare plan's warning (it reads the
		// record): said once, there.
		served := ""
		if host := a.CDNHost(); host != "" {
			served = fmt.Sprintf("uploads are served through %s, whose proxied record assetwiz makes in the zone; ", host)
		}
		warn("cdn: %sassetwiz does not write the toolkit's DNS exports: for the toolkit to keep the site's DNS at Cloudflare, set in the override file DNS_CHOICE=\"cloudflare\", DNS_USERNAME (the Cloudflare account's email) and DNS_SECURITY_KEY (%s)%s",
			served, dnsKeyForm(tk), authDNSNote(tk))
	}
	return out
}

func dnsKeyForm(tk presets.Toolkit) string {
	if tk.Name == steps.ToolkitCurrent {
		return "<account-id>:::<api-token>"
	}
	return "the Global API key"
}

func authDNSNote(tk presets.Toolkit) string {
	if tk.Name == steps.ToolkitCurrent {
		return ", and AUTH_DNS_CHOICE too (overriding DNS_CHOICE deletes the template's AUTH_DNS_CHOICE line)"
	}
	return ""
}

// generationExports are the exports assetwiz writes for some generations and not others,
// with the generations that read them, in the order the plan names them.
var generationExports = []struct{ name, readBy string }{
	{steps.ExportPersistCurrent, "current"},
	{steps.ExportPersistClassic, "classic and original"},
	{steps.ExportBuildChoice, "classic and original"},
	{steps.ExportDatastoreChoice, "classic and original"},
	{steps.ExportEnableEFS, "original"},
	{steps.ExportSubnetID, "original"},
}

// LeftBehind says what an override file's content keeps that the answers' generation does
// not read, or that its override script would break: the lines assetwiz does not own for
// this generation are never removed, so the plan names them.
func LeftBehind(a *steps.Answers, path, content string, exports []Export) []string {
	tk, _ := presets.FindToolkit(a.Toolkit)
	have := exportfile.Read(content)
	written := map[string]bool{}
	for _, e := range exports {
		written[e.Name] = true
	}
	var out []string
	for _, g := range generationExports {
		name := g.name
		v, ok := have[name]
		if !ok || written[name] {
			continue
		}
		if name == steps.ExportEnableEFS && tk.EFS {
			continue // the original toolkit reads it: backend.go says what an old "1" does
		}
		if strings.Contains(g.readBy, tk.Name) {
			continue // this generation reads it, but assetwiz has nothing to say (DATASTORE_CHOICE for a provider it lacks)
		}
		out = append(out, fmt.Sprintf("%s keeps %s=%q, which only the %s toolkit reads: the %s toolkit ignores it, and assetwiz leaves lines it does not write; remove it once the site has moved to the %s toolkit",
			path, name, v, g.readBy, tk.Name, tk.Name))
	}
	if tk.Name == steps.ToolkitCurrent {
		if _, dns := have[steps.ExportDNSChoice]; dns {
			if _, auth := have[steps.ExportAuthDNSChoice]; !auth {
				out = append(out, fmt.Sprintf(`%s sets DNS_CHOICE without AUTH_DNS_CHOICE: the toolkit's override script (sed "/DNS_CHOICE=/d") then deletes the template's AUTH_DNS_CHOICE too; add an export AUTH_DNS_CHOICE line to %s`, path, path))
			}
		}
	}
	return out
}

package steps

import (
	"strings"

	"github.com/assetwiz/assetwiz/internal/exportfile"
)

// The toolkit's exports that assetwiz writes (CONTRACT.md "Toolkit generations and the override exports").
const (
	ExportPersistClassic   = "PERSIST_ASSETS_TO_CLOUD"
	ExportPersistCurrent   = "PERSIST_ASSETS_TO_DATASTORE"
	ExportDirectories      = "DIRECTORIES_TO_MOUNT"
	ExportBuildArchive     = "BUILD_ARCHIVE_CHOICE"
	ExportBuildChoice      = "BUILD_CHOICE"
	ExportApplication      = "APPLICATION"
	ExportWebsiteURL       = "WEBSITE_URL"
	ExportDatastoreChoice  = "DATASTORE_CHOICE"
	ExportS3HostBase       = "S3_HOST_BASE"
	ExportS3Location       = "S3_LOCATION"
	ExportS3AccessKey      = "S3_ACCESS_KEY"
	ExportS3SecretKey      = "S3_SECRET_KEY"
	ExportEnableEFS        = "ENABLE_EFS"
	ExportSubnetID         = "SUBNET_ID"
	ExportDNSChoice        = "DNS_CHOICE"
	ExportAuthDNSChoice    = "AUTH_DNS_CHOICE"
	ExportDNSUsername      = "DNS_USERNAME"
	ExportDNSSecurityKey   = "DNS_SECURITY_KEY"
	ExportCloudflareToken  = "CLOUDFLARE_API_TOKEN" // the environment only, never exported
	EnvS3AccessKeyFallback = "AWS_ACCESS_KEY_ID"
	EnvS3SecretKeyFallback = "AWS_SECRET_ACCESS_KEY"
)

// FromOverride reads the answers back from an existing override file's exports, so that a
// second run starts where the first one ended. Values that make no sense as answers (a
// template's placeholders, the toolkit's merge= form) are skipped and named in the notes.
func FromOverride(content string) (a Answers, notes []string) {
	ex := exportfile.Read(content)
	get := func(name string) string { return strings.TrimSpace(ex[name]) }

	persist := ""
	a.Toolkit, a.ToolkitFrom = GenerationOf(ex)
	switch a.Toolkit {
	case ToolkitCurrent:
		persist = get(ExportPersistCurrent)
	case ToolkitClassic, ToolkitOriginal:
		persist = get(ExportPersistClassic)
	}
	switch choice := get(ExportBuildArchive); {
	case choice == ModeVirgin || choice == ModeBaseline:
		a.Mode = choice
	case contains(Periods, choice):
		a.Mode, a.Period = ModeTemporal, choice
	}
	if app := strings.ToLower(get(ExportApplication)); app != "" && app != "none" {
		a.Application = app
	}
	if url := get(ExportWebsiteURL); url != "" {
		a.WebsiteURL = url
	}
	if dirs := get(ExportDirectories); dirs != "" {
		if strings.Contains(dirs, "merge=") || strings.HasPrefix(dirs, "/") {
			notes = append(notes, ExportDirectories+" uses a form assetwiz does not write ("+dirs+"): not read back")
		} else {
			for _, d := range strings.Split(dirs, ":") {
				if a.Toolkit != ToolkitCurrent {
					d = strings.ReplaceAll(d, ".", "/")
				}
				if d != "" {
					a.Directories = append(a.Directories, d)
				}
			}
		}
	}
	if get(ExportEnableEFS) == "1" {
		a.Technique = TechniqueEFS
		if s := get(ExportSubnetID); s != "" {
			a.EFS.SubnetIDs = []string{s}
		}
	} else if persist == "1" {
		a.Technique = TechniqueS3fs
	}
	if choice := get(ExportDatastoreChoice); choice != "" {
		if p := providerByDatastoreChoice(a.Toolkit, choice); p != "" {
			a.Storage.Provider = p
		}
	}
	if host := get(ExportS3HostBase); host != "" && !strings.Contains(host, "|") {
		provider, region := providerByHost(host)
		if a.Storage.Provider == "" || a.Storage.Provider == provider {
			a.Storage.Provider, a.Storage.Region = provider, region
		}
		if region == "" {
			a.Storage.Endpoint = host
			if a.Storage.Provider == "" {
				a.Storage.Provider = "custom"
			}
		}
	}
	if get(ExportDNSChoice) == CDNCloudflare {
		a.CDN.Provider = CDNCloudflare
	}
	a.Secrets.S3AccessKey = get(ExportS3AccessKey)
	a.Secrets.S3SecretKey = get(ExportS3SecretKey)
	return a, notes
}

// GenerationOf tells the toolkit generation from an override file's exports, as the
// contract says, with the reason; "" when the exports say nothing of it.
func GenerationOf(ex map[string]string) (toolkit, why string) {
	switch {
	case hasKey(ex, ExportPersistCurrent):
		return ToolkitCurrent, "it has " + ExportPersistCurrent
	case !hasKey(ex, ExportPersistClassic):
		return "", ""
	case strings.TrimSpace(ex[ExportDatastoreChoice]) == "amazonS3":
		return ToolkitOriginal, "it has " + ExportPersistClassic + " with " + ExportDatastoreChoice + `="amazonS3"`
	case hasKey(ex, ExportEnableEFS):
		return ToolkitOriginal, "it has " + ExportPersistClassic + " with " + ExportEnableEFS
	case hasKey(ex, ExportSubnetID):
		return ToolkitOriginal, "it has " + ExportPersistClassic + " with " + ExportSubnetID
	}
	return ToolkitClassic, "it has " + ExportPersistClassic + " without the original toolkit's AWS exports"
}

func hasKey(m map[string]string, k string) bool { _, ok := m[k]; return ok }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

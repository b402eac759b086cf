// Package buckets is the S3 backend: the asset buckets, their versioning, the lifecycle rule
// that expires old versions, and for the plugin technique CORS and a read-only policy.
package buckets

import (
	"context"
	"fmt"

	"github.com/assetwiz/assetwiz/presets"
	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// Offline plans the buckets without asking the provider: every one is to be created.
type Offline struct{}

// Plan lists every bucket action as create.
func (Offline) Plan(_ context.Context, a *steps.Answers) (provision.Plan, error) {
	return Desired(a), nil
}

// Desired is what the answers ask of the buckets, as if none existed yet. The live planner
// turns each action into a noop or an update where the provider already has it.
func Desired(a *steps.Answers) provision.Plan {
	var p provision.Plan
	buckets := a.Buckets()
	if len(buckets) == 0 {
		return p
	}
	prov, _ := presets.FindProvider(a.Storage.Provider)
	caps := prov.Capabilities
	where := fmt.Sprintf("%s %s, %s", prov.Name, a.Storage.Region, a.HostBase())
	app, _ := presets.FindApplication(a.Application)
	for _, b := range buckets {
		p.Actions = append(p.Actions, provision.Action{
			Resource: provision.Bucket, ID: b.Name, Op: provision.Create,
			Detail: fmt.Sprintf("for /%s (%s)", b.Directory, where),
		})
		if a.Versioned() && caps.Versioning {
			p.Actions = append(p.Actions, provision.Action{
				Resource: provision.BucketVersioning, ID: b.Name, Op: provision.Create,
				Detail: "enabled: an overwritten or deleted upload can be restored",
			})
			if caps.Lifecycle {
				p.Actions = append(p.Actions, provision.Action{
					Resource: provision.BucketLifecycle, ID: b.Name, Op: provision.Create,
					Detail: "expire old versions after " + Days(*a.Storage.NoncurrentVersionDays),
				})
			}
		}
		if a.Technique == steps.TechniquePlugin {
			if caps.CORS {
				p.Actions = append(p.Actions, provision.Action{
					Resource: provision.BucketCORS, ID: b.Name, Op: provision.Create,
					Detail: "GET and HEAD from https://" + a.WebsiteURL,
				})
			}
			if app.Plugin.ServesFromBucket && caps.Policy {
				p.Actions = append(p.Actions, provision.Action{
					Resource: provision.BucketPolicy, ID: b.Name, Op: provision.Create,
					Detail: "public read-only: s3:GetObject on this bucket's objects, nothing else",
				})
			}
		}
	}
	chain(p.Actions) // one bucket's documents one after another (see chain)
	if a.Versioned() && !caps.Versioning {
		p.Warn("%s does not offer bucket versioning: the buckets will hold the only copy of the uploads with no way to restore one; keep backups of them", prov.Title)
	}
	if a.Versioned() && caps.Versioning && !caps.Lifecycle {
		p.Warn("%s offers no lifecycle rules through S3: old versions are kept until you delete them, and are billed", prov.Title)
	}
	if !a.Versioned() {
		p.Warn("versioning is off: the buckets hold the only copy of the uploads, so an overwritten or deleted file cannot be restored")
	}
	if a.Technique == steps.TechniquePlugin && !caps.CORS {
		p.Warn("%s does not offer CORS rules: fonts and scripts served from the buckets may be refused by browsers", prov.Title)
	}
	if a.Technique == steps.TechniquePlugin && app.Plugin.ServesFromBucket && caps.Policy && prov.Name == "aws" {
		p.Warn("AWS blocks public bucket policies by default (Block Public Access): before apply, allow public policies on the asset buckets, or the read-only policy %s needs is refused (AccessDenied)", app.Plugin.Name)
	}
	if a.Technique == steps.TechniqueS3fs {
		p.Warn("a bucket mounted as a folder (technique s3fs, mounted with %s) is a last resort: reads through the mount are slow and the web servers do not coordinate (a change shows on the others only after their cache expires); prefer technique plugin where the application has one", a.MountToolUsed())
	}
	return p
}

// Days is a count of days in words: "1 day", "30 days".
func Days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

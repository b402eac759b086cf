package tui

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/charmbracelet/huh"

	"github.com/assetwiz/assetwiz/presets"
	"github.com/assetwiz/assetwiz/provision/override"
	"github.com/assetwiz/assetwiz/steps"
)

// values are what the forms bind to, as the fields hold them (text for numbers and lists).
// They are copied into the answers when a step is done, and kept when going back.
type values struct {
	toolkit, mode, period        string
	application, url             string
	dirs                         []string
	extraDirs                    string
	technique                    string
	provider, region, endpoint   string
	accessKey, secretKey         string
	efsRegion, subnets, groups   string
	versioning                   bool
	days                         string
	cdn, token, zone, ttl        string
	overrideFile, snippetsDir    string
	secretsFromEnv, tokenFromEnv bool
}

// cdn choices combine cdn.provider and cdn.method.
const cdnNone = steps.CDNNone

func valuesOf(a *steps.Answers, getenv func(string) string) *values {
	v := &values{
		toolkit: a.Toolkit, mode: a.Mode, period: a.Period, application: a.Application, url: a.WebsiteURL,
		dirs: slices.Clone(a.Directories), technique: a.Technique,
		provider: a.Storage.Provider, region: a.Storage.Region, endpoint: a.Storage.Endpoint,
		accessKey: a.Secrets.S3AccessKey, secretKey: a.Secrets.S3SecretKey,
		efsRegion: a.EFS.Region, subnets: strings.Join(a.EFS.SubnetIDs, ", "), groups: strings.Join(a.EFS.SecurityGroupIDs, ", "),
		versioning: a.Storage.Versioning == nil || *a.Storage.Versioning,
		days:       strconv.Itoa(steps.DefaultNoncurrentVersionDays),
		cdn:        cdnNone, token: a.Secrets.CloudflareToken, zone: a.CDN.Zone, ttl: strconv.Itoa(steps.DefaultEdgeTTL),
		overrideFile: a.Output.OverrideFile, snippetsDir: a.Output.SnippetsDir,
	}
	if a.Storage.NoncurrentVersionDays != nil {
		v.days = strconv.Itoa(*a.Storage.NoncurrentVersionDays)
	}
	if a.CDN.Provider == steps.CDNCloudflare {
		v.cdn = a.CDN.Method
		if v.cdn == "" {
			v.cdn = steps.MethodCacheRules
		}
	}
	if a.CDN.EdgeTTL != 0 {
		v.ttl = strconv.Itoa(a.CDN.EdgeTTL)
	}
	if v.mode == "" {
		v.mode = steps.ModeTemporal
	}
	if v.period == "" {
		v.period = steps.Periods[0]
	}
	if v.application == "" {
		v.application = presets.Applications()[0].Name
	}
	v.secretsFromEnv = getenv(steps.ExportS3AccessKey) != "" || getenv(steps.EnvS3AccessKeyFallback) != ""
	v.tokenFromEnv = getenv(steps.ExportCloudflareToken) != ""
	return v
}

// question is a group of fields asked together, when it applies.
type question struct {
	when   func() bool // nil: always
	fields func() []huh.Field
}

// step is one screen of the wizard.
type step struct {
	name string
	// applies says whether the step is asked for the answers so far.
	applies func(w *wizard) bool
	// explain is the short explanation under the header, in the toolkit's terms.
	explain func(w *wizard) string
	// questions builds the step's fields, bound to w.v.
	questions func(w *wizard) []question
	// commit copies the step's values into the answers.
	commit func(w *wizard)
}

// wizard is the state shared by the full-screen and the accessible wizards.
type wizard struct {
	// mu guards the values huh's *Func callbacks read: huh runs them in goroutines of its own
	// while the form writes the values.
	mu    sync.Mutex
	opt   Options
	ans   steps.Answers
	v     *values
	steps []step
	// toolkitFromOverride: the toolkit generation was read from the existing override file.
	toolkitFromOverride bool
	// zoneFound is the Cloudflare zone the CDN check found.
	zoneFound string
	// techniqueChosen: the user picked the technique in its step; until then it follows the
	// mode's default (s3fs for temporal, local otherwise).
	techniqueChosen bool
	// accessible: plain line prompts, where a list is typed rather than ticked.
	accessible bool
}

func newWizard(opt Options) *wizard {
	w := &wizard{opt: opt, ans: opt.Loaded.Answers, accessible: opt.Accessible}
	w.ans.Complete()
	w.v = valuesOf(&w.ans, opt.Getenv)
	w.techniqueChosen = opt.Loaded.AnswersFile != "" && w.ans.Technique != ""
	if opt.Loaded.OverrideFound {
		if data, err := os.ReadFile(w.ans.Output.OverrideFile); err == nil {
			from, _ := steps.FromOverride(string(data))
			w.toolkitFromOverride = from.Toolkit != ""
		}
	}
	w.steps = allSteps()
	return w
}

// applicable lists the indexes of the steps that apply to the answers so far.
func (w *wizard) applicable() []int {
	var out []int
	for i, s := range w.steps {
		if s.applies == nil || s.applies(w) {
			out = append(out, i)
		}
	}
	return out
}

func always(*wizard) bool { return true }

func opt(label, value string) huh.Option[string] { return huh.NewOption(label, value) }

func allSteps() []step {
	return []step{
		{name: "Toolkit generation", explain: explainToolkit, questions: toolkitQuestions, commit: func(w *wizard) {
			w.ans.Toolkit = w.v.toolkit
			if !slices.Contains(steps.TechniquesFor(&w.ans), w.ans.Technique) {
				w.resetTechnique()
			}
		}},
		{name: "Deployment mode", explain: explainMode, questions: modeQuestions, commit: func(w *wizard) {
			if w.v.mode != w.ans.Mode && !w.techniqueChosen {
				w.ans.Technique = ""
			}
			w.ans.Mode = w.v.mode
			w.ans.Period = ""
			if w.ans.Mode == steps.ModeTemporal {
				w.ans.Period = w.v.period
			}
			if !slices.Contains(steps.TechniquesFor(&w.ans), w.ans.Technique) {
				w.resetTechnique()
			}
		}},
		{name: "Application and site", explain: explainApplication, questions: applicationQuestions, commit: func(w *wizard) {
			if w.v.application != w.ans.Application {
				app, _ := presets.FindApplication(w.v.application)
				w.v.dirs = slices.Clone(app.Directories)
				w.v.extraDirs = ""
				w.ans.Directories = slices.Clone(app.Directories)
			}
			w.ans.Application = w.v.application
			w.ans.WebsiteURL = steps.NormalizeWebsiteURL(w.v.url)
			w.v.url = w.ans.WebsiteURL
		}},
		{name: "Asset directories", explain: explainDirectories, questions: directoryQuestions, commit: func(w *wizard) {
			w.ans.Directories = w.directories()
		}},
		{name: "Technique", explain: explainTechnique, questions: techniqueQuestions, commit: func(w *wizard) {
			w.ans.Technique, w.techniqueChosen = w.v.technique, true
			if w.ans.Technique == steps.TechniqueEFS {
				w.v.provider = "aws"
				w.setProvider()
			}
			w.ans.Storage.Versioning, w.ans.Storage.NoncurrentVersionDays = nil, nil
			w.ans.Complete()
			w.v.versioning = w.ans.Versioned() || !w.ans.MakesBuckets()
		}},
		{name: "Storage", applies: func(w *wizard) bool { return w.ans.Technique != steps.TechniqueLocal },
			explain: explainStorage, questions: storageQuestions, commit: func(w *wizard) {
				w.setProvider()
				w.ans.Secrets.S3AccessKey, w.ans.Secrets.S3SecretKey = strings.TrimSpace(w.v.accessKey), strings.TrimSpace(w.v.secretKey)
			}},
		{name: "EFS", applies: func(w *wizard) bool { return w.ans.Technique == steps.TechniqueEFS },
			explain: explainEFS, questions: efsQuestions, commit: func(w *wizard) {
				w.ans.EFS.Region = w.v.efsRegion
				w.ans.EFS.SubnetIDs = steps.SplitList(w.v.subnets)
				w.ans.EFS.SecurityGroupIDs = steps.SplitList(w.v.groups)
			}},
		{name: "Backups", applies: func(w *wizard) bool { return w.ans.MakesBuckets() },
			explain: explainBackups, questions: backupQuestions, commit: func(w *wizard) {
				yes := w.v.versioning
				w.ans.Storage.Versioning = &yes
				w.ans.Storage.NoncurrentVersionDays = nil
				if yes {
					days, _ := strconv.Atoi(strings.TrimSpace(w.v.days))
					w.ans.Storage.NoncurrentVersionDays = &days
				}
			}},
		{name: "CDN", explain: explainCDN, questions: cdnQuestions, commit: func(w *wizard) {
			w.ans.CDN = steps.CDN{Provider: steps.CDNNone}
			if w.v.cdn != cdnNone {
				ttl, _ := strconv.Atoi(strings.TrimSpace(w.v.ttl))
				w.ans.CDN = steps.CDN{Provider: steps.CDNCloudflare, Method: w.v.cdn,
					Zone: strings.TrimSuffix(strings.ToLower(strings.TrimSpace(w.v.zone)), "."), EdgeTTL: ttl}
				w.ans.Secrets.CloudflareToken = strings.TrimSpace(w.v.token)
			}
		}},
		{name: "Output", explain: explainOutput, questions: outputQuestions, commit: func(w *wizard) {
			w.ans.Output.OverrideFile = strings.TrimSpace(w.v.overrideFile)
			w.ans.Output.SnippetsDir = strings.TrimSpace(w.v.snippetsDir)
		}},
		{name: "Review"},
	}
}

func (w *wizard) resetTechnique() {
	w.ans.Technique = ""
	w.ans.Complete()
	w.v.technique = w.ans.Technique
}

// setProvider copies provider, region and endpoint into the answers: the region falls back to
// the provider's default when it is not one of its own, the endpoint follows the region.
func (w *wizard) setProvider() {
	p, _ := presets.FindProvider(w.v.provider)
	if !p.HasRegion(w.v.region) || w.v.region == "" {
		w.v.region = p.DefaultRegion()
	}
	w.ans.Storage.Provider, w.ans.Storage.Region = p.Name, w.v.region
	if p.Endpoint != "" {
		w.v.endpoint = p.EndpointFor(w.v.region)
	}
	w.ans.Storage.Endpoint = strings.TrimSpace(w.v.endpoint)
}

// directories are the chosen directories: the ticked ones, then those typed.
func (w *wizard) directories() []string {
	out := slices.Clone(w.v.dirs)
	for _, d := range steps.SplitList(w.v.extraDirs) {
		d = strings.Trim(d, "/")
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// ---- explanations, in the toolkit's own terms ----

func explainToolkit(w *wizard) string {
	s := "The Agile Deployment Toolkit reads assetwiz's settings as exports in its override file. " +
		"Its generations read different exports and name the buckets differently:"
	for _, t := range presets.Toolkits() {
		s += "\n  " + t.Name + ": " + t.Title + " (" + t.PersistExport + ")"
	}
	if w.toolkitFromOverride {
		s += "\n\nDetected from your existing " + w.ans.Output.OverrideFile + ": " + w.ans.Toolkit + " (" + w.ans.ToolkitFrom + ")."
	} else if w.opt.Loaded.OverrideFound {
		s += "\n\n" + w.ans.Output.OverrideFile + " exists; its exports prefill these answers."
	}
	return s
}

func explainMode(*wizard) string {
	return "Virgin and baseline builds install the application fresh or from your baseline: the toolkit " +
		"mounts nothing, so uploads stay on each server unless the application itself writes them to a bucket. " +
		"Temporal builds restore the site from a periodic backup onto several servers at once: " +
		"that is when uploads must be offloaded to shared storage, so every server sees them."
}

func explainApplication(*wizard) string {
	return "The application says where uploads live. The site's host names the buckets " +
		"(as the toolkit generation names them) and the CDN rules; it needs a subdomain, such as www.example.com."
}

func explainDirectories(w *wizard) string {
	return "Each asset directory (relative to the webroot) gets its own bucket, named after the site. " +
		"The application's usual directories are ticked; untick with x, add your own below."
}

func explainTechnique(w *wizard) string {
	s := "How the web servers share uploads. A plugin is preferred: the application writes to the buckets itself, " +
		"in every mode. s3fs mounts a bucket as a folder: a last resort, slow with many small files. " +
		"EFS is a network file system, AWS only."
	if w.ans.Mode != steps.ModeTemporal {
		s += " s3fs and EFS are for temporal builds only (mode is " + w.ans.Mode + ")."
	} else if w.ans.Toolkit != steps.ToolkitOriginal {
		s += " Only the original (2020–22) toolkit mounts EFS."
	}
	return s
}

func explainStorage(w *wizard) string {
	s := "The buckets are made at this provider. The keys are never saved in " + steps.DefaultAnswersFile +
		"; they go into the override file (mode 0600), where the toolkit needs them."
	if w.ans.Technique == steps.TechniqueEFS {
		s = "EFS is an AWS service, so the provider is Amazon S3; its region is the default for the file systems. " +
			"Keys are never saved in " + steps.DefaultAnswersFile + "."
	}
	if w.opt.CheckStorage == nil {
		s += "\nTesting the keys is not available in this build: apply reports a key problem."
	}
	return s
}

func explainEFS(*wizard) string {
	return "EFS makes one file system per asset directory, with a mount target in each subnet your web servers use. " +
		"The original toolkit mounts it (ENABLE_EFS, SUBNET_ID)."
}

func explainBackups(w *wizard) string {
	return "The buckets will hold the only copy of the uploads: the toolkit backs up no offloaded directory. " +
		"Versioning keeps overwritten and deleted files for a while, so a mistake can be undone."
}

func explainCDN(w *wizard) string {
	s := "Cloudflare can serve uploads from its edge instead of your web servers: one \"cache everything\" " +
		"rule per asset directory. Cache Rules are the current kind; Page Rules are the older one (few per plan)."
	if w.opt.CheckCDN == nil {
		s += "\nChecking the token is not available in this build: apply reports a token problem."
	}
	return s
}

func explainOutput(w *wizard) string {
	return "assetwiz writes the toolkit's exports into the override file, and the server snippets " +
		"(fstab lines, mount commands, plugin settings) into a folder."
}

// ---- questions ----

func toolkitQuestions(w *wizard) []question {
	return []question{{fields: func() []huh.Field {
		var opts []huh.Option[string]
		for _, t := range presets.Toolkits() {
			opts = append(opts, opt(t.Title, t.Name))
		}
		return []huh.Field{huh.NewSelect[string]().Key("toolkit").Title("Which toolkit generation builds the site?").
			Options(opts...).Value(&w.v.toolkit)}
	}}}
}

var modeHelp = map[string]string{
	steps.ModeVirgin:   "virgin: a fresh install of the application",
	steps.ModeBaseline: "baseline: built from your baseline copy of the site",
	steps.ModeTemporal: "temporal: restored from periodic backups; offloads uploads",
}

func modeQuestions(w *wizard) []question {
	return []question{
		{fields: func() []huh.Field {
			var opts []huh.Option[string]
			for _, m := range steps.Modes {
				opts = append(opts, opt(modeHelp[m], m))
			}
			return []huh.Field{huh.NewSelect[string]().Key("mode").Title("How is the site built?").Options(opts...).Value(&w.v.mode)}
		}},
		{when: func() bool { return w.v.mode == steps.ModeTemporal }, fields: func() []huh.Field {
			return []huh.Field{huh.NewSelect[string]().Key("period").Title("How often is the temporal backup taken?").
				Description("A new build restores the latest one.").
				Options(huh.NewOptions(steps.Periods...)...).Value(&w.v.period)}
		}},
	}
}

func applicationQuestions(w *wizard) []question {
	return []question{{fields: func() []huh.Field {
		var opts []huh.Option[string]
		for _, a := range presets.Applications() {
			opts = append(opts, opt(a.Title, a.Name))
		}
		return []huh.Field{
			huh.NewSelect[string]().Key("application").Title("Application").Options(opts...).Value(&w.v.application),
			huh.NewInput().Key("website_url").Title("Website URL").Placeholder("www.example.com").
				DescriptionFunc(func() string {
					if w.get(&w.v.url) == "" {
						return "The site's host, with a subdomain."
					}
					if err := steps.CheckWebsiteURL(w.get(&w.v.url)); err != nil {
						return "✗ " + err.Error()
					}
					return "✓ " + steps.NormalizeWebsiteURL(w.get(&w.v.url))
				}, &w.v.url).
				Validate(steps.CheckWebsiteURL).Accessor(w.guard(&w.v.url)),
		}
	}}}
}

// bucketLabel is a directory with the bucket it gets, and a warning when the name is bad.
func (w *wizard) bucketLabel(d string) string {
	if !w.ans.MakesBuckets() && w.ans.Technique != "" && w.ans.Technique != steps.TechniqueLocal {
		return d
	}
	label := d + "  → " + w.ans.BucketName(d)
	if msg := w.ans.BucketNameProblem(d); msg != "" {
		if n := len(w.ans.BucketName(d)); n > 63 {
			label += fmt.Sprintf("  ! %d characters, too long", n)
		} else {
			label += "  ! bad bucket name"
		}
	}
	return label
}

func directoryQuestions(w *wizard) []question {
	if w.accessible {
		return []question{{fields: func() []huh.Field {
			w.v.extraDirs = strings.Join(w.directories(), ", ")
			w.v.dirs = nil
			var names []string
			for _, d := range steps.SplitList(w.v.extraDirs) {
				names = append(names, w.bucketLabel(d))
			}
			return []huh.Field{huh.NewInput().Key("directories").Title("Asset directories (comma-separated)").
				Description("Now: " + strings.Join(names, "; ")).
				Validate(func(s string) error {
					if len(steps.SplitList(s)) == 0 {
						return nil // Enter keeps them
					}
					for _, d := range steps.SplitList(s) {
						if err := steps.CheckDirectory(d); err != nil {
							return err
						}
					}
					return nil
				}).Accessor(w.guard(&w.v.extraDirs))}
		}}}
	}
	return []question{{fields: func() []huh.Field {
		app, _ := presets.FindApplication(w.ans.Application)
		choices := slices.Clone(app.Directories)
		for _, d := range w.v.dirs {
			if !slices.Contains(choices, d) {
				choices = append(choices, d)
			}
		}
		var opts []huh.Option[string]
		for _, d := range choices {
			opts = append(opts, opt(w.bucketLabel(d), d))
		}
		return []huh.Field{
			huh.NewMultiSelect[string]().Key("directories").Title("Asset directories").
				Options(opts...).Value(&w.v.dirs).Height(min(len(opts)+2, 8)),
			huh.NewInput().Key("extra_directories").Title("More directories (comma-separated, optional)").
				Placeholder("wp-content/cache").
				DescriptionFunc(func() string {
					var lines []string
					for _, d := range steps.SplitList(w.get(&w.v.extraDirs)) {
						if err := steps.CheckDirectory(d); err != nil {
							lines = append(lines, "✗ "+err.Error())
						} else {
							lines = append(lines, w.bucketLabel(d))
						}
					}
					return strings.Join(lines, "\n")
				}, &w.v.extraDirs).
				Validate(func(s string) error {
					for _, d := range steps.SplitList(s) {
						if err := steps.CheckDirectory(d); err != nil {
							return err
						}
					}
					if len(w.v.dirs) == 0 && len(steps.SplitList(s)) == 0 {
						return fmt.Errorf("choose or type at least one directory")
					}
					for _, d := range append(slices.Clone(w.v.dirs), steps.SplitList(s)...) {
						if msg := w.ans.BucketNameProblem(d); msg != "" && w.ans.Technique != steps.TechniqueLocal {
							return fmt.Errorf("%s", msg)
						}
					}
					return nil
				}).Accessor(w.guard(&w.v.extraDirs)),
		}
	}}}
}

var techniqueHelp = map[string]string{
	steps.TechniqueLocal:  "local   keep uploads on each server's disk (no buckets)",
	steps.TechniquePlugin: "plugin  the application writes to buckets (preferred)",
	steps.TechniqueS3fs:   "s3fs    the toolkit mounts the buckets (last resort)",
	steps.TechniqueEFS:    "efs     the toolkit mounts AWS EFS (AWS only)",
}

func techniqueQuestions(w *wizard) []question {
	return []question{{fields: func() []huh.Field {
		var opts []huh.Option[string]
		for _, t := range steps.TechniquesFor(&w.ans) {
			opts = append(opts, opt(techniqueHelp[t], t))
		}
		if !slices.Contains(steps.TechniquesFor(&w.ans), w.v.technique) {
			w.resetTechnique()
		}
		desc := ""
		if app, ok := presets.FindApplication(w.ans.Application); ok {
			desc = "The plugin for " + app.Title + ": " + app.Plugin.Name + "."
		}
		return []huh.Field{huh.NewSelect[string]().Key("technique").Title("How should the servers share uploads?").
			Description(desc).Options(opts...).Value(&w.v.technique)}
	}}}
}

func providerOf(name string) presets.Provider {
	p, _ := presets.FindProvider(name)
	return p
}

func storageQuestions(w *wizard) []question {
	efs := w.ans.Technique == steps.TechniqueEFS
	if w.v.provider == "" {
		w.v.provider = presets.Providers()[0].Name
	}
	qs := []question{}
	if !efs {
		qs = append(qs, question{fields: func() []huh.Field {
			var opts []huh.Option[string]
			for _, p := range presets.Providers() {
				opts = append(opts, opt(fmt.Sprintf("%-13s %s", p.Name, p.Title), p.Name))
			}
			return []huh.Field{huh.NewSelect[string]().Key("storage.provider").Title("Storage provider").
				Options(opts...).Accessor(w.guard(&w.v.provider)).Height(8)}
		}})
	}
	qs = append(qs,
		question{when: func() bool { return len(providerOf(w.v.provider).Regions) > 1 && !providerOf(w.v.provider).AnyRegion },
			fields: func() []huh.Field {
				regions := func() []huh.Option[string] {
					p := providerOf(w.get(&w.v.provider))
					var opts []huh.Option[string]
					for _, r := range p.Regions {
						opts = append(opts, opt(fmt.Sprintf("%-15s %s", r, p.EndpointFor(r)), r))
					}
					return opts
				}
				sel := huh.NewSelect[string]().Key("storage.region").Height(8)
				if w.accessible { // asked after the provider, on its own: no live update needed
					sel = sel.Title("Region at " + providerOf(w.v.provider).Title).Options(regions()...)
				} else {
					sel = sel.TitleFunc(func() string { return "Region at " + providerOf(w.get(&w.v.provider)).Title }, &w.v.provider).
						OptionsFunc(regions, &w.v.provider)
				}
				return []huh.Field{sel.Value(&w.v.region)}
			}},
		question{when: func() bool { return providerOf(w.v.provider).Endpoint == "" }, fields: func() []huh.Field {
			return []huh.Field{
				huh.NewInput().Key("storage.endpoint").Title("Endpoint").
					DescriptionFunc(func() string {
						return "The S3 endpoint's host or URL, such as " + providerOf(w.get(&w.v.provider)).EndpointExample
					}, &w.v.provider).
					Validate(steps.CheckEndpoint).Value(&w.v.endpoint),
				huh.NewInput().Key("storage.region_custom").Title("Region (press Enter for " + w.regionDefault() + ")").
					Validate(func(s string) error {
						if s == "" {
							return nil
						}
						return steps.CheckRegion(w.v.provider, s)
					}).Value(&w.v.region),
			}
		}},
		question{fields: func() []huh.Field {
			from := "Typed here, shown masked; saved only in the override file."
			if w.v.secretsFromEnv {
				from = "Taken from the environment (S3_ACCESS_KEY / AWS_ACCESS_KEY_ID); change them here if you like."
			}
			return []huh.Field{
				huh.NewInput().Key("s3_access_key").Title("Access key").Description(from).
					EchoMode(huh.EchoModePassword).Validate(w.orKeep(&w.v.accessKey, steps.CheckSecret)).Value(&w.v.accessKey),
				huh.NewInput().Key("s3_secret_key").Title("Secret key").
					EchoMode(huh.EchoModePassword).Validate(w.orKeep(&w.v.secretKey, steps.CheckSecret)).Value(&w.v.secretKey),
			}
		}},
	)
	return qs
}

func (w *wizard) regionDefault() string {
	if p := providerOf(w.v.provider); p.AnyRegion && regionOfAnother(p.Name, w.v.region) {
		return p.DefaultRegion() // the region left over from a provider looked at before
	}
	if w.v.region != "" {
		return w.v.region
	}
	return providerOf(w.v.provider).DefaultRegion()
}

func efsQuestions(w *wizard) []question {
	if w.v.efsRegion == "" {
		w.v.efsRegion = w.ans.Storage.Region
	}
	return []question{{fields: func() []huh.Field {
		return []huh.Field{
			huh.NewInput().Key("efs.region").Title("EFS region").Validate(func(s string) error { return steps.CheckRegion("aws", s) }).
				Value(&w.v.efsRegion),
			huh.NewInput().Key("efs.subnet_ids").Title("Subnets of the web servers (comma-separated)").Placeholder("subnet-0123abcd").
				Validate(func(s string) error {
					ids := steps.SplitList(s)
					if len(ids) == 0 {
						return fmt.Errorf("give at least one subnet, such as subnet-0123abcd")
					}
					for _, id := range ids {
						if err := steps.CheckSubnetID(id); err != nil {
							return err
						}
					}
					return nil
				}).Value(&w.v.subnets),
			huh.NewInput().Key("efs.security_group_ids").Title("Security groups (optional, comma-separated)").Placeholder("sg-0123abcd").
				Validate(func(s string) error {
					ids := steps.SplitList(s)
					if len(ids) > 5 {
						return fmt.Errorf("a mount target takes at most 5 security groups")
					}
					for _, id := range ids {
						if err := steps.CheckSecurityGroupID(id); err != nil {
							return err
						}
					}
					return nil
				}).Value(&w.v.groups),
		}
	}}}
}

func backupQuestions(w *wizard) []question {
	return []question{
		{fields: func() []huh.Field {
			desc := ""
			if p := providerOf(w.ans.Storage.Provider); p.Name != "" && !p.Capabilities.Versioning {
				desc = p.Title + " has no S3 versioning: the plan will warn."
			}
			return []huh.Field{huh.NewConfirm().Key("storage.versioning").Title("Keep old versions of uploads?").
				Description(desc).Affirmative("Yes (recommended)").Negative("No").Value(&w.v.versioning)}
		}},
		{when: func() bool { return w.v.versioning }, fields: func() []huh.Field {
			return []huh.Field{huh.NewInput().Key("storage.noncurrent_version_days").Title("Days to keep an old version").
				Validate(steps.CheckNoncurrentVersionDays).Value(&w.v.days)}
		}},
	}
}

func cdnQuestions(w *wizard) []question {
	return []question{
		{fields: func() []huh.Field {
			return []huh.Field{huh.NewSelect[string]().Key("cdn").Title("Serve uploads through a CDN?").
				Options(opt("none         no CDN rules", cdnNone),
					opt("cache-rules  Cloudflare Cache Rules (recommended)", steps.MethodCacheRules),
					opt("page-rules   Cloudflare Page Rules (older)", steps.MethodPageRules)).
				Value(&w.v.cdn)}
		}},
		{when: func() bool { return w.v.cdn != cdnNone }, fields: func() []huh.Field {
			from := "Zone read and Cache Rules (or Page Rules) edit; shown masked, never saved."
			if w.v.tokenFromEnv {
				from = "Taken from CLOUDFLARE_API_TOKEN in the environment."
			}
			return []huh.Field{
				huh.NewInput().Key("cloudflare_api_token").Title("Cloudflare API token").Description(from).
					EchoMode(huh.EchoModePassword).Validate(w.orKeep(&w.v.token, steps.CheckSecret)).Value(&w.v.token),
				huh.NewInput().Key("cdn.zone").Title("Zone (press Enter to find it from " + w.ans.WebsiteURL + ")").
					Validate(func(s string) error { return steps.CheckZone(s, w.ans.WebsiteURL) }).Value(&w.v.zone),
				huh.NewInput().Key("cdn.edge_ttl").Title("Seconds Cloudflare keeps an upload").
					Validate(steps.CheckEdgeTTL).Value(&w.v.ttl),
			}
		}},
	}
}

func outputQuestions(w *wizard) []question {
	return []question{{fields: func() []huh.Field {
		return []huh.Field{
			huh.NewInput().Key("output.override_file").Title("Override file").
				DescriptionFunc(func() string { return w.overrideNote(strings.TrimSpace(w.get(&w.v.overrideFile)), 6) }, &w.v.overrideFile).
				Validate(func(s string) error {
					if strings.TrimSpace(s) == "" && !w.accessible {
						return fmt.Errorf("give the override file's path, such as %s", steps.DefaultOverrideFile)
					}
					return nil
				}).Accessor(w.guard(&w.v.overrideFile)),
			huh.NewInput().Key("output.snippets_dir").Title("Snippets folder").
				Validate(func(s string) error {
					if strings.TrimSpace(s) == "" && !w.accessible {
						return fmt.Errorf("give a folder, such as %s", steps.DefaultSnippetsDir)
					}
					return nil
				}).Value(&w.v.snippetsDir),
		}
	}}}
}

// overrideNote says whether the override file will be made or merged, with the diff.
func (w *wizard) overrideNote(path string, maxLines int) string {
	if path == "" {
		return ""
	}
	a := w.ans
	a.Output.OverrideFile = path
	current, desired, exists, _, _, err := override.Desired(&a, false)
	switch {
	case err != nil:
		return "✗ " + err.Error()
	case !exists:
		return "It does not exist yet: it will be made, mode 0600."
	case current == desired:
		return "It exists and already holds these exports: unchanged."
	}
	d := diffLines(current, desired)
	if maxLines > 0 && len(d) > maxLines {
		d = append(d[:maxLines], fmt.Sprintf("  … and %d more lines", len(d)-maxLines))
	}
	return "It exists: assetwiz's exports will be merged, every other line kept:\n" + strings.Join(d, "\n")
}

// orKeep is a field's check, except that in accessible mode an empty line keeps the value
// the field already holds (huh's line prompt checks the line before it falls back to it).
func (w *wizard) orKeep(current *string, check func(string) error) func(string) error {
	return func(s string) error {
		if w.accessible && s == "" && *current != "" {
			return nil
		}
		return check(s)
	}
}

// guarded is a field's value behind the wizard's lock (see wizard.mu).
type guarded struct {
	mu *sync.Mutex
	p  *string
}

func (g guarded) Get() string  { g.mu.Lock(); defer g.mu.Unlock(); return *g.p }
func (g guarded) Set(v string) { g.mu.Lock(); defer g.mu.Unlock(); *g.p = v }

func (w *wizard) guard(p *string) guarded { return guarded{&w.mu, p} }

// get reads a value that a form may be writing.
func (w *wizard) get(p *string) string { return w.guard(p).Get() }

// regionOfAnother reports whether region is one of another provider's listed regions.
func regionOfAnother(provider, region string) bool {
	for _, p := range presets.Providers() {
		if p.Name != provider && !p.AnyRegion && p.HasRegion(region) {
			return true
		}
	}
	return false
}

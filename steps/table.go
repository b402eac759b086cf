package steps

import (
	"fmt"
	"strings"
	"sync"

	"github.com/assetwiz/assetwiz/presets"
)

// The wizard's steps as data (rclone's fs.Register habit): every question is declared once,
// here, and this one table drives the full-screen wizard, the accessible prompts, the
// command-line flags and docs/answers.md. Adding an answer is one Question here plus its use
// in provision.

// StepID names a step of the wizard.
type StepID string

// The steps, in the order they are asked.
const (
	StepToolkit     StepID = "toolkit"
	StepMode        StepID = "mode"
	StepApplication StepID = "application"
	StepDirectories StepID = "directories"
	StepTechnique   StepID = "technique"
	StepStorage     StepID = "storage"
	StepEFS         StepID = "efs"
	StepBackups     StepID = "backups"
	StepCDN         StepID = "cdn"
	StepOutput      StepID = "output"
	StepBackup      StepID = "backup" // the second copy (assetwiz backup), after Storage
	StepReview      StepID = "review"
)

// Kind is how a question is answered.
type Kind int

const (
	KindChoice      Kind = iota // one of Choices
	KindText                    // a line of text
	KindNumber                  // a whole number
	KindBool                    // yes or no
	KindList                    // several values, comma-separated on one line
	KindDirectories             // the asset directories: the application's, ticked, and more typed
	KindSecret                  // a key or token: masked, never saved in the answers file, no flag
)

// Choice is one answer offered, with its help.
type Choice struct {
	Value string
	Help  string
}

// Question is one answer: its answers-file key, how flags, the environment and the wizard
// name it, when it is asked, its default and its check. This is the one place each is
// written: Complete takes the defaults from here, Validate and the wizard the checks and rules.
type Question struct {
	Key  string // answers-file key ("storage.region"); for a secret, its name in the wizard
	Flag string // command-line flag, "" for none
	// Env is a secret's environment variable (an answer's is EnvName: ASSETWIZ_ and the key).
	Env string
	// EnvAlso are a secret's fallback variables, read when Env is not set.
	EnvAlso []string
	Kind    Kind
	Title   string // the wizard's question
	// TitleFor is the wizard's question for the answers so far, when it depends on them.
	TitleFor func(a *Answers) string
	Help     string // one line: the flag's usage and the reference's description
	// DefaultDoc says in words what an open answer becomes (for --help and the reference).
	DefaultDoc string
	// Default is the value an open answer takes for the other answers ("": it stays open);
	// nil: none by design (a required answer, a secret, one the API finds).
	Default func(a *Answers) string
	// KeepOpen: the default is not written into the answers, and choosing it in the wizard
	// leaves the answer open, so that it keeps following the answers it depends on.
	KeepOpen bool
	// Suggest is the choice the wizard starts on when no source gave the answer: the advice,
	// which may differ from the answers file's Default (kept as the contract says).
	Suggest func(a *Answers) string
	// Choices are the answers the question lists; the wizard offers those Verdict allows.
	Choices func(a *Answers) []Choice
	// Typed, when it says so, asks a choice as typed text (a provider that takes any region).
	Typed func(a *Answers) bool
	// Placeholder is the example shown in an empty input.
	Placeholder func(a *Answers) string
	// Describe is the line under the question in the wizard, for the answers so far; nil: none.
	Describe func(a *Answers) string
	// When says whether the question is asked for the answers so far; nil: always.
	When func(a *Answers) bool
	// Check says what is wrong with the answer at Key, within the answers; nil: nothing.
	Check func(a *Answers) Problems
	// Rules are the rules between this answer and others, each said about this one.
	Rules []Rule
	// Resets are the answers that depend on this one: when it changes, they are dropped
	// (from a lower source, or in the wizard) and become their defaults again.
	Resets []string
	// Follows are the answers whose default this one is while nobody chose it: in the
	// wizard, changing one of them changes this one too (the technique follows the mode).
	Follows []string
	// Advanced answers are flags and answers-file keys only; the wizard does not ask them.
	Advanced bool
}

// Rule is a rule between answers, said about the answer of the question that holds it.
type Rule struct {
	Says  string                    // the rule in words (docs/answers.md)
	Check func(a *Answers) Problems // how the answers break it; none: they keep it
}

// rule is a rule whose breach is one message about the answer ("" when kept).
func rule(says string, broken func(a *Answers) string) Rule {
	return Rule{says, func(a *Answers) Problems {
		if msg := broken(a); msg != "" {
			return bad("%s", msg)
		}
		return nil
	}}
}

// Asked reports whether the question is asked for the answers so far.
func (q Question) Asked(a *Answers) bool { return !q.Advanced && (q.When == nil || q.When(a)) }

// IsTyped reports whether a choice is typed rather than chosen from a list.
func (q Question) IsTyped(a *Answers) bool {
	return q.Kind != KindChoice || (q.Typed != nil && q.Typed(a))
}

// Step is one screen of the wizard.
type Step struct {
	ID    StepID
	Title string
	// Explain is the short explanation under the step's title, in the toolkit's terms.
	Explain func(a *Answers) string
	// Applies says whether the step is asked for the answers so far; nil: always.
	Applies   func(a *Answers) bool
	Questions []Question
}

// AppliesTo reports whether the step is asked for the answers so far.
func (s Step) AppliesTo(a *Answers) bool { return s.Applies == nil || s.Applies(a) }

// Steps is the table of the wizard's steps, the review last.
func Steps() []Step { return table }

// Questions lists every question of every step, in order. The list is shared: read it, do
// not change it.
func Questions() []Question { return questions() }

// questions is made once: the start-up alone reads it for every flag of every command.
var questions = sync.OnceValue(func() []Question {
	var out []Question
	for _, s := range table {
		out = append(out, s.Questions...)
	}
	return out
})

// FindQuestion returns the question of an answers-file key.
func FindQuestion(key string) (Question, bool) {
	for _, s := range table { // not Questions(): a copy of every question per call (every flag of every command at start-up)
		for _, q := range s.Questions {
			if q.Key == key {
				return q, true
			}
		}
	}
	return Question{}, false
}

func providerOf(a *Answers) presets.Provider {
	p, _ := presets.FindProvider(a.Storage.Provider)
	return p
}

// generationOf is the answers' toolkit generation (current while none is known).
func generationOf(a *Answers) presets.Toolkit {
	tk, _ := presets.FindToolkit(a.Toolkit)
	if len(tk.MountTools) == 0 {
		tk, _ = presets.FindToolkit(ToolkitCurrent)
	}
	return tk
}

// BuildstyleTool is a mount tool's name in the toolkit's buildstyles.dat (goofys is "goof").
func BuildstyleTool(tool string) string {
	if tool == MountToolGoofys {
		return "goof"
	}
	return tool
}

// describeMountTool says, in a user's words, which line of the toolkit's build descriptors
// picks the mount tool, so that the answer matches what the build really mounts with.
func describeMountTool(a *Answers) string {
	tk := generationOf(a)
	file, line := "builddescriptors/buildstyles.dat", "DATASTOREMOUNTTOOL:rclone:binary"
	if tk.Name == ToolkitClassic {
		file, line = "builddescriptors/buildstylesscp.dat", "DATASTOREMOUNTTOOL:s3fs:source"
	}
	return "Your build mounts with " + tk.DefaultMountTool() + " unless you changed the line " + line + " in the toolkit's " +
		file + ". If you did (or will), choose that tool: assetwiz writes the mount for it. " +
		"The line spells goofys \"goof\"."
}

// regionTitle is a region question's title: at a provider by name, not at "Any other …".
func regionTitle(title string, p presets.Provider) string {
	switch {
	case p.Name == "":
		return title
	case p.Endpoint == "" && p.AnyRegion:
		return title + " (the one your endpoint expects)"
	}
	return title + " at " + p.Title
}

func backupProviderOf(a *Answers) presets.Provider {
	p, _ := presets.FindProvider(a.Backup.Provider)
	return p
}

func describeStorageKey(*Answers) string {
	return "Shown masked; written only into the override file (mode 0600), where the toolkit needs it, never into " + DefaultAnswersFile + "."
}

func describeBackupKey(*Answers) string {
	return "Shown masked and never saved: the backup timer reads it from " + EnvBackupAccessKey + " and " + EnvBackupSecretKey +
		" in its environment file (the next steps say where)."
}

// constant is a default that depends on no other answer.
func constant(v string) func(*Answers) string { return func(*Answers) string { return v } }

// when is v when cond holds, else "" (the answer stays open).
func when(cond bool, v string) string {
	if cond {
		return v
	}
	return ""
}

func cloudflare(a *Answers) bool { return a.CDN.Provider == CDNCloudflare }

var modeHelp = map[string]string{
	ModeVirgin:   "a fresh install of the application",
	ModeBaseline: "built from your baseline copy of the site",
	ModeTemporal: "restored from periodic backups; offloads uploads",
}

// techniqueChoices are the techniques with what each does for the answers so far: the
// application's own plugin by name, the tool the toolkit mounts with.
func techniqueChoices(a *Answers) []Choice {
	plugin := "the application writes to the buckets itself (preferred)"
	if app, ok := presets.FindApplication(a.Application); ok && app.Plugin.Name != "" {
		plugin = "the " + app.Title + " plugin " + app.Plugin.Name + " writes to the buckets (preferred)"
		if strings.Contains(strings.ToLower(app.Plugin.Name), "s3fs") {
			// Drupal's module is called s3fs too: say which is which.
			plugin += "; not the s3fs mount below"
		}
	}
	help := map[string]string{
		TechniqueLocal:  "keep uploads on each server's disk (no buckets)",
		TechniquePlugin: plugin,
		TechniqueS3fs: "mount the bucket as a folder on every web server (" + generationOf(a).DefaultMountTool() +
			" by default for toolkit " + generationOf(a).Name + "; slow: a last resort)",
		TechniqueEFS: "mount an AWS EFS file system on every web server (AWS, toolkit original only)",
	}
	return choices(Techniques, help)
}

// suggestTechnique follows the advice: the application's plugin where it has one and the
// mode offloads (temporal); otherwise the default.
func suggestTechnique(a *Answers) string {
	if app, ok := presets.FindApplication(a.Application); ok && app.Plugin.Name != "" && a.Mode == ModeTemporal {
		return TechniquePlugin
	}
	return ""
}

// suggestProvider is the first provider the answers' toolkit generation builds on (AWS
// only for a generation with AWS support).
func suggestProvider(a *Answers) string {
	tk := generationOf(a)
	for _, p := range presets.Providers() {
		if p.Name != "aws" || tk.AWS {
			return p.Name
		}
	}
	return ""
}

func choices(values []string, help map[string]string) []Choice {
	out := make([]Choice, 0, len(values))
	for _, v := range values {
		out = append(out, Choice{v, help[v]})
	}
	return out
}

var table = []Step{
	{ID: StepToolkit, Title: "Toolkit generation",
		Explain: func(*Answers) string {
			s := "The Agile Deployment Toolkit reads assetwiz's settings as exports in its override file. " +
				"Its generations read different exports and name the buckets differently:"
			for _, t := range presets.Toolkits() {
				s += "\n  " + t.Name + ": " + t.Title + " (" + t.PersistExport + ")"
			}
			return s
		},
		Questions: []Question{{Key: "toolkit", Flag: "toolkit", Kind: KindChoice,
			Title: "Which toolkit generation builds the site?", Help: "the toolkit generation",
			DefaultDoc: "read from the override file, else " + ToolkitCurrent,
			Default:    constant(ToolkitCurrent),
			Check:      checkToolkit,
			Choices: func(*Answers) []Choice {
				var out []Choice
				for _, t := range presets.Toolkits() {
					out = append(out, Choice{t.Name, t.Title})
				}
				return out
			}}}},
	{ID: StepMode, Title: "Deployment mode",
		Explain: func(*Answers) string {
			return "Virgin and baseline builds install the application fresh or from your baseline: the toolkit " +
				"mounts nothing, so uploads stay on each server unless the application itself writes them to a bucket. " +
				"Temporal builds restore the site from a periodic backup onto several servers at once: " +
				"that is when uploads must be offloaded to shared storage, so every server sees them."
		},
		Questions: []Question{
			{Key: "mode", Flag: "mode", Kind: KindChoice, Title: "How is the site built?",
				Help: "deployment mode", DefaultDoc: "required",
				Suggest: constant(ModeTemporal), // the mode assetwiz is mostly for
				Choices: func(*Answers) []Choice { return choices(Modes, modeHelp) },
				Check:   checkMode,
				Resets:  []string{"period"}},
			{Key: "period", Flag: "period", Kind: KindChoice, Title: "How often is the temporal backup taken?",
				Help: "how often the temporal backup is taken", DefaultDoc: "hourly",
				Default: func(a *Answers) string { return when(a.Mode == ModeTemporal, Periods[0]) },
				Choices: func(*Answers) []Choice { return choices(Periods, nil) },
				When:    func(a *Answers) bool { return a.Mode == ModeTemporal },
				Describe: func(*Answers) string {
					return "Sets BUILD_ARCHIVE_CHOICE (and BUILD_CHOICE for classic and original): which of the toolkit's periodic backups a build restores the site from."
				},
				Check: oneOfChoices("a temporal period", func(*Answers) []string { return Periods }, func(a *Answers) string { return a.Period }),
				Rules: []Rule{rule("applies to mode temporal only", func(a *Answers) string {
					if contains(Periods, a.Period) && contains(Modes, a.Mode) && a.Mode != ModeTemporal {
						return "applies to mode temporal only (mode is " + a.Mode + "); remove it or set mode: temporal"
					}
					return ""
				})}},
		}},
	{ID: StepApplication, Title: "Application and site",
		Explain: func(*Answers) string {
			return "The application says where uploads live. The site's host names the buckets " +
				"(as the toolkit generation names them) and the CDN rules; it needs a subdomain, such as www.example.com."
		},
		Questions: []Question{
			{Key: "application", Flag: "application", Kind: KindChoice, Title: "Application",
				Help: "the application", DefaultDoc: "required",
				Choices: func(*Answers) []Choice {
					var out []Choice
					for _, app := range presets.Applications() {
						out = append(out, Choice{app.Name, app.Title})
					}
					return out
				},
				Check:  checkApplication,
				Resets: []string{"directories"}},
			{Key: "website_url", Flag: "website-url", Kind: KindText, Title: "Website URL",
				Help: "the site's host, with a subdomain (www.example.com)", DefaultDoc: "required",
				Placeholder: func(*Answers) string { return "www.example.com" },
				Describe:    func(*Answers) string { return "The site's host, with a subdomain." },
				Check:       checkWebsiteURL,
				Resets:      []string{"cdn.host"}},
		}},
	{ID: StepDirectories, Title: "Asset directories",
		Explain: func(*Answers) string {
			return "Each asset directory (relative to the webroot) gets its own bucket, named after the site. " +
				"The application's usual directories are listed."
		},
		Questions: []Question{{Key: "directories", Flag: "directory", Kind: KindDirectories, Title: "Asset directories",
			Help:       "an asset directory relative to the webroot (repeat for more)",
			DefaultDoc: "the application's preset (assetwiz presets)",
			Placeholder: func(a *Answers) string {
				if app, ok := presets.FindApplication(a.Application); ok && len(app.Directories) > 0 {
					return app.Directories[0] + "/more"
				}
				return "media/uploads"
			},
			Default: func(a *Answers) string {
				app, _ := presets.FindApplication(a.Application)
				return strings.Join(app.Directories, ",")
			},
			Check: checkDirectories,
			Rules: []Rule{{"with buckets (plugin, s3fs) or EFS, the name the toolkit generation gives each directory " +
				"must be a valid bucket name (or EFS creation token), and no two may share one", checkBucketNames}},
		}}},
	{ID: StepTechnique, Title: "Technique",
		Explain: func(a *Answers) string {
			s := "How the web servers share uploads. A plugin is preferred: the application writes to the buckets itself, " +
				"in every mode. s3fs: the toolkit mounts each bucket as a folder (with rclone, s3fs, goofys or geesefs), " +
				"a last resort, slow with many small files. " +
				"EFS is a network file system, AWS only."
			if a.Mode != ModeTemporal {
				s += " s3fs and EFS are for temporal builds only (mode is " + a.Mode + ")."
			} else if a.Toolkit != ToolkitOriginal {
				s += " Only the original (2020–22) toolkit mounts EFS."
			}
			if app, ok := presets.FindApplication(a.Application); ok && app.Plugin.Name != "" {
				s += " The plugin for " + app.Title + ": " + app.Plugin.Name + "."
			}
			return s
		},
		Questions: []Question{
			{Key: "technique", Flag: "technique", Kind: KindChoice, Title: "How should the servers share uploads?",
				Help:       "how the web servers share uploads",
				DefaultDoc: "s3fs for temporal, local otherwise",
				Default: func(a *Answers) string {
					switch a.Mode {
					case "":
						return ""
					case ModeTemporal:
						return TechniqueS3fs
					}
					return TechniqueLocal
				},
				Suggest: suggestTechnique,
				Choices: techniqueChoices,
				Check:   checkTechnique,
				Rules: []Rule{
					rule("s3fs and efs are for mode temporal only", techniqueNeedsTemporal),
					rule("efs needs toolkit: original", efsNeedsOriginal),
				},
				Resets:  []string{"storage.versioning", "storage.noncurrent_version_days"},
				Follows: []string{"mode", "toolkit"}},
			{Key: "mount_tool", Flag: "mount-tool", Kind: KindChoice, Title: "Which tool mounts the buckets on the servers?",
				Help:       "what the toolkit's build mounts buckets with (DATASTOREMOUNTTOOL)",
				DefaultDoc: "the generation's own (rclone for current)",
				// A generation with one tool (original: s3fs) has nothing to ask.
				When:     func(a *Answers) bool { return a.Technique == TechniqueS3fs && len(generationOf(a).MountTools) > 1 },
				Describe: describeMountTool,
				// The generation's own tool is left open, so a change of generation leaves no stale tool.
				Default:  func(a *Answers) string { return generationOf(a).DefaultMountTool() },
				KeepOpen: true,
				Check:    checkMountTool,
				Rules:    []Rule{rule("applies to technique s3fs only", mountToolNeedsS3fs)},
				Choices: func(a *Answers) []Choice {
					tk := generationOf(a)
					out := make([]Choice, 0, len(tk.MountTools))
					for _, t := range tk.MountTools {
						help := "set DATASTOREMOUNTTOOL:" + BuildstyleTool(t) + ":…"
						if t == tk.DefaultMountTool() {
							help = "the toolkit's default"
						}
						out = append(out, Choice{t, help})
					}
					return out
				}},
			{Key: "webroot", Flag: "webroot", Kind: KindText, Title: "Webroot on the web servers",
				Help: "the webroot on the web servers, where the mount points are", DefaultDoc: DefaultWebroot, Advanced: true,
				Default: constant(DefaultWebroot), Check: checkWebroot},
		}},
	{ID: StepStorage, Title: "Storage",
		Applies: func(a *Answers) bool { return a.Technique != TechniqueLocal },
		Explain: func(a *Answers) string {
			if a.Technique == TechniqueEFS {
				return "EFS is an AWS service, so the provider is Amazon S3; its region is the default for the file systems. " +
					"Keys are never saved in " + DefaultAnswersFile + "."
			}
			return "The buckets are made at this provider. The keys are never saved in " + DefaultAnswersFile +
				"; they go into the override file (mode 0600), where the toolkit needs them."
		},
		Questions: []Question{
			{Key: "storage.provider", Flag: "provider", Kind: KindChoice, Title: "Storage provider",
				Help: "storage provider (see assetwiz presets)", DefaultDoc: "aws for efs; required otherwise",
				When:    func(a *Answers) bool { return a.Technique != TechniqueEFS },
				Default: func(a *Answers) string { return when(a.Technique == TechniqueEFS, "aws") },
				Suggest: suggestProvider,
				Check:   checkProvider,
				Rules: []Rule{
					rule("efs needs provider aws", efsNeedsAWS),
					rule("plugin and s3fs need a provider, and so do storage.region and storage.endpoint", bucketsNeedAProvider),
				},
				Choices: func(a *Answers) []Choice {
					// Said at the choice, not only as a plan warning after it: AWS is in the list
					// for toolkit original, and the other generations build nothing on it.
					tk := generationOf(a)
					var out []Choice
					for _, p := range presets.Providers() {
						help := p.Title
						if p.Name == "aws" && !tk.AWS {
							help += " (no AWS support in toolkit " + tk.Name + ")"
						}
						out = append(out, Choice{p.Name, help})
					}
					return out
				},
				Resets: []string{"storage.region", "storage.endpoint"}},
			{Key: "storage.endpoint", Flag: "endpoint", Kind: KindText, Title: "Endpoint",
				Help:       "storage endpoint host or URL (required for custom); http:// for a plain-HTTP server",
				DefaultDoc: "derived from the provider and region",
				When:       func(a *Answers) bool { return providerOf(a).Endpoint == "" },
				Placeholder: func(a *Answers) string {
					if ex := providerOf(a).EndpointExample; ex != "" {
						return ex
					}
					return "s3.example.net"
				},
				Default: func(a *Answers) string {
					p := providerOf(a)
					return when(p.Name != "", p.EndpointFor(firstNonEmpty(a.Storage.Region, p.DefaultRegion())))
				},
				Describe: func(*Answers) string {
					return "The S3 endpoint's host or URL; start it with http:// for a server without TLS."
				},
				Check: checkEndpoint},
			{Key: "storage.region", Flag: "region", Kind: KindChoice, Title: "Region",
				Help: "storage region", DefaultDoc: "the provider's first listed region",
				When: func(a *Answers) bool {
					p := providerOf(a)
					return p.Endpoint == "" || p.AnyRegion || len(p.Regions) > 1
				},
				Typed: func(a *Answers) bool { p := providerOf(a); return p.Endpoint == "" || p.AnyRegion },
				Choices: func(a *Answers) []Choice {
					p := providerOf(a)
					var out []Choice
					for _, r := range p.Regions {
						out = append(out, Choice{r, p.EndpointFor(r)})
					}
					return out
				},
				Placeholder: func(a *Answers) string { return providerOf(a).DefaultRegion() },
				Default:     func(a *Answers) string { return providerOf(a).DefaultRegion() },
				TitleFor:    func(a *Answers) string { return regionTitle("Region", providerOf(a)) },
				Check:       checkRegion},
			{Key: "s3_access_key", Env: ExportS3AccessKey, EnvAlso: []string{EnvS3AccessKeyFallback}, Kind: KindSecret, Title: "Access key",
				Help:     "the storage access key (also " + EnvS3AccessKeyFallback + ")",
				Describe: describeStorageKey, Check: checkSecret("s3_access_key")},
			{Key: "s3_secret_key", Env: ExportS3SecretKey, EnvAlso: []string{EnvS3SecretKeyFallback}, Kind: KindSecret, Title: "Secret key",
				Help:     "the storage secret key (also " + EnvS3SecretKeyFallback + ")",
				Describe: describeStorageKey, Check: checkSecret("s3_secret_key")},
		}},
	{ID: StepBackup, Title: "Second copy",
		Applies: func(a *Answers) bool { return a.MakesBuckets() },
		Explain: func(*Answers) string {
			return "The buckets will hold the only copy of the uploads. `assetwiz backup` can keep a second copy at another " +
				"provider, region or account, run daily by a timer on a server. Optional: choose none to skip it."
		},
		Questions: []Question{
			{Key: "backup.provider", Kind: KindChoice, Title: "Keep a second copy elsewhere?", Help: "the backup's storage provider", DefaultDoc: "none: no backup",
				When:    func(a *Answers) bool { return a.MakesBuckets() },
				Suggest: constant(CDNNone), // optional: the wizard starts on none
				Check:   checkBackupProvider,
				Rules: []Rule{
					rule("is required when another backup answer is given", backupNeedsAProvider),
					rule("needs buckets (technique plugin or s3fs)", backupNeedsBuckets),
				},
				Choices: func(*Answers) []Choice {
					out := []Choice{{CDNNone, "no second copy"}}
					for _, p := range presets.Providers() {
						out = append(out, Choice{p.Name, p.Title})
					}
					return out
				},
				Resets: []string{"backup.region", "backup.endpoint"}},
			{Key: "backup.endpoint", Kind: KindText, Title: "Backup endpoint", Help: "the backup's endpoint host or URL", DefaultDoc: "derived from the provider and region",
				When: func(a *Answers) bool { return a.HasBackup() && backupProviderOf(a).Endpoint == "" },
				Placeholder: func(a *Answers) string {
					return firstNonEmpty(backupProviderOf(a).EndpointExample, "s3.example.net")
				},
				Default: func(a *Answers) string {
					p, _ := presets.FindProvider(a.Backup.Provider)
					return when(a.HasBackup(), p.EndpointFor(firstNonEmpty(a.Backup.Region, p.DefaultRegion())))
				},
				Check: checkBackupEndpoint},
			{Key: "backup.region", Kind: KindChoice, Title: "Backup region", Help: "the backup's region", DefaultDoc: "the provider's first listed region",
				When: func(a *Answers) bool {
					p := backupProviderOf(a)
					return a.HasBackup() && (p.Endpoint == "" || p.AnyRegion || len(p.Regions) > 1)
				},
				Typed: func(a *Answers) bool { p := backupProviderOf(a); return p.Endpoint == "" || p.AnyRegion },
				Choices: func(a *Answers) []Choice {
					p := backupProviderOf(a)
					var out []Choice
					for _, r := range p.Regions {
						out = append(out, Choice{r, p.EndpointFor(r)})
					}
					return out
				},
				Placeholder: func(a *Answers) string { return backupProviderOf(a).DefaultRegion() },
				TitleFor:    func(a *Answers) string { return regionTitle("Backup region", backupProviderOf(a)) },
				Default: func(a *Answers) string {
					p, _ := presets.FindProvider(a.Backup.Provider)
					return when(a.HasBackup(), p.DefaultRegion())
				},
				Check: checkBackupRegion},
			{Key: "backup_s3_access_key", Env: EnvBackupAccessKey, Kind: KindSecret, Title: "Backup access key",
				Help: "the backup target's access key", When: func(a *Answers) bool { return a.HasBackup() },
				Describe: describeBackupKey, Check: checkSecret("backup_s3_access_key")},
			{Key: "backup_s3_secret_key", Env: EnvBackupSecretKey, Kind: KindSecret, Title: "Backup secret key",
				Help: "the backup target's secret key", When: func(a *Answers) bool { return a.HasBackup() },
				Describe: describeBackupKey, Check: checkSecret("backup_s3_secret_key")},
			{Key: "backup.bucket_suffix", Kind: KindText, Title: "Backup bucket suffix", Help: "ends each backup bucket's name: <asset bucket>-<suffix>", DefaultDoc: DefaultBackupSuffix, Advanced: true,
				Default: func(a *Answers) string { return when(a.HasBackup(), DefaultBackupSuffix) },
				Check:   checkBackupSuffix},
		}},
	{ID: StepEFS, Title: "EFS",
		Applies: func(a *Answers) bool { return a.Technique == TechniqueEFS },
		Explain: func(*Answers) string {
			return "EFS makes one file system per asset directory, with a mount target in each subnet your web servers use. " +
				"The original toolkit mounts it (ENABLE_EFS, SUBNET_ID)."
		},
		Questions: []Question{
			{Key: "efs.region", Flag: "efs-region", Kind: KindText, Title: "EFS region",
				Help: "EFS region", DefaultDoc: "the storage region",
				Placeholder: func(a *Answers) string { return a.Storage.Region },
				Default:     func(a *Answers) string { return when(a.Technique == TechniqueEFS, a.Storage.Region) },
				Check:       checkEFSRegion},
			{Key: "efs.subnet_ids", Flag: "subnet", Kind: KindList, Title: "Subnets of the web servers (comma-separated)",
				Help: "EFS mount target subnet id (repeat for more)", DefaultDoc: "required for efs",
				Placeholder: func(*Answers) string { return "subnet-0123abcd" },
				Check:       checkSubnets,
				Rules:       []Rule{rule("efs needs at least one subnet", efsNeedsASubnet)}},
			{Key: "efs.security_group_ids", Flag: "security-group", Kind: KindList, Title: "Security groups (optional, comma-separated)",
				Help: "EFS mount target security group id (repeat for more)", DefaultDoc: "the VPC's default group",
				Placeholder: func(*Answers) string { return "sg-0123abcd" },
				Check:       checkSecurityGroups},
		}},
	{ID: StepBackups, Title: "Old versions",
		Applies: func(a *Answers) bool { return a.MakesBuckets() },
		Explain: func(a *Answers) string {
			s := "The buckets will hold the only copy of the uploads: the toolkit backs up no offloaded directory. "
			if a.HasBackup() { // answered in the step before: not the only copy, but a day old at most
				s = "The toolkit backs up no offloaded directory; the second copy is made once a day. "
			}
			s += "Versioning keeps overwritten and deleted files for a while, so a mistake can be undone."
			if p := providerOf(a); p.Name != "" && !p.Capabilities.Versioning {
				s += " " + p.Title + " has no S3 versioning: the plan will warn."
			}
			return s
		},
		Questions: []Question{
			{Key: "storage.versioning", Flag: "versioning", Kind: KindBool, Title: "Keep old versions of uploads?",
				Help: "keep old versions of uploads: true or false", DefaultDoc: "true when the buckets hold the only copy",
				// The buckets hold the only copy of the uploads (the toolkit backs up no mounted
				// directory), so keep old versions unless told otherwise.
				Default: func(a *Answers) string { return when(a.MakesBuckets(), "true") }},
			{Key: "storage.noncurrent_version_days", Flag: "noncurrent-version-days", Kind: KindNumber,
				Title: "Days to keep an old version", Help: "days to keep old versions",
				DefaultDoc: fmt.Sprint(DefaultNoncurrentVersionDays),
				When:       func(a *Answers) bool { return a.Versioned() },
				Default:    func(a *Answers) string { return when(a.Versioned(), fmt.Sprint(DefaultNoncurrentVersionDays)) },
				Check:      checkNoncurrentDays},
		}},
	{ID: StepCDN, Title: "CDN",
		Explain: func(a *Answers) string {
			if a.Technique == TechniquePlugin {
				return "The plugin links uploads to the bucket, so Cloudflare serves them from a host of their own in front of it " +
					"(a proxied record, an origin rule that needs an Enterprise zone, and a \"cache everything\" rule). " +
					"Cache Rules are the current kind; Page Rules are the older one (few per plan)."
			}
			return "Cloudflare can serve uploads from its edge instead of your web servers: one \"cache everything\" " +
				"rule per asset directory. Cache Rules are the current kind; Page Rules are the older one (few per plan)."
		},
		Questions: []Question{
			{Key: "cdn.provider", Flag: "cdn", Kind: KindChoice, Title: "Serve uploads through a CDN?",
				Help: "the CDN in front of the site", DefaultDoc: CDNNone,
				Default: constant(CDNNone),
				Check:   oneOfChoices("a CDN assetwiz can set up", func(*Answers) []string { return CDNs }, func(a *Answers) string { return a.CDN.Provider }),
				Choices: func(*Answers) []Choice {
					return []Choice{{CDNNone, "no CDN rules"}, {CDNCloudflare, "Cloudflare caches the uploads at its edge"}}
				}},
			{Key: "cdn.method", Flag: "cdn-method", Kind: KindChoice, Title: "Which kind of Cloudflare rule?",
				Help: "the kind of Cloudflare rule", DefaultDoc: MethodCacheRules,
				When:    cloudflare,
				Default: func(a *Answers) string { return when(cloudflare(a), MethodCacheRules) },
				Check: oneOfChoices("a Cloudflare method", func(*Answers) []string { return Methods }, func(a *Answers) string {
					return when(cloudflare(a), a.CDN.Method)
				}),
				Choices: func(*Answers) []Choice {
					return []Choice{{MethodCacheRules, "Cache Rules (recommended)"}, {MethodPageRules, "Page Rules (older; few per plan)"}}
				}},
			{Key: "cloudflare_api_token", Env: ExportCloudflareToken, Kind: KindSecret, Title: "Cloudflare API token",
				Help: "Zone read, and Cache Rules (or Page Rules) edit",
				When: cloudflare, Check: checkToken,
				// Nothing writes the token anywhere: say so, and how a re-run gets it.
				Describe: func(*Answers) string {
					return "Shown masked and never saved: a re-run asks again unless " + ExportCloudflareToken + " is set in the environment."
				}},
			{Key: "cdn.zone", Flag: "cdn-zone", Kind: KindText, Title: "Zone (press Enter to find it from the website URL)",
				TitleFor: func(a *Answers) string { return "Zone (press Enter to find it from " + a.WebsiteURL + ")" },
				Help:     "Cloudflare zone", DefaultDoc: "found from website_url through the API",
				When:   cloudflare,
				Check:  checkZone,
				Rules:  []Rule{rule("the zone holds website_url", zoneHoldsTheSite)},
				Resets: []string{"cdn.host"}},
			{Key: "cdn.host", Flag: "cdn-host", Kind: KindText, Title: "CDN host in front of the bucket",
				Help:       "the host Cloudflare serves the plugin's bucket under (plugin only): a proxied CNAME to the bucket",
				DefaultDoc: "website_url without the zone, dots as dashes, then -assets. and the zone (www-assets.example.com)",
				When:       func(a *Answers) bool { return a.CDNHostAsked() },
				// With the zone open, the zone found through the API gives it (cmd), else the guessed one.
				Default: func(a *Answers) string {
					return when(a.CDNHostAsked() && a.CDN.Zone != "", DefaultCDNHost(a.WebsiteURL, a.CDN.Zone))
				},
				Placeholder: func(a *Answers) string {
					return DefaultCDNHost(a.WebsiteURL, firstNonEmpty(a.CDN.Zone, GuessedZone(a.WebsiteURL)))
				},
				Check: checkCDNHost,
				Rules: []Rule{rule("a CDN host needs a bucket with a host name of its own (the provider's virtual_host)", cdnHostNeedsAVirtualHost)}},
			{Key: "cdn.edge_ttl", Flag: "edge-ttl", Kind: KindNumber, Title: "Seconds Cloudflare keeps an upload",
				Help: "seconds Cloudflare keeps an asset", DefaultDoc: fmt.Sprint(DefaultEdgeTTL),
				When:    cloudflare,
				Default: func(a *Answers) string { return when(cloudflare(a), fmt.Sprint(DefaultEdgeTTL)) },
				Check:   checkEdgeTTL},
		}},
	{ID: StepOutput, Title: "Output",
		Explain: func(*Answers) string {
			return "assetwiz writes the toolkit's exports into the override file, and the server snippets " +
				"(fstab lines, mount commands, plugin settings) into a folder."
		},
		Questions: []Question{
			{Key: "output.override_file", Flag: "override-file", Kind: KindText, Title: "Override file",
				Help: "the toolkit override file to write", DefaultDoc: DefaultOverrideFile,
				Default: constant(DefaultOverrideFile),
				Check:   required("output.override_file", "the override file's path, such as "+DefaultOverrideFile)},
			{Key: "output.snippets_dir", Flag: "snippets-dir", Kind: KindText, Title: "Snippets folder",
				Help: "folder for fstab lines, mount commands and plugin settings", DefaultDoc: DefaultSnippetsDir,
				Default: constant(DefaultSnippetsDir),
				Check:   required("output.snippets_dir", "a folder, such as "+DefaultSnippetsDir)},
		}},
	{ID: StepReview, Title: "Review"},
}

// SplitDirectories splits directories typed on one line as the answers file's list is read:
// by commas only, so that a space inside a name is reported rather than making two
// directories; each is trimmed of spaces, and nothing else is changed (a trailing '/' or a
// directory given twice is refused as plan refuses it).
func SplitDirectories(raw string) []string {
	var out []string
	for _, s := range strings.Split(raw, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

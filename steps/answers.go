// Package steps holds the wizard's steps as one table (table.go: every question, its flag,
// choices, default, when it is asked and the rules between answers), from which the wizard,
// the accessible prompts, the flags and docs/answers.md are made; and the Answers model:
// what the user chose, from which source (defaults, an existing override file, the answers
// file, the environment, flags, the wizard), and the validation of everything.
package steps

import (
	"path/filepath"
	"strconv"

	"github.com/assetwiz/assetwiz/presets"
)

// Modes, techniques and the other choices of the answers file.
const (
	ModeVirgin   = "virgin"
	ModeBaseline = "baseline"
	ModeTemporal = "temporal"

	TechniqueLocal  = "local"
	TechniquePlugin = "plugin"
	TechniqueS3fs   = "s3fs"
	TechniqueEFS    = "efs"

	CDNNone       = "none"
	CDNCloudflare = "cloudflare"

	MethodCacheRules = "cache-rules"
	MethodPageRules  = "page-rules"

	ToolkitCurrent  = "current"
	ToolkitClassic  = "classic"
	ToolkitOriginal = "original"

	// Mount tools of the toolkit (DATASTOREMOUNTTOOL in its buildstyles.dat).
	MountToolRclone  = "rclone"
	MountToolS3fs    = "s3fs"
	MountToolGoofys  = "goofys"
	MountToolGeesefs = "geesefs"
)

// Choices of the answers file, in the order they are offered.
var (
	Modes      = []string{ModeVirgin, ModeBaseline, ModeTemporal}
	Periods    = []string{"hourly", "daily", "weekly", "monthly", "bimonthly"}
	Techniques = []string{TechniqueLocal, TechniquePlugin, TechniqueS3fs, TechniqueEFS}
	CDNs       = []string{CDNNone, CDNCloudflare}
	Methods    = []string{MethodCacheRules, MethodPageRules}
)

// Defaults that are not derived from other answers.
const (
	DefaultOverrideFile          = "override.tmpl"
	DefaultSnippetsDir           = "assetwiz-out"
	DefaultWebroot               = "/var/www/html"
	DefaultEdgeTTL               = 86400
	DefaultNoncurrentVersionDays = 30
	DefaultAnswersFile           = "assetwiz.yaml"
)

// Answers is everything assetwiz needs to plan, in the shape of the answers file.
// An empty string, nil slice or nil pointer means "not answered": Complete fills the defaults.
type Answers struct {
	Toolkit     string   `yaml:"toolkit,omitempty" json:"toolkit,omitempty"`
	Mode        string   `yaml:"mode,omitempty" json:"mode,omitempty"`
	Period      string   `yaml:"period,omitempty" json:"period,omitempty"`
	Application string   `yaml:"application,omitempty" json:"application,omitempty"`
	WebsiteURL  string   `yaml:"website_url,omitempty" json:"website_url,omitempty"`
	Directories []string `yaml:"directories,omitempty" json:"directories,omitempty"`
	Technique   string   `yaml:"technique,omitempty" json:"technique,omitempty"`
	// MountTool is the tool the toolkit's build mounts the buckets with (technique s3fs):
	// DATASTOREMOUNTTOOL in its buildstyles.dat; default the generation's own.
	MountTool string `yaml:"mount_tool,omitempty" json:"mount_tool,omitempty"`
	// Webroot is where the application lives on the web servers; mount points are under it.
	Webroot string  `yaml:"webroot,omitempty" json:"webroot,omitempty"`
	Storage Storage `yaml:"storage,omitempty" json:"storage,omitempty"`
	EFS     EFS     `yaml:"efs,omitempty" json:"efs,omitempty"`
	CDN     CDN     `yaml:"cdn,omitempty" json:"cdn,omitempty"`
	Output  Output  `yaml:"output,omitempty" json:"output,omitempty"`
	// Backup is the target of `assetwiz backup` (steps/backup.go).
	Backup Backup `yaml:"backup,omitempty" json:"backup,omitempty"`

	// Secrets never go into the answers file: they come from the environment, the override
	// file or the wizard.
	Secrets Secrets `yaml:"-" json:"-"`

	// ToolkitFrom says why Toolkit is what it is when no answer gave it (the override
	// file's exports, or the default), for the plan to tell; "" when it was answered.
	ToolkitFrom string `yaml:"-" json:"-"`

	// Dir is the folder the relative paths of the answers (output.override_file,
	// output.snippets_dir) are read and written in, "" for the process's working directory.
	// It is not an answer: Load sets it from Sources.Dir, and Path resolves against it.
	Dir string `yaml:"-" json:"-"`
}

// Path is where a path of the answers is on disk: relative to a.Dir when it is relative. The
// answers keep the path as the user wrote it, for messages and plans; only opening uses Path.
func (a *Answers) Path(p string) string { return InDir(a.Dir, p) }

// InDir resolves a relative path against dir; an absolute path, an empty one or an empty dir
// (the process's working directory) leave it as it is.
func InDir(dir, p string) string {
	if dir == "" || p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// Storage is the object storage the buckets are made in.
type Storage struct {
	Provider              string `yaml:"provider,omitempty" json:"provider,omitempty"`
	Region                string `yaml:"region,omitempty" json:"region,omitempty"`
	Endpoint              string `yaml:"endpoint,omitempty" json:"endpoint,omitempty"`
	Versioning            *bool  `yaml:"versioning,omitempty" json:"versioning,omitempty"`
	NoncurrentVersionDays *int   `yaml:"noncurrent_version_days,omitempty" json:"noncurrent_version_days,omitempty"`
}

// EFS is where the EFS file systems and their mount targets go (technique efs).
type EFS struct {
	Region           string   `yaml:"region,omitempty" json:"region,omitempty"`
	SubnetIDs        []string `yaml:"subnet_ids,omitempty" json:"subnet_ids,omitempty"`
	SecurityGroupIDs []string `yaml:"security_group_ids,omitempty" json:"security_group_ids,omitempty"`
}

// CDN is the content delivery network in front of the site.
type CDN struct {
	Provider string `yaml:"provider,omitempty" json:"provider,omitempty"`
	Method   string `yaml:"method,omitempty" json:"method,omitempty"`
	Zone     string `yaml:"zone,omitempty" json:"zone,omitempty"`
	EdgeTTL  int    `yaml:"edge_ttl,omitempty" json:"edge_ttl,omitempty"`
	// Host is the CDN host in front of the bucket (technique plugin only; steps/cdnhost.go).
	Host string `yaml:"host,omitempty" json:"host,omitempty"`
}

// Output says where files are written.
type Output struct {
	OverrideFile string `yaml:"override_file,omitempty" json:"override_file,omitempty"`
	SnippetsDir  string `yaml:"snippets_dir,omitempty" json:"snippets_dir,omitempty"`
}

// Secrets are the keys and tokens; never printed, never saved in the answers file.
type Secrets struct {
	S3AccessKey     string
	S3SecretKey     string
	CloudflareToken string
	// The backup target's keys (BACKUP_S3_ACCESS_KEY, BACKUP_S3_SECRET_KEY).
	BackupS3AccessKey string
	BackupS3SecretKey string
}

// Values lists the secret values that are set, for redacting output.
func (s Secrets) Values() []string {
	var out []string
	for _, v := range []string{s.S3AccessKey, s.S3SecretKey, s.CloudflareToken, s.BackupS3AccessKey, s.BackupS3SecretKey} {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Bucket is one asset bucket: a directory of the site and the bucket that holds it.
type Bucket struct {
	Directory string
	Name      string
}

// MakesBuckets reports whether the technique keeps the assets in buckets.
func (a *Answers) MakesBuckets() bool {
	return a.Technique == TechniquePlugin || a.Technique == TechniqueS3fs
}

// Buckets lists the asset buckets of the answers (none when the technique makes none).
func (a *Answers) Buckets() []Bucket {
	if !a.MakesBuckets() {
		return nil
	}
	out := make([]Bucket, 0, len(a.Directories))
	for _, d := range a.Directories {
		out = append(out, Bucket{Directory: d, Name: a.BucketName(d)})
	}
	return out
}

// Versioned reports whether the buckets get versioning.
func (a *Answers) Versioned() bool { return a.Storage.Versioning != nil && *a.Storage.Versioning }

// HasStorage reports whether a storage provider is set.
func (a *Answers) HasStorage() bool { return a.Storage.Provider != "" }

// Offloaded reports whether the toolkit itself moves the asset directories off the web
// server (the persistence flag is 1).
func (a *Answers) Offloaded() bool {
	if a.Mode != ModeTemporal {
		return false
	}
	if a.Technique == TechniqueS3fs {
		return true
	}
	return a.Technique == TechniqueEFS && a.Toolkit == ToolkitOriginal
}

// MountToolUsed is the tool the toolkit's build mounts the buckets with: the answer, else
// the generation's default (left out of the answers, so that changing the generation or the
// technique never leaves a stale tool behind).
func (a *Answers) MountToolUsed() string {
	if a.MountTool != "" {
		return a.MountTool
	}
	tk, _ := presets.FindToolkit(a.Toolkit)
	return tk.DefaultMountTool()
}

// BuildChoice is the classic and original toolkits' BUILD_CHOICE: 0 virgin, 1 baseline,
// 2 hourly, 3 daily, 4 weekly, 5 monthly, 6 bimonthly ("" for an unknown mode or period).
func (a *Answers) BuildChoice() string {
	switch a.Mode {
	case ModeVirgin:
		return "0"
	case ModeBaseline:
		return "1"
	case ModeTemporal:
		for i, p := range Periods {
			if p == a.Period {
				return strconv.Itoa(i + 2)
			}
		}
	}
	return ""
}

// BuildArchiveChoice is the toolkit's BUILD_ARCHIVE_CHOICE: the mode, or the temporal period.
func (a *Answers) BuildArchiveChoice() string {
	if a.Mode == ModeTemporal {
		return a.Period
	}
	return a.Mode
}

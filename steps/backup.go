package steps

import (
	"regexp"
	"strings"

	"github.com/assetwiz/assetwiz/presets"
)

// Environment variables of the backup target's keys (secrets: never in the answers file).
const (
	EnvBackupAccessKey = "BACKUP_S3_ACCESS_KEY"
	EnvBackupSecretKey = "BACKUP_S3_SECRET_KEY"
)

// DefaultBackupSuffix ends each backup bucket's name: "<asset bucket>-backup".
const DefaultBackupSuffix = "backup"

// Backup is where `assetwiz backup` keeps the second copy of the uploads: another provider,
// region or account, so losing one of them does not lose the only copy. Empty: no backup.
type Backup struct {
	Provider     string `yaml:"provider,omitempty" json:"provider,omitempty"`
	Region       string `yaml:"region,omitempty" json:"region,omitempty"`
	Endpoint     string `yaml:"endpoint,omitempty" json:"endpoint,omitempty"`
	BucketSuffix string `yaml:"bucket_suffix,omitempty" json:"bucket_suffix,omitempty"`
}

// BackupBucket is an asset bucket and the bucket its backup goes into.
type BackupBucket struct {
	Asset Bucket
	Name  string
}

// HasBackup reports whether a backup target is answered.
func (a *Answers) HasBackup() bool { return a.Backup.Provider != "" }

// BackupBuckets pairs every asset bucket with its backup bucket, "<asset bucket>-<suffix>".
func (a *Answers) BackupBuckets() []BackupBucket {
	if !a.HasBackup() {
		return nil
	}
	var out []BackupBucket
	for _, b := range a.Buckets() {
		out = append(out, BackupBucket{Asset: b, Name: b.Name + "-" + a.Backup.BucketSuffix})
	}
	return out
}

// BackupTarget is the backup target as answers of their own (storage and keys), for the S3
// client that reaches it.
func (a *Answers) BackupTarget() Answers {
	return Answers{
		Storage: Storage{Provider: a.Backup.Provider, Region: a.Backup.Region, Endpoint: a.Backup.Endpoint},
		Secrets: Secrets{S3AccessKey: a.Secrets.BackupS3AccessKey, S3SecretKey: a.Secrets.BackupS3SecretKey},
	}
}

func mergeBackup(a *Answers, up Answers) {
	if up.Backup.Provider != "" && up.Backup.Provider != a.Backup.Provider {
		if up.Backup.Region == "" {
			a.Backup.Region = ""
		}
		if up.Backup.Endpoint == "" {
			a.Backup.Endpoint = ""
		}
	}
	set(&a.Backup.Provider, up.Backup.Provider)
	set(&a.Backup.Region, up.Backup.Region)
	set(&a.Backup.Endpoint, up.Backup.Endpoint)
	set(&a.Backup.BucketSuffix, up.Backup.BucketSuffix)
	set(&a.Secrets.BackupS3AccessKey, up.Secrets.BackupS3AccessKey)
	set(&a.Secrets.BackupS3SecretKey, up.Secrets.BackupS3SecretKey)
}

func (a *Answers) completeBackup() {
	if !a.HasBackup() {
		return
	}
	a.Backup.Provider = strings.ToLower(strings.TrimSpace(a.Backup.Provider))
	if p, ok := presets.FindProvider(a.Backup.Provider); ok {
		if a.Backup.Region == "" {
			a.Backup.Region = p.DefaultRegion()
		}
		if a.Backup.Endpoint == "" {
			a.Backup.Endpoint = p.EndpointFor(a.Backup.Region)
		}
	}
	if a.Backup.BucketSuffix == "" {
		a.Backup.BucketSuffix = DefaultBackupSuffix
	}
}

var backupSuffix = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$`)

func (a *Answers) validateBackup(ps *Problems) {
	b := a.Backup
	if !a.HasBackup() {
		if b.Region != "" || b.Endpoint != "" || b.BucketSuffix != "" {
			ps.add("backup.provider", "is required when another backup answer is given; use one of %s", oneOf(presets.Names(presets.Providers())))
		}
		return
	}
	if !a.MakesBuckets() {
		ps.add("backup.provider", "backs up the asset buckets, which technique %s does not make; remove the backup answers or use technique plugin or s3fs", a.Technique)
		return
	}
	p, ok := presets.FindProvider(b.Provider)
	if !ok {
		ps.add("backup.provider", "%s is not a known storage provider; use one of %s", quote(b.Provider), oneOf(presets.Names(presets.Providers())))
		return
	}
	if !regionName.MatchString(b.Region) || !p.HasRegion(b.Region) {
		ps.add("backup.region", "%s is not a %s region; use one of %s", quote(b.Region), p.Name, oneOf(p.Regions))
	}
	if b.Endpoint == "" {
		ps.add("backup.endpoint", "is required for provider %s, such as %s", p.Name, p.EndpointExample)
	} else if msg := endpointProblem(b.Endpoint); msg != "" {
		ps.add("backup.endpoint", "%s %s", quote(b.Endpoint), msg)
	}
	if !backupSuffix.MatchString(b.BucketSuffix) {
		ps.add("backup.bucket_suffix", "%s must be 1 to 20 of a-z, 0-9 and '-', not starting or ending with '-' (default %s)", quote(b.BucketSuffix), DefaultBackupSuffix)
		return
	}
	for _, bb := range a.BackupBuckets() {
		if len(bb.Name) > 63 {
			ps.add("backup.bucket_suffix", "makes the backup bucket %s of %d characters, over the 63 a bucket name may have; use a shorter suffix", bb.Name, len(bb.Name))
		}
	}
	for _, msg := range backupNameClashes(a) {
		ps.add("backup.bucket_suffix", "%s", msg)
	}
}

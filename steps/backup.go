package steps

import (
	"regexp"
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
func (a *Answers) HasBackup() bool { return a.Backup.Provider != "" && a.Backup.Provider != CDNNone }

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

var backupSuffix = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$`)

package steps

import (
	"fmt"
	"strings"
)

// Keys names a pair of object storage keys a command needs.
type Keys int

const (
	// StorageKeys reach the asset buckets: S3_ACCESS_KEY and S3_SECRET_KEY (or the AWS names).
	StorageKeys Keys = iota
	// BackupKeys reach the backup target: BACKUP_S3_ACCESS_KEY and BACKUP_S3_SECRET_KEY.
	BackupKeys
)

// KeysNotSetError says which keys are not set and where to set them. The message names the
// variables only, never a value.
type KeysNotSetError struct {
	// Missing are the variables not set, the access key's first.
	Missing []string
	// Fallback are the other names the storage keys are read from ("" for none).
	Fallback []string
	Provider string
	Backup   bool
}

func (e *KeysNotSetError) Error() string {
	if e.Backup {
		return fmt.Sprintf("%s: not set; export the keys of the backup target (%s)", strings.Join(e.Missing, " and "), e.Provider)
	}
	return fmt.Sprintf("%s: not set; export the storage keys of %s (or %s)", strings.Join(e.Missing, " and "), e.Provider, strings.Join(e.Fallback, " and "))
}

// KeysNotSet is the error naming the keys of k that are not set and where to set them; nil
// when both are set, or for aws, whose keys may come from its credential chain (a profile, a
// role). It is a missing answer: commands report it before any call, as bad input.
func (a *Answers) KeysNotSet(k Keys) error {
	provider, ak, sk := a.Storage.Provider, a.Secrets.S3AccessKey, a.Secrets.S3SecretKey
	names := [2]string{ExportS3AccessKey, ExportS3SecretKey}
	fallback := [2]string{EnvS3AccessKeyFallback, EnvS3SecretKeyFallback}
	if k == BackupKeys {
		provider, ak, sk = a.Backup.Provider, a.Secrets.BackupS3AccessKey, a.Secrets.BackupS3SecretKey
		names = [2]string{EnvBackupAccessKey, EnvBackupSecretKey}
	}
	if provider == "aws" || (ak != "" && sk != "") {
		return nil
	}
	e := &KeysNotSetError{Provider: provider, Backup: k == BackupKeys}
	for i, v := range []string{ak, sk} {
		if v == "" {
			e.Missing = append(e.Missing, names[i])
			e.Fallback = append(e.Fallback, fallback[i])
		}
	}
	return e
}

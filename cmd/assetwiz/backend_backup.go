package main

import (
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/backup"
	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/steps"
)

// backupBackend plans the backup buckets and the schedule files (nothing without backup answers).
func (a *app) backupBackend(ans *steps.Answers, offline bool) (provision.Backend, error) {
	if offline || !ans.HasBackup() || len(ans.Buckets()) == 0 {
		return backup.Backend{}, nil
	}
	c, err := a.backupClient(ans)
	if err != nil {
		return nil, err
	}
	return backup.Backend{Client: c}, nil
}

// backupClient reaches the backup target with its own keys. AWS_ENDPOINT_URL_S3 is the asset
// storage's override, so it is not applied here: backup.endpoint says where the target is.
func (a *app) backupClient(ans *steps.Answers) (*s3.Client, error) {
	t := ans.BackupTarget()
	if t.Storage.Provider != "aws" && (t.Secrets.S3AccessKey == "" || t.Secrets.S3SecretKey == "") {
		return nil, badInput("%s and %s: not set; export the keys of the backup target (%s)%s",
			steps.EnvBackupAccessKey, steps.EnvBackupSecretKey, t.Storage.Provider, a.withoutKeys("them"))
	}
	getenv := func(k string) string {
		if k == buckets.EnvEndpointS3 {
			return ""
		}
		return a.env.Getenv(k)
	}
	c, err := buckets.NewClient(a.ctx, &t, getenv)
	if err != nil {
		return nil, failure(err)
	}
	return c, nil
}

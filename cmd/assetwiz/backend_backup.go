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
	if err := ans.KeysNotSet(steps.BackupKeys); err != nil {
		return nil, badInput("%w%s", err, a.withoutKeys("them"))
	}
	t := ans.BackupTarget()
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

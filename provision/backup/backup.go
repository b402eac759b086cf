// Package backup plans the backup target of `assetwiz backup`: one versioned, never public
// bucket per asset bucket at the backup provider, and the cron line and systemd timer that
// run the backup on a schedule (written into output.snippets_dir/backup/).
package backup

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/assetwiz/assetwiz/internal/safefile"
	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// Backend plans the backup buckets and the schedule files. Client reaches the backup
// target; nil plans offline (every bucket to be created).
type Backend struct {
	Client *s3.Client
}

// Plan lists, for every asset bucket, its backup bucket and the bucket's versioning, then the
// schedule files. Nothing is planned when the answers have no backup target.
func (b Backend) Plan(ctx context.Context, a *steps.Answers) (provision.Plan, error) {
	var p provision.Plan
	if !a.HasBackup() {
		return p, nil
	}
	target := a.BackupTarget()
	where := fmt.Sprintf("%s %s, %s", target.Storage.Provider, target.Storage.Region, target.HostBase())
	lifecycleWarned := false
	for _, bb := range a.BackupBuckets() {
		name := bb.Name
		exists, versioned := false, false
		if b.Client != nil {
			var err error
			if exists, versioned, err = state(ctx, b.Client, name); err != nil {
				return provision.Plan{}, fmt.Errorf("backup bucket %s: %w", name, err)
			}
		}
		bucket := provision.Action{Resource: provision.Bucket, ID: name, Op: provision.Noop, Detail: fmt.Sprintf("backup of %s (%s), never public", bb.Asset.Name, where)}
		if !exists {
			bucket.Op = provision.Create
			bucket.Do = func(ctx context.Context) error { return create(ctx, b.Client, &target, name) }
		}
		ver := provision.Action{Resource: provision.BucketVersioning, ID: name, Op: provision.Noop,
			Detail: "enabled: a backup run never loses an older copy", After: []string{bucket.Key()}}
		if !versioned {
			ver.Op = provision.Create
			ver.Do = func(ctx context.Context) error {
				_, err := b.Client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(name),
					VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}, noSDKRetries)
				if err != nil {
					return fmt.Errorf("backup bucket %s: versioning: %w", name, err)
				}
				return nil
			}
		}
		var fixes []provision.Action
		if exists {
			var err error
			if fixes, err = publicFixes(ctx, b.Client, name, &bucket); err != nil {
				return provision.Plan{}, err
			}
		}
		p.Actions = append(p.Actions, bucket, ver)
		lc, ok, err := b.lifecycleAction(ctx, &target, name, lifecycleDays(a), exists, ver.Key())
		if err != nil {
			return provision.Plan{}, err
		}
		if ok {
			p.Actions = append(p.Actions, lc)
		} else if !lifecycleWarned {
			lifecycleWarned = true
			p.Warn("backup: %s offers no lifecycle rules through S3: the backup buckets keep old versions until you delete them, and are billed", target.Storage.Provider)
		}
		p.Actions = append(p.Actions, fixes...)
	}
	if target.EndpointURL() == a.EndpointURL() && a.Secrets.BackupS3AccessKey == a.Secrets.S3AccessKey {
		p.Warn("backup: the backup target is the same provider and account as the asset buckets; it survives a deleted bucket, not the loss of the account or the provider")
	}
	for _, f := range ScheduleFiles(a) {
		id := filepath.Join(a.Output.SnippetsDir, filepath.FromSlash(f.name))
		act, err := planFile(a.Path(id), id, f)
		if err != nil {
			return provision.Plan{}, err
		}
		p.Actions = append(p.Actions, act)
	}
	return p, nil
}

// state reads whether a backup bucket exists and is versioned.
func state(ctx context.Context, c *s3.Client, name string) (exists, versioned bool, err error) {
	var v *s3.GetBucketVersioningOutput
	err = provision.Retry(ctx, provision.RetryPolicy{}, func(ctx context.Context) error {
		var err error
		v, err = c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(name)}, noSDKRetries)
		return err // a missing bucket (404) is final: not retried
	})
	if err != nil {
		if code := errorCode(err); code == "NoSuchBucket" || code == "NotFound" {
			return false, false, nil
		}
		return false, false, err
	}
	return true, v.Status == types.BucketVersioningStatusEnabled, nil
}

func create(ctx context.Context, c *s3.Client, target *steps.Answers, name string) error {
	in := &s3.CreateBucketInput{Bucket: aws.String(name)}
	if target.Storage.Provider == "aws" && target.Storage.Region != "" && target.Storage.Region != "us-east-1" {
		in.CreateBucketConfiguration = &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraint(target.Storage.Region)}
	}
	_, err := c.CreateBucket(ctx, in, noSDKRetries)
	if err != nil && errorCode(err) != "BucketAlreadyOwnedByYou" {
		return fmt.Errorf("backup bucket %s: %w", name, err)
	}
	return nil
}

func errorAs(err error, target any) bool { return errors.As(err, target) }

// noSDKRetries turns the SDK's retries off for one call: apply's executor (or the plan's
// provision.Retry) retries every backup bucket call, once, under the project's policy.
func noSDKRetries(o *s3.Options) {
	o.Retryer = aws.NopRetryer{}
	o.RetryMaxAttempts = 1
}

func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// planFile plans one schedule file at path on disk, named id (the path as the answers give it).
func planFile(path, id string, f scheduleFile) (provision.Action, error) {
	act := provision.Action{Resource: provision.File, ID: id}
	current, mode, exists, err := safefile.Read(path)
	if err != nil {
		return act, fmt.Errorf("file %s: %w", id, err)
	}
	switch {
	case !exists:
		act.Op, act.Detail = provision.Create, f.what
	case current == f.content && mode == 0o644:
		return provision.Action{Resource: provision.File, ID: id, Op: provision.Noop, Detail: f.what + " up to date"}, nil
	default:
		act.Op, act.Detail = provision.Update, f.what+": content changed"
	}
	content := f.content
	act.Do = func(context.Context) error {
		if _, err := safefile.Write(path, content, 0o644); err != nil {
			return fmt.Errorf("file %s: %w", id, err)
		}
		return nil
	}
	return act, nil
}

// ReadsProvider marks Backend a remote backend: provision.Make plans it beside the others.
func (Backend) ReadsProvider() {}

package backup

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/assetwiz/assetwiz/presets"
	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/steps"
)

// The backup buckets bound their old versions as the asset buckets do: one rule of the same
// form (buckets.LifecycleRuleID, every key, noncurrent versions expire after the asset
// buckets' storage.noncurrent_version_days). Without it, `backup --versions` and every changed
// upload grow a backup bucket without limit.

// lifecycleDays is how long a backup bucket keeps old versions: as long as the asset buckets.
func lifecycleDays(a *steps.Answers) int32 {
	if d := a.Storage.NoncurrentVersionDays; d != nil {
		return int32(*d)
	}
	return steps.DefaultNoncurrentVersionDays
}

func lifecycleRule(days int32) types.LifecycleRule {
	return types.LifecycleRule{
		ID:                          aws.String(buckets.LifecycleRuleID),
		Status:                      types.ExpirationStatusEnabled,
		Filter:                      &types.LifecycleRuleFilter{Prefix: aws.String("")},
		NoncurrentVersionExpiration: &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(days)},
	}
}

// isOurs reports whether r is assetwiz's rule.
func isOurs(r types.LifecycleRule) bool { return aws.ToString(r.ID) == buckets.LifecycleRuleID }

func ruleMatches(r types.LifecycleRule, days int32) bool {
	nv := r.NoncurrentVersionExpiration
	return r.Status == types.ExpirationStatusEnabled && nv != nil && aws.ToInt32(nv.NoncurrentDays) == days
}

// lifecycleAction plans the rule of one backup bucket; ok is false when the provider offers no
// lifecycle rules through S3 (the plan then warns).
func (b Backend) lifecycleAction(ctx context.Context, target *steps.Answers, name string, days int32, exists bool, after string) (act provision.Action, ok bool, err error) {
	if prov, found := presets.FindProvider(target.Storage.Provider); found && !prov.Capabilities.Lifecycle {
		return act, false, nil
	}
	act = provision.Action{Resource: provision.BucketLifecycle, ID: name, Op: provision.Create, After: []string{after},
		Detail: fmt.Sprintf("expire old versions after %d days, as the asset buckets do", days)}
	if b.Client != nil && exists {
		rules, err := b.rules(ctx, name)
		switch {
		case isUnsupported(err):
			return act, false, nil
		case err != nil:
			return act, false, fmt.Errorf("backup bucket %s: lifecycle: %w", name, err)
		}
		if i := slices.IndexFunc(rules, isOurs); i >= 0 {
			if ruleMatches(rules[i], days) {
				act.Op, act.Detail = provision.Noop, fmt.Sprintf("old versions expire after %d days", days)
				return act, true, nil
			}
			act.Op = provision.Update
		}
	}
	act.Do = func(ctx context.Context) error { return b.putRule(ctx, name, days) }
	return act, true, nil
}

// rules reads a bucket's lifecycle rules (none when it has no configuration).
func (b Backend) rules(ctx context.Context, name string) ([]types.LifecycleRule, error) {
	var out *s3.GetBucketLifecycleConfigurationOutput
	err := provision.Retry(ctx, provision.RetryPolicy{}, func(ctx context.Context) error {
		var err error
		out, err = b.Client.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(name)}, noSDKRetries)
		return err
	})
	if err != nil {
		if errorCode(err) == "NoSuchLifecycleConfiguration" {
			return nil, nil
		}
		return nil, err
	}
	return out.Rules, nil
}

// putRule writes assetwiz's rule, keeping the bucket's other rules (read-modify-write).
func (b Backend) putRule(ctx context.Context, name string, days int32) error {
	rules, err := b.rules(ctx, name)
	if err == nil {
		rules = append(slices.DeleteFunc(rules, isOurs), lifecycleRule(days))
		_, err = b.Client.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(name),
			LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: rules}}, noSDKRetries)
	}
	if isUnsupported(err) {
		return &provision.NotOfferedError{Reason: fmt.Sprintf("backup bucket %s: not offered by the provider: lifecycle rules (%s); old versions are kept until you delete them", name, errorCode(err))}
	}
	if err != nil {
		return fmt.Errorf("backup bucket %s: lifecycle: %w", name, err)
	}
	return nil
}

func isUnsupported(err error) bool {
	if err == nil {
		return false
	}
	switch errorCode(err) {
	case "NotImplemented", "NotSupported", "UnsupportedOperation":
		return true
	}
	var status interface{ HTTPStatusCode() int }
	return errorAs(err, &status) && status.HTTPStatusCode() == http.StatusNotImplemented
}

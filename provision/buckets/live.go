package buckets

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// Rule and statement ids that mark what assetwiz made; everything else in a bucket's
// lifecycle, CORS and policy documents is left as it is.
const (
	LifecycleRuleID = "assetwiz-noncurrent-version-expiry"
	CORSRuleID      = "assetwiz-site"
	PolicySid       = "AssetwizPublicRead"
)

// Live plans the buckets against the provider and carries the plan out.
type Live struct {
	// Getenv reads the environment for AWS_ENDPOINT_URL_S3 (nil: os.Getenv).
	Getenv func(string) string
	// Warn receives what apply skipped because the provider does not offer it (nil: dropped).
	// Apply's actions run in parallel: it is called from several goroutines at once.
	Warn func(string)
}

// bucketState is what a bucket is like now.
type bucketState struct {
	exists     bool
	versioning string // Enabled, Suspended or "" (never enabled)
	lifecycle  []types.LifecycleRule
	cors       []types.CORSRule
	policy     string
	// unsupported names the features the provider answered NotImplemented for.
	unsupported map[provision.Resource]bool
}

// planBuckets reads every bucket's state, in parallel, and turns the desired actions into
// create, update or noop, each with the call that carries it out (Plan adds the data-loss guard).
func (l Live) planBuckets(ctx context.Context, a *steps.Answers) (provision.Plan, error) {
	desired := Desired(a)
	bs := a.Buckets()
	if len(bs) == 0 {
		return desired, nil
	}
	client, err := NewClient(ctx, a, l.Getenv)
	if err != nil {
		return provision.Plan{}, err
	}
	states := make(map[string]*bucketState, len(bs))
	errs := make([]error, len(bs))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, b := range bs {
		wg.Go(func() {
			st, err := readState(ctx, client, b.Name, desired)
			mu.Lock()
			states[b.Name], errs[i] = st, err
			mu.Unlock()
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return provision.Plan{}, err
		}
	}

	out := provision.Plan{Warnings: desired.Warnings}
	for _, act := range desired.Actions {
		st := states[act.ID]
		if st.unsupported[act.Resource] {
			out.Warn("bucket %s: the provider does not offer %s (NotImplemented); skipped", act.ID, featureName(act.Resource))
			continue
		}
		l.decide(client, a, &act, st)
		out.Actions = append(out.Actions, act)
	}
	for _, b := range bs {
		st := states[b.Name]
		if !a.Versioned() && st.versioning == string(types.BucketVersioningStatusEnabled) {
			out.Warn("bucket %s already has versioning on though storage.versioning is false; assetwiz leaves it on", b.Name)
		}
	}
	return out, nil
}

// ConfirmDataLossFlag is the apply flag that confirms the data-loss warning of the plan.
const ConfirmDataLossFlag = "i-understand-buckets-will-be-deleted"

func featureName(r provision.Resource) string {
	switch r {
	case provision.BucketVersioning:
		return "versioning"
	case provision.BucketLifecycle:
		return "lifecycle rules: old versions are kept until you delete them, and are billed"
	case provision.BucketCORS:
		return "CORS rules: fonts and scripts served from the bucket may be refused by browsers"
	case provision.BucketPolicy:
		return "bucket policies"
	}
	return string(r)
}

// readState reads what the plan needs of one bucket. A feature the provider does not offer
// is noted, not an error.
func readState(ctx context.Context, c *s3.Client, bucket string, desired provision.Plan) (*bucketState, error) {
	st := &bucketState{unsupported: map[provision.Resource]bool{}}
	exists, err := bucketExists(ctx, c, bucket)
	if err != nil || !exists {
		return st, err
	}
	st.exists = true
	wants := map[provision.Resource]bool{}
	for _, act := range desired.Actions {
		if act.ID == bucket {
			wants[act.Resource] = true
		}
	}
	// check sorts an answer: nil, a feature the provider lacks, a "none set" code, or a failure.
	check := func(r provision.Resource, err error, noneCodes ...string) (bool, error) {
		switch {
		case err == nil:
			return true, nil
		case isUnsupported(err):
			st.unsupported[r] = true
			return false, nil
		case slices.Contains(noneCodes, errorCode(err)):
			return false, nil
		}
		return false, explain(bucket, err)
	}
	v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
	if ok, err := check(provision.BucketVersioning, err); err != nil {
		return nil, err
	} else if ok {
		st.versioning = string(v.Status)
	}
	if wants[provision.BucketLifecycle] {
		lc, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(bucket)})
		if ok, err := check(provision.BucketLifecycle, err, "NoSuchLifecycleConfiguration"); err != nil {
			return nil, err
		} else if ok {
			st.lifecycle = lc.Rules
		}
	}
	if wants[provision.BucketCORS] {
		cors, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(bucket)})
		if ok, err := check(provision.BucketCORS, err, "NoSuchCORSConfiguration"); err != nil {
			return nil, err
		} else if ok {
			st.cors = cors.CORSRules
		}
	}
	if wants[provision.BucketPolicy] {
		pol, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
		if ok, err := check(provision.BucketPolicy, err, "NoSuchBucketPolicy"); err != nil {
			return nil, err
		} else if ok {
			st.policy = aws.ToString(pol.Policy)
		}
	}
	return st, nil
}

// decide sets the op of one desired action from the bucket's state and attaches its call.
func (l Live) decide(c *s3.Client, a *steps.Answers, act *provision.Action, st *bucketState) {
	bucket := act.ID
	switch act.Resource {
	case provision.Bucket:
		if st.exists {
			act.Op, act.Detail = provision.Noop, act.Detail+"; exists"
			return
		}
		act.Do = func(ctx context.Context) error { return createBucket(ctx, c, a, bucket) }
	case provision.BucketVersioning:
		switch st.versioning {
		case string(types.BucketVersioningStatusEnabled):
			act.Op = provision.Noop
			return
		case string(types.BucketVersioningStatusSuspended):
			act.Op, act.Detail = provision.Update, "suspended → enabled: an overwritten or deleted upload can be restored"
		}
		act.Do = func(ctx context.Context) error {
			_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{
				Bucket:                  aws.String(bucket),
				VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled},
			})
			return l.unsupportedIsWarning(bucket, provision.BucketVersioning, err)
		}
	case provision.BucketLifecycle:
		days := int32(*a.Storage.NoncurrentVersionDays)
		if st.exists {
			if r := findLifecycleRule(st.lifecycle); r != nil {
				if lifecycleRuleMatches(*r, days) {
					act.Op = provision.Noop
					return
				}
				act.Op = provision.Update
			}
		}
		act.Do = func(ctx context.Context) error { return l.putLifecycle(ctx, c, bucket, days) }
	case provision.BucketCORS:
		origin := "https://" + a.WebsiteURL
		if st.exists {
			if r := findCORSRule(st.cors); r != nil {
				if corsRuleMatches(*r, origin) {
					act.Op = provision.Noop
					return
				}
				act.Op = provision.Update
			}
		}
		act.Do = func(ctx context.Context) error { return l.putCORS(ctx, c, bucket, origin) }
	case provision.BucketPolicy:
		if st.exists && st.policy != "" {
			has, same := policyHasStatement(st.policy, bucket)
			if same {
				act.Op = provision.Noop
				return
			}
			if has {
				act.Op = provision.Update
			}
		}
		act.Do = func(ctx context.Context) error { return l.putPolicy(ctx, c, bucket) }
	}
}

// unsupportedIsWarning turns the provider's NotImplemented into a warning, and other errors
// into messages a user can act on.
func (l Live) unsupportedIsWarning(bucket string, r provision.Resource, err error) error {
	if err != nil && isUnsupported(err) {
		if l.Warn != nil {
			l.Warn(fmt.Sprintf("bucket %s: the provider does not offer %s (NotImplemented); skipped", bucket, featureName(r)))
		}
		return nil
	}
	return explain(bucket, err)
}

func createBucket(ctx context.Context, c *s3.Client, a *steps.Answers, bucket string) error {
	in := &s3.CreateBucketInput{Bucket: aws.String(bucket)}
	// Only AWS outside us-east-1 takes a LocationConstraint; elsewhere the endpoint is the region.
	if a.Storage.Provider == "aws" && a.Storage.Region != "" && a.Storage.Region != "us-east-1" {
		in.CreateBucketConfiguration = &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraint(a.Storage.Region)}
	}
	_, err := c.CreateBucket(ctx, in)
	var mine *types.BucketAlreadyOwnedByYou
	if err != nil && (errors.As(err, &mine) || errorCode(err) == "BucketAlreadyOwnedByYou") {
		return nil
	}
	return explain(bucket, err)
}

// findLifecycleRule is assetwiz's rule among a bucket's lifecycle rules.
func findLifecycleRule(rules []types.LifecycleRule) *types.LifecycleRule {
	for i := range rules {
		if aws.ToString(rules[i].ID) == LifecycleRuleID {
			return &rules[i]
		}
	}
	return nil
}

func lifecycleRuleMatches(r types.LifecycleRule, days int32) bool {
	return r.Status == types.ExpirationStatusEnabled && r.NoncurrentVersionExpiration != nil &&
		aws.ToInt32(r.NoncurrentVersionExpiration.NoncurrentDays) == days
}

func lifecycleRule(days int32) types.LifecycleRule {
	return types.LifecycleRule{
		ID:                          aws.String(LifecycleRuleID),
		Status:                      types.ExpirationStatusEnabled,
		Filter:                      &types.LifecycleRuleFilter{Prefix: aws.String("")},
		NoncurrentVersionExpiration: &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(days)},
	}
}

// putLifecycle writes assetwiz's rule, read-modify-write at apply time so that the bucket's
// other rules stay as they are.
func (l Live) putLifecycle(ctx context.Context, c *s3.Client, bucket string, days int32) error {
	var rules []types.LifecycleRule
	cur, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil:
		rules = cur.Rules
	case isUnsupported(err):
		return l.unsupportedIsWarning(bucket, provision.BucketLifecycle, err)
	case errorCode(err) != "NoSuchLifecycleConfiguration":
		return explain(bucket, err)
	}
	rules = slices.DeleteFunc(rules, func(r types.LifecycleRule) bool { return aws.ToString(r.ID) == LifecycleRuleID })
	rules = append(rules, lifecycleRule(days))
	_, err = c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{
		Bucket:                 aws.String(bucket),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: rules},
	})
	return l.unsupportedIsWarning(bucket, provision.BucketLifecycle, err)
}

func findCORSRule(rules []types.CORSRule) *types.CORSRule {
	for i := range rules {
		if aws.ToString(rules[i].ID) == CORSRuleID {
			return &rules[i]
		}
	}
	return nil
}

func corsRuleMatches(r types.CORSRule, origin string) bool {
	methods := slices.Clone(r.AllowedMethods)
	slices.Sort(methods)
	return slices.Equal(r.AllowedOrigins, []string{origin}) && slices.Equal(methods, []string{"GET", "HEAD"})
}

func corsRule(origin string) types.CORSRule {
	return types.CORSRule{
		ID:             aws.String(CORSRuleID),
		AllowedOrigins: []string{origin},
		AllowedMethods: []string{"GET", "HEAD"},
		AllowedHeaders: []string{"*"},
		MaxAgeSeconds:  aws.Int32(3600),
	}
}

func (l Live) putCORS(ctx context.Context, c *s3.Client, bucket, origin string) error {
	var rules []types.CORSRule
	cur, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil:
		rules = cur.CORSRules
	case isUnsupported(err):
		return l.unsupportedIsWarning(bucket, provision.BucketCORS, err)
	case errorCode(err) != "NoSuchCORSConfiguration":
		return explain(bucket, err)
	}
	rules = slices.DeleteFunc(rules, func(r types.CORSRule) bool { return aws.ToString(r.ID) == CORSRuleID })
	rules = append(rules, corsRule(origin))
	_, err = c.PutBucketCors(ctx, &s3.PutBucketCorsInput{
		Bucket:            aws.String(bucket),
		CORSConfiguration: &types.CORSConfiguration{CORSRules: rules},
	})
	return l.unsupportedIsWarning(bucket, provision.BucketCORS, err)
}

// policyDoc is an IAM policy document; statements are kept as they were read.
type policyDoc struct {
	Version   string            `json:"Version,omitempty"`
	ID        string            `json:"Id,omitempty"`
	Statement []json.RawMessage `json:"Statement"`
}

type statementHead struct {
	Sid string `json:"Sid"`
}

// readOnlyStatement is the only public grant assetwiz ever makes: s3:GetObject on the
// bucket's objects. Never s3:*, never an ACL.
func readOnlyStatement(bucket string) map[string]any {
	return map[string]any{
		"Sid":       PolicySid,
		"Effect":    "Allow",
		"Principal": "*",
		"Action":    "s3:GetObject",
		"Resource":  "arn:aws:s3:::" + bucket + "/*",
	}
}

// policyHasStatement reports whether the policy holds assetwiz's statement, and whether it
// is the same as the one assetwiz would write.
func policyHasStatement(policy, bucket string) (has, same bool) {
	var doc policyDoc
	if json.Unmarshal([]byte(policy), &doc) != nil {
		return false, false
	}
	want, _ := json.Marshal(readOnlyStatement(bucket))
	for _, s := range doc.Statement {
		var h statementHead
		if json.Unmarshal(s, &h) == nil && h.Sid == PolicySid {
			var got, exp map[string]any
			_ = json.Unmarshal(s, &got)
			_ = json.Unmarshal(want, &exp)
			g, _ := json.Marshal(got)
			e, _ := json.Marshal(exp)
			return true, string(g) == string(e)
		}
	}
	return false, false
}

func (l Live) putPolicy(ctx context.Context, c *s3.Client, bucket string) error {
	doc := policyDoc{Version: "2012-10-17"}
	cur, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil:
		if uerr := json.Unmarshal([]byte(aws.ToString(cur.Policy)), &doc); uerr != nil {
			return fmt.Errorf("bucket %s: its policy is not JSON assetwiz can extend; add the read-only statement %s by hand", bucket, PolicySid)
		}
	case isUnsupported(err):
		return l.unsupportedIsWarning(bucket, provision.BucketPolicy, err)
	case errorCode(err) != "NoSuchBucketPolicy":
		return explain(bucket, err)
	}
	doc.Statement = slices.DeleteFunc(doc.Statement, func(s json.RawMessage) bool {
		var h statementHead
		return json.Unmarshal(s, &h) == nil && h.Sid == PolicySid
	})
	stmt, _ := json.Marshal(readOnlyStatement(bucket))
	doc.Statement = append(doc.Statement, stmt)
	body, _ := json.Marshal(doc)
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(string(body))})
	return l.unsupportedIsWarning(bucket, provision.BucketPolicy, err)
}

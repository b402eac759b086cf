package buckets

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/assetwiz/assetwiz/presets"
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

// TagNotOffered is the bucket tag where apply notes the features the provider answered
// NotImplemented to, so the next plan skips them instead of planning them forever: some
// servers answer a read with "none set" (NoSuchCORSConfiguration) and only the write with
// NotImplemented, so a read alone cannot tell. Removing the tag makes assetwiz try again.
const TagNotOffered = "assetwiz-not-offered"

// Live plans the buckets against the provider and carries the plan out.
type Live struct {
	// Getenv reads the environment for AWS_ENDPOINT_URL_S3 (nil: os.Getenv).
	Getenv func(string) string
	// AnswerTimeout bounds the wait for each answer (0: DefaultAnswerTimeout).
	AnswerTimeout time.Duration
	// Retry bounds the retries of plan's and verify's reads (apply's are the executor's).
	Retry provision.RetryPolicy
}

// bucketState is what a bucket is like now.
type bucketState struct {
	exists     bool
	versioning string // Enabled, Suspended or "" (never enabled)
	lifecycle  []types.LifecycleRule
	cors       []types.CORSRule
	policy     string
	tags       []types.Tag
	// tagsKnown: tags is what the bucket holds (read by the plan, or none for a bucket this
	// run creates), so noting a refusal needs no read of them. Apply keeps both up to date;
	// the bucket's actions run one after another (chain), so they never race.
	tagsKnown bool
	// unsupported names the features the provider does not offer, and how that is known.
	unsupported map[provision.Resource]string
}

// planBuckets reads every bucket's state, in parallel, and turns the desired actions into
// create, update or noop, each with the call that carries it out (Plan adds the data-loss guard).
func (l Live) planBuckets(ctx context.Context, a *steps.Answers) (provision.Plan, error) {
	desired := Desired(a)
	bs := a.Buckets()
	if len(bs) == 0 {
		desired.Actions = append(desired.Actions, l.leftoversOfLocal(ctx, a)...)
		return desired, nil
	}
	client, err := newClient(ctx, a, l.Getenv, l.AnswerTimeout, 1)
	if err != nil {
		return provision.Plan{}, err
	}
	// Every bucket at once, but at most readsAtOnce requests under way (pool): the key check,
	// each bucket's probe (probe), then its documents.
	states := make(map[string]*bucketState, len(bs))
	for _, b := range bs {
		states[b.Name] = &bucketState{unsupported: map[provision.Resource]string{}}
	}
	wanted := wantedPerBucket(desired)
	errs := make([]error, len(bs))
	var keysErr error
	work := newPool(readsAtOnce)
	work.Go(func() { keysErr = l.read(ctx, func(ctx context.Context) error { return checkKeys(ctx, client) }) })
	for i, b := range bs {
		work.Go(func() {
			if err := provision.Recovered(func(ctx context.Context) error {
				l.readState(ctx, work, client, b.Name, wanted[b.Name], a.Storage.Provider, states[b.Name], func(err error) { errs[i] = err })
				return nil
			})(ctx); err != nil {
				errs[i] = err
			}
		})
	}
	work.Wait()
	for i, err := range errs {
		if err != nil {
			return provision.Plan{}, err
		}
		if !states[bs[i].Name].exists && keysErr != nil {
			return provision.Plan{}, keysErr // the 404 may have been the provider not knowing the key
		}
	}

	out := provision.Plan{Warnings: desired.Warnings}
	for _, act := range desired.Actions {
		st := states[act.ID]
		if how := st.unsupported[act.Resource]; how != "" {
			out.Warn("bucket %s: the provider does not offer %s (%s); skipped", act.ID, featureName(act.Resource), how)
			continue
		}
		l.decide(client, a, &act, st)
		out.Actions = append(out.Actions, act)
	}
	for _, b := range bs {
		out.Actions = append(out.Actions, leftovers(client, a, b.Name, states[b.Name], desired)...)
	}
	chain(out.Actions)
	for _, b := range bs {
		st := states[b.Name]
		if !a.Versioned() && st.versioning == string(types.BucketVersioningStatusEnabled) {
			out.Warn("bucket %s already has versioning on though storage.versioning is false; assetwiz leaves it on", b.Name)
		}
	}
	return out, nil
}

// chain makes each bucket's actions wait one for the other, in the plan's order: some S3
// servers keep a bucket's configuration as one record and lose one of two writes made to it at
// once, so a bucket's documents are written one after another, each acknowledged before the
// next. Different buckets still go in parallel.
func chain(actions []provision.Action) {
	last := map[string]string{}
	for i := range actions {
		act := &actions[i]
		if prev, ok := last[act.ID]; ok {
			act.After = []string{prev}
		} else {
			act.After = nil
		}
		last[act.ID] = act.Key()
	}
}

// read runs one of plan's or verify's reads under the retry policy.
func (l Live) read(ctx context.Context, do func(context.Context) error) error {
	return provision.Retry(ctx, l.Retry, provision.Recovered(do))
}

// ConfirmDataLossFlag is the apply flag that confirms the data-loss warning of the plan.
const ConfirmDataLossFlag = "i-understand-buckets-will-be-deleted"

// featureNames are the features of TagNotOffered's value, one word each.
var featureNames = map[provision.Resource]string{
	provision.BucketVersioning: "versioning",
	provision.BucketLifecycle:  "lifecycle",
	provision.BucketCORS:       "cors",
	provision.BucketPolicy:     "policy",
}

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

// wantedPerBucket is, for each bucket, the resources the answers ask of it.
func wantedPerBucket(desired provision.Plan) map[string]map[provision.Resource]bool {
	out := map[string]map[provision.Resource]bool{}
	for _, act := range desired.Actions {
		if out[act.ID] == nil {
			out[act.ID] = map[provision.Resource]bool{}
		}
		out[act.ID][act.Resource] = true
	}
	return out
}

// readState reads what the plan needs of one bucket into st: whether it exists, then every
// other document the plan compares at once, each a task of work, so a bucket costs two
// dependent round trips (three when a document is missing and TagNotOffered may say why). A
// feature the provider does not offer is noted, not an error. done is called once, with the
// first error or nil, when the bucket's last read has answered.
func (l Live) readState(ctx context.Context, work *pool, c *s3.Client, bucket string, wants map[provision.Resource]bool, provider string, st *bucketState, done func(error)) {
	var exists, versioningRead bool
	err := l.read(ctx, func(ctx context.Context) (err error) {
		exists, versioningRead, err = l.probe(ctx, c, bucket, provider, st)
		return err
	})
	if err != nil {
		done(err)
		return
	}
	if !exists {
		st.tagsKnown = true // this run makes it: it has no tags
		done(nil)
		return
	}
	st.exists = true
	var mu sync.Mutex
	missing := map[provision.Resource]bool{} // read answered "none set"
	// check sorts an answer: nil, a feature the provider lacks, a "none set" code, or a failure.
	check := func(r provision.Resource, err error, noneCode string) (bool, error) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err == nil:
			return true, nil
		case isUnsupported(err):
			st.unsupported[r] = errorCodeOr(err, "NotImplemented")
			return false, nil
		case noneCode != "" && errorCode(err) == noneCode:
			missing[r] = true
			return false, nil
		}
		return false, explain(bucket, err)
	}
	var reads []func(context.Context) error
	if !versioningRead {
		reads = append(reads, func(ctx context.Context) error {
			v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
			ok, err := check(provision.BucketVersioning, err, "")
			if ok {
				st.versioning = string(v.Status)
			}
			return err
		})
	}
	if wants[provision.BucketLifecycle] {
		reads = append(reads, func(ctx context.Context) error {
			lc, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(bucket)})
			ok, err := check(provision.BucketLifecycle, err, "NoSuchLifecycleConfiguration")
			if ok {
				st.lifecycle = lc.Rules
			}
			return err
		})
	}
	if wants[provision.BucketCORS] {
		reads = append(reads, func(ctx context.Context) error {
			cors, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(bucket)})
			ok, err := check(provision.BucketCORS, err, "NoSuchCORSConfiguration")
			if ok {
				st.cors = cors.CORSRules
			}
			return err
		})
	}
	// What assetwiz may have made for an earlier answer (a site that left the plugin
	// technique): its CORS rule and public-read statement are read too, to be removed. A
	// failure to read them is not the plan's: they stay unknown, and nothing is removed.
	for _, r := range []provision.Resource{provision.BucketCORS, provision.BucketPolicy} {
		if wants[r] || !offeredByPreset(r, provider) {
			continue
		}
		reads = append(reads, func(ctx context.Context) error {
			if r == provision.BucketCORS {
				if cors, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(bucket)}); err == nil {
					mu.Lock()
					st.cors = cors.CORSRules
					mu.Unlock()
				}
				return nil
			}
			if pol, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)}); err == nil {
				mu.Lock()
				st.policy = aws.ToString(pol.Policy)
				mu.Unlock()
			}
			return nil
		})
	}
	if wants[provision.BucketPolicy] {
		reads = append(reads, func(ctx context.Context) error {
			pol, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
			ok, err := check(provision.BucketPolicy, err, "NoSuchBucketPolicy")
			if ok {
				st.policy = aws.ToString(pol.Policy)
			}
			return err
		})
	}
	// The reads go at once; the last to answer finishes the bucket. The first runs here, on
	// the worker whose stack the probe has grown already.
	if len(reads) == 0 {
		done(l.notedRefusals(ctx, c, bucket, st, missing))
		return
	}
	errs := make([]error, len(reads))
	var left atomic.Int32
	left.Store(int32(len(reads)))
	run := func(i int) {
		errs[i] = l.read(ctx, reads[i])
		if left.Add(-1) > 0 {
			return
		}
		for _, err := range errs {
			if err != nil {
				done(err)
				return
			}
		}
		done(l.notedRefusals(ctx, c, bucket, st, missing))
	}
	for i := 1; i < len(reads); i++ {
		work.Go(func() { run(i) })
	}
	run(0)
}

// probe tells whether the bucket exists with GET ?versioning where the provider offers
// versioning: its answer is both the bucket's existence (NoSuchBucket) and its versioning
// state, which the plan reads anyway, so an existing bucket costs no HEAD (a no-op: four
// requests per bucket, not five) and a new one still four (GET ?versioning, PUT, PUT
// ?versioning, PUT ?lifecycle). A refusal or a redirect (3xx, 4xx, NotImplemented) is asked
// again with HEAD (bucketExists), whose reading of each is the one users know (which 403, where
// a redirect points); no answer, a throttle or a server error is the read's error, retried as
// any read is. versioningRead: st.versioning holds the bucket's state.
func (l Live) probe(ctx context.Context, c *s3.Client, bucket, provider string, st *bucketState) (exists, versioningRead bool, err error) {
	if prov, ok := presets.FindProvider(provider); ok && prov.Capabilities.Versioning {
		v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
		status := httpStatus(err)
		switch {
		case err == nil:
			st.versioning = string(v.Status)
			return true, true, nil
		case isNotFound(err):
			return false, false, nil
		case !isUnsupported(err) && (status == 0 || status >= 500 || status == http.StatusTooManyRequests):
			return false, false, explain(bucket, err)
		}
	}
	exists, err = bucketExists(ctx, c, bucket)
	return exists, false, err
}

// notedRefusals reads the bucket's tags when a document is not set: it may be one the
// provider refused at an earlier apply (TagNotOffered). A failure to read them is no error:
// no tags, no memory, so the feature is planned, and apply finds out again.
func (l Live) notedRefusals(ctx context.Context, c *s3.Client, bucket string, st *bucketState, missing map[provision.Resource]bool) error {
	if len(missing) == 0 {
		return nil
	}
	var tags []types.Tag
	err := l.read(ctx, func(ctx context.Context) error {
		var err error
		tags, err = readTags(ctx, c, bucket)
		return err
	})
	if err != nil {
		return nil
	}
	st.tags, st.tagsKnown = tags, true
	for r := range missing {
		if slices.Contains(notOffered(tags), featureNames[r]) {
			st.unsupported[r] = "NotImplemented at an earlier apply; remove the bucket tag " + TagNotOffered + " to try again"
		}
	}
	return nil
}

func errorCodeOr(err error, fallback string) string {
	if c := errorCode(err); c != "" {
		return c
	}
	return fallback
}

// readTags reads a bucket's tags; none set is no tags.
func readTags(ctx context.Context, c *s3.Client, bucket string) ([]types.Tag, error) {
	out, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil:
		return out.TagSet, nil
	case errorCode(err) == "NoSuchTagSet" || errorCode(err) == "NoSuchTagSetError":
		return nil, nil
	}
	return nil, explain(bucket, err)
}

// notOffered is the list of TagNotOffered among tags.
func notOffered(tags []types.Tag) []string {
	for _, t := range tags {
		if aws.ToString(t.Key) == TagNotOffered {
			return strings.Fields(aws.ToString(t.Value))
		}
	}
	return nil
}

// rememberNotOffered adds the feature to the bucket's TagNotOffered, keeping its other tags
// (as the plan read them, or read now when it did not). It runs in the bucket's chain, so no
// other write to the bucket is under way. A provider that offers no tags either is left
// alone: the next plan plans the feature again and apply warns again, which is honest if
// repetitive.
func rememberNotOffered(ctx context.Context, c *s3.Client, bucket string, r provision.Resource, st *bucketState) {
	if !st.tagsKnown {
		tags, err := readTags(ctx, c, bucket)
		if err != nil {
			return
		}
		st.tags, st.tagsKnown = tags, true
	}
	have := notOffered(st.tags)
	if slices.Contains(have, featureNames[r]) {
		return
	}
	value := strings.Join(append(slices.Clone(have), featureNames[r]), " ")
	tags := slices.DeleteFunc(slices.Clone(st.tags), func(t types.Tag) bool { return aws.ToString(t.Key) == TagNotOffered })
	tags = append(tags, types.Tag{Key: aws.String(TagNotOffered), Value: aws.String(value)})
	if _, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(bucket), Tagging: &types.Tagging{TagSet: tags}}); err == nil {
		st.tags = tags
	}
}

// readWorks reports whether the provider answers a read of the document r (with the document,
// or with "none set"): only then must a refused write be noted, since the next plan's read
// would otherwise take the refusal for a document not yet written. A read answered
// NotImplemented tells the next plan by itself.
func readWorks(ctx context.Context, c *s3.Client, bucket string, r provision.Resource) bool {
	in := aws.String(bucket)
	var err error
	switch r {
	case provision.BucketVersioning:
		_, err = c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: in})
	case provision.BucketLifecycle:
		_, err = c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: in})
	case provision.BucketCORS:
		_, err = c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: in})
	case provision.BucketPolicy:
		_, err = c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: in})
	}
	return !isUnsupported(err)
}

// decide sets the op of one desired action from the bucket's state and attaches its call.
// A bucket created by this run is written without reading its documents first (there is
// nothing to keep); one that existed gets a read-modify-write, so its other rules stay.
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
			return notOfferedOr(ctx, c, bucket, provision.BucketVersioning, err, st)
		}
	case provision.BucketLifecycle:
		days := int32(*a.Storage.NoncurrentVersionDays)
		if st.exists {
			if r := findLifecycleRule(st.lifecycle, days); r != nil {
				if lifecycleRuleMatches(*r, days) {
					act.Op = provision.Noop
					return
				}
				act.Op = provision.Update
				if r.NoncurrentVersionExpiration != nil {
					if was := aws.ToInt32(r.NoncurrentVersionExpiration.NoncurrentDays); was != days {
						act.Detail += fmt.Sprintf(" (was %s)", Days(int(was)))
					}
				}
			}
		}
		act.Do = func(ctx context.Context) error { return putLifecycle(ctx, c, bucket, days, st) }
	case provision.BucketCORS:
		origin := "https://" + a.WebsiteURL
		if st.exists {
			if r := findCORSRule(st.cors, origin); r != nil {
				if corsRuleMatches(*r, origin) {
					act.Op = provision.Noop
					return
				}
				act.Op = provision.Update
			}
		}
		act.Do = func(ctx context.Context) error { return putCORS(ctx, c, bucket, origin, st) }
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
		act.Do = func(ctx context.Context) error { return putPolicy(ctx, c, bucket, st) }
	}
}

// notOfferedOr turns the provider's NotImplemented to a write into provision.NotOfferedError
// (apply shows the action as skipped) and, where the next plan could not tell by itself, notes
// it on the bucket (TagNotOffered); other errors become messages a user can act on. A bucket
// that existed had the document read by the plan, which worked (else the action would not be
// planned): the refusal is noted. On a bucket this run made, the read is tried first
// (readWorks), but for lifecycle rules: they are in every bucket's chain, and every server
// known to refuse them refuses their read too (versitygw, RGW without lc), so the next plan's
// read tells, and a new bucket costs its four requests.
func notOfferedOr(ctx context.Context, c *s3.Client, bucket string, r provision.Resource, err error, st *bucketState) error {
	if err == nil || !isUnsupported(err) {
		return explain(bucket, err)
	}
	if st.exists || (r != provision.BucketLifecycle && readWorks(ctx, c, bucket, r)) {
		rememberNotOffered(ctx, c, bucket, r, st)
	}
	return notOfferedError(bucket, r, err)
}

// notOfferedError is the skipped action of a feature the provider does not offer.
func notOfferedError(bucket string, r provision.Resource, err error) error {
	return &provision.NotOfferedError{Reason: fmt.Sprintf("bucket %s: not offered by the provider: %s (%s); skipped",
		bucket, featureName(r), errorCodeOr(err, "NotImplemented"))}
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

func lifecycleRule(days int32) types.LifecycleRule {
	return types.LifecycleRule{
		ID:                          aws.String(LifecycleRuleID),
		Status:                      types.ExpirationStatusEnabled,
		Filter:                      &types.LifecycleRuleFilter{Prefix: aws.String("")},
		NoncurrentVersionExpiration: &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(days)},
	}
}

// putLifecycle writes assetwiz's rule; for a bucket that existed, read-modify-write so that
// its other rules stay as they are.
func putLifecycle(ctx context.Context, c *s3.Client, bucket string, days int32, st *bucketState) error {
	var rules []types.LifecycleRule
	if st.exists {
		cur, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(bucket)})
		switch {
		case err == nil:
			rules = cur.Rules
		case isUnsupported(err): // the read refused: the next plan's read tells, nothing to note
			return notOfferedError(bucket, provision.BucketLifecycle, err)
		case errorCode(err) != "NoSuchLifecycleConfiguration":
			return explain(bucket, err)
		}
		rules = slices.DeleteFunc(rules, func(r types.LifecycleRule) bool { return isOurLifecycleRule(r, days) })
	}
	rules = append(rules, lifecycleRule(days))
	_, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{
		Bucket:                 aws.String(bucket),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: rules},
	})
	return notOfferedOr(ctx, c, bucket, provision.BucketLifecycle, err, st)
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

// putCORS writes assetwiz's CORS rule; for a bucket that existed, read-modify-write.
func putCORS(ctx context.Context, c *s3.Client, bucket, origin string, st *bucketState) error {
	var rules []types.CORSRule
	if st.exists {
		cur, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(bucket)})
		switch {
		case err == nil:
			rules = cur.CORSRules
		case isUnsupported(err):
			return notOfferedError(bucket, provision.BucketCORS, err)
		case errorCode(err) != "NoSuchCORSConfiguration":
			return explain(bucket, err)
		}
		rules = slices.DeleteFunc(rules, func(r types.CORSRule) bool { return isOurCORSRule(r, origin) })
	}
	rules = append(rules, corsRule(origin))
	_, err := c.PutBucketCors(ctx, &s3.PutBucketCorsInput{
		Bucket:            aws.String(bucket),
		CORSConfiguration: &types.CORSConfiguration{CORSRules: rules},
	})
	return notOfferedOr(ctx, c, bucket, provision.BucketCORS, err, st)
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

// putPolicy adds assetwiz's statement to the bucket's policy; for a bucket that existed,
// read-modify-write so that its other statements stay.
func putPolicy(ctx context.Context, c *s3.Client, bucket string, st *bucketState) error {
	doc := policyDoc{Version: "2012-10-17"}
	if st.exists {
		cur, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
		switch {
		case err == nil:
			if uerr := json.Unmarshal([]byte(aws.ToString(cur.Policy)), &doc); uerr != nil {
				return fmt.Errorf("bucket %s: its policy is not JSON assetwiz can extend; add the read-only statement %s by hand", bucket, PolicySid)
			}
		case isUnsupported(err):
			return notOfferedError(bucket, provision.BucketPolicy, err)
		case errorCode(err) != "NoSuchBucketPolicy":
			return explain(bucket, err)
		}
		doc.Statement = slices.DeleteFunc(doc.Statement, func(s json.RawMessage) bool { return isOurStatement(s, bucket) })
	}
	stmt, _ := json.Marshal(readOnlyStatement(bucket))
	doc.Statement = append(doc.Statement, stmt)
	body, _ := json.Marshal(doc)
	_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(string(body))})
	return notOfferedOr(ctx, c, bucket, provision.BucketPolicy, err, st)
}

// ReadsProvider marks Live a remote backend: provision.Make plans it beside the others.
func (Live) ReadsProvider() {}

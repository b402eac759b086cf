package buckets

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/assetwiz/assetwiz/presets"
	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// What assetwiz made and the answers no longer need (a site that left the plugin technique)
// is removed: its own public-read statement and its own CORS rule, and nothing else. A
// statement or rule someone else wrote stays, whatever it grants.

// offeredByPreset reports whether the provider offers the document r (its preset's
// capabilities), so a leftover of it can exist at all.
func offeredByPreset(r provision.Resource, provider string) bool {
	prov, ok := presets.FindProvider(provider)
	if !ok {
		return false
	}
	switch r {
	case provision.BucketCORS:
		return prov.Capabilities.CORS
	case provision.BucketPolicy:
		return prov.Capabilities.Policy
	}
	return false
}

// leftovers plans the removal of assetwiz's own CORS rule and public-read statement from a
// bucket whose answers no longer ask for them.
func leftovers(c *s3.Client, a *steps.Answers, bucket string, st *bucketState, desired provision.Plan) []provision.Action {
	if st == nil || !st.exists {
		return nil
	}
	wanted := map[provision.Resource]bool{}
	for _, act := range desired.Actions {
		if act.ID == bucket {
			wanted[act.Resource] = true
		}
	}
	var out []provision.Action
	origin := "https://" + a.WebsiteURL
	if !wanted[provision.BucketCORS] && slices.ContainsFunc(st.cors, func(r types.CORSRule) bool { return isOurCORSRule(r, origin) }) {
		others := len(slices.DeleteFunc(slices.Clone(st.cors), func(r types.CORSRule) bool { return isOurCORSRule(r, origin) }))
		out = append(out, provision.Action{
			Resource: provision.BucketCORS, ID: bucket, Op: provision.Delete,
			Detail: fmt.Sprintf("assetwiz's rule %s (GET and HEAD from %s): technique %s does not need it; %s kept", CORSRuleID, origin, a.Technique, rulesWord(others, "other rule")),
			Do:     func(ctx context.Context) error { return removeCORS(ctx, c, bucket, origin) },
		})
	}
	if !wanted[provision.BucketPolicy] && st.policy != "" {
		if ours, others := ourStatements(st.policy, bucket); ours > 0 {
			out = append(out, provision.Action{
				Resource: provision.BucketPolicy, ID: bucket, Op: provision.Delete,
				Detail: fmt.Sprintf("assetwiz's public-read statement %s: technique %s does not need the bucket public; %s kept", PolicySid, a.Technique, rulesWord(others, "other statement")),
				Do:     func(ctx context.Context) error { return removeStatement(ctx, c, bucket) },
			})
		}
	}
	return out
}

func rulesWord(n int, what string) string {
	switch n {
	case 0:
		return "no " + what + "s"
	case 1:
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// ourStatements counts assetwiz's statements in a policy, and the others.
func ourStatements(policy, bucket string) (ours, others int) {
	var doc policyDoc
	if json.Unmarshal([]byte(policy), &doc) != nil {
		return 0, 0
	}
	for _, s := range doc.Statement {
		if isOurStatement(s, bucket) {
			ours++
		} else {
			others++
		}
	}
	return ours, others
}

// removeStatement takes assetwiz's statements out of the bucket's policy (read-modify-write,
// the others kept as they were read), or deletes the policy when nothing else is left in it.
func removeStatement(ctx context.Context, c *s3.Client, bucket string) error {
	cur, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	switch {
	case errorCode(err) == "NoSuchBucketPolicy":
		return nil // gone already
	case err != nil:
		return explain(bucket, err)
	}
	var doc policyDoc
	if err := json.Unmarshal([]byte(aws.ToString(cur.Policy)), &doc); err != nil {
		return fmt.Errorf("bucket %s: its policy is not JSON assetwiz can edit; remove the statement %s by hand", bucket, PolicySid)
	}
	kept := slices.DeleteFunc(doc.Statement, func(s json.RawMessage) bool { return isOurStatement(s, bucket) })
	if len(kept) == 0 {
		_, err := c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(bucket)})
		return explain(bucket, err)
	}
	doc.Statement = kept
	body, _ := json.Marshal(doc)
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(string(body))})
	return explain(bucket, err)
}

// removeCORS takes assetwiz's rule out of the bucket's CORS rules, or deletes the CORS
// configuration when nothing else is left in it.
func removeCORS(ctx context.Context, c *s3.Client, bucket, origin string) error {
	cur, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(bucket)})
	switch {
	case errorCode(err) == "NoSuchCORSConfiguration":
		return nil
	case err != nil:
		return explain(bucket, err)
	}
	kept := slices.DeleteFunc(cur.CORSRules, func(r types.CORSRule) bool { return isOurCORSRule(r, origin) })
	if len(kept) == 0 {
		_, err := c.DeleteBucketCors(ctx, &s3.DeleteBucketCorsInput{Bucket: aws.String(bucket)})
		return explain(bucket, err)
	}
	_, err = c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: aws.String(bucket), CORSConfiguration: &types.CORSConfiguration{CORSRules: kept}})
	return explain(bucket, err)
}

// leftoversOfLocal plans, for a site whose technique makes no bucket (local, efs) but which
// had buckets under another technique, the removal of what assetwiz made public in them: the
// site's bucket names as the toolkit derives them (siteBuckets). Nothing here fails the plan:
// without keys, or with a bucket that cannot be read, there is nothing assetwiz knows it made.
func (l Live) leftoversOfLocal(ctx context.Context, a *steps.Answers) []provision.Action {
	if a.MakesBuckets() || !a.HasStorage() || a.Secrets.S3AccessKey == "" || a.Secrets.S3SecretKey == "" ||
		!(offeredByPreset(provision.BucketPolicy, a.Storage.Provider) || offeredByPreset(provision.BucketCORS, a.Storage.Provider)) {
		return nil
	}
	client, err := newClient(ctx, a, l.Getenv, l.AnswerTimeout, 1)
	if err != nil {
		return nil
	}
	names := siteBuckets(a)
	found := make([][]provision.Action, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			_ = provision.Recovered(func(ctx context.Context) error {
				exists, err := bucketExists(ctx, client, name)
				if err != nil || !exists {
					return err
				}
				st := &bucketState{exists: true}
				var rw sync.WaitGroup
				if offeredByPreset(provision.BucketCORS, a.Storage.Provider) {
					rw.Go(func() {
						if cors, err := client.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(name)}); err == nil {
							st.cors = cors.CORSRules
						}
					})
				}
				if offeredByPreset(provision.BucketPolicy, a.Storage.Provider) {
					rw.Go(func() {
						if pol, err := client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(name)}); err == nil {
							st.policy = aws.ToString(pol.Policy)
						}
					})
				}
				rw.Wait()
				found[i] = leftovers(client, a, name, st, provision.Plan{})
				return nil
			})(ctx)
		})
	}
	wg.Wait()
	var out []provision.Action
	for _, acts := range found {
		out = append(out, acts...)
	}
	chain(out)
	return out
}

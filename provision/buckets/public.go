package buckets

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// The ACL groups that make a bucket public: anyone, and anyone with any account.
const (
	allUsers           = "http://acs.amazonaws.com/groups/global/AllUsers"
	authenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
)

// PublicGrant is one way a bucket is open to people without its keys.
type PublicGrant struct {
	// Policy: a policy statement grants it (its Sid, "" when it has none); else an ACL grant.
	Policy bool
	Sid    string
	// Ours: the statement is assetwiz's own public-read one.
	Ours bool
	// What is said to the user: "policy statement X allows s3:GetObject to everyone".
	What string
}

// PublicAccess reads a bucket's policy and ACL and lists what makes it public: a policy
// statement that allows anything to everyone ("*", with no condition), an ACL grant to all
// users or to every authenticated user. A document the provider does not offer, or that is
// not set, grants nothing; another failure to read is an error (public access unknown).
// GetBucketPolicyStatus is not asked: versitygw calls a policy public for a statement that
// denies everyone, so its verdict would fail a private bucket; the statements are read instead.
func PublicAccess(ctx context.Context, c *s3.Client, bucket string) ([]PublicGrant, error) {
	// The two reads go at once: neither answer tells the other (one round trip, not two).
	var acl *s3.GetBucketAclOutput
	var aclErr error
	var wg sync.WaitGroup
	wg.Go(func() { acl, aclErr = c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(bucket)}) })
	pol, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	wg.Wait()
	var out []PublicGrant
	switch {
	case err == nil:
		out = append(out, publicStatements(aws.ToString(pol.Policy), bucket)...)
	case errorCode(err) == "NoSuchBucketPolicy" || isUnsupported(err):
	default:
		return nil, explain(bucket, err)
	}
	switch err := aclErr; {
	case err == nil:
		for _, g := range acl.Grants {
			if g.Grantee == nil {
				continue
			}
			switch groupOf(g.Grantee) {
			case allUsers:
				out = append(out, PublicGrant{What: fmt.Sprintf("its ACL grants %s to everyone (AllUsers)", g.Permission)})
			case authenticatedUsers:
				out = append(out, PublicGrant{What: fmt.Sprintf("its ACL grants %s to anyone with an account (AuthenticatedUsers)", g.Permission)})
			}
		}
	case isUnsupported(err):
	default:
		return nil, explain(bucket, err)
	}
	return out, nil
}

// publicStatements lists the statements of a policy that allow anything to everyone
// without a condition.
func publicStatements(policy, bucket string) []PublicGrant {
	var doc policyDoc
	if json.Unmarshal([]byte(policy), &doc) != nil {
		return nil
	}
	var out []PublicGrant
	for _, raw := range doc.Statement {
		var s struct {
			Sid       string
			Effect    string
			Principal any
			Action    any
			Condition map[string]any
		}
		if json.Unmarshal(raw, &s) != nil || !strings.EqualFold(s.Effect, "Allow") || len(s.Condition) > 0 || !everyone(s.Principal) {
			continue
		}
		name := "a policy statement"
		if s.Sid != "" {
			name = "policy statement " + s.Sid
		}
		out = append(out, PublicGrant{Policy: true, Sid: s.Sid, Ours: isOurStatement(raw, bucket),
			What: fmt.Sprintf("%s allows %s to everyone", name, strings.Join(strings.Fields(fmt.Sprint(s.Action)), " "))})
	}
	return out
}

// everyone: a Principal of "*", or {"AWS": "*"} (or a list holding "*").
func everyone(p any) bool {
	switch p := p.(type) {
	case string:
		return p == "*"
	case map[string]any:
		for _, v := range p {
			switch v := v.(type) {
			case string:
				if v == "*" {
					return true
				}
			case []any:
				for _, e := range v {
					if e == "*" {
						return true
					}
				}
			}
		}
	}
	return false
}

// RemovePublicStatements takes every statement that allows anything to everyone out of a
// bucket's policy (read-modify-write, the others kept), or deletes the policy when nothing
// else is left: for a bucket that must never be public (a backup bucket).
func RemovePublicStatements(ctx context.Context, c *s3.Client, bucket string) error {
	cur, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	switch {
	case errorCode(err) == "NoSuchBucketPolicy":
		return nil
	case err != nil:
		return explain(bucket, err)
	}
	var doc policyDoc
	if err := json.Unmarshal([]byte(aws.ToString(cur.Policy)), &doc); err != nil {
		return fmt.Errorf("bucket %s: its policy is not JSON assetwiz can edit; remove its public statements by hand", bucket)
	}
	var kept statements
	for _, raw := range doc.Statement {
		if len(publicStatements(string(mustJSON(policyDoc{Statement: statements{raw}})), bucket)) == 0 {
			kept = append(kept, raw)
		}
	}
	if len(kept) == 0 {
		_, err := c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(bucket)})
		return explain(bucket, err)
	}
	doc.Statement = kept
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(string(mustJSON(doc)))})
	return explain(bucket, err)
}

// MakeACLPrivate sets a bucket's ACL to the canned "private": the owner alone.
func MakeACLPrivate(ctx context.Context, c *s3.Client, bucket string) error {
	_, err := c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String(bucket), ACL: types.BucketCannedACLPrivate})
	return explain(bucket, err)
}

// groupOf is the ACL group a grantee stands for: its URI, or, as versitygw names them, the
// group's id ("all-users", "authenticated-users").
func groupOf(g *types.Grantee) string {
	if uri := aws.ToString(g.URI); uri != "" {
		return uri
	}
	switch strings.ToLower(aws.ToString(g.ID)) {
	case "all-users", "allusers":
		return allUsers
	case "authenticated-users", "authenticatedusers":
		return authenticatedUsers
	}
	return ""
}

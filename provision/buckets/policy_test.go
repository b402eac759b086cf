package buckets

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
)

// The read-only statement joins a bucket's policy without touching its other statements,
// and is the only public grant: s3:GetObject, never s3:*.
func TestPutPolicyKeepsOtherStatements(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	ctx := context.Background()
	c := srv.Client(t)
	bucket := "policy-test-bucket"
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	theirs := `{"Version":"2012-10-17","Statement":[{"Sid":"Theirs","Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::policy-test-bucket/*"}]}`
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(theirs)}); err != nil {
		t.Fatal(err)
	}
	if has, _ := policyHasStatement(theirs, bucket); has {
		t.Fatal("their policy taken for ours")
	}
	if err := putPolicy(ctx, c, bucket, &bucketState{exists: true}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	policy := aws.ToString(got.Policy)
	var doc policyDoc
	if err := json.Unmarshal([]byte(policy), &doc); err != nil || len(doc.Statement) != 2 || !strings.Contains(policy, "Theirs") {
		t.Fatalf("policy after put: %s %v", policy, err)
	}
	if has, same := policyHasStatement(policy, bucket); !has || !same {
		t.Errorf("our statement: has %v same %v in %s", has, same, policy)
	}
	if strings.Contains(policy, `"s3:*"`) {
		t.Errorf("policy grants s3:*: %s", policy)
	}
}

func TestLifecycleRuleMerge(t *testing.T) {
	t.Parallel()
	if !lifecycleRuleMatches(lifecycleRule(30), 30) || lifecycleRuleMatches(lifecycleRule(30), 7) {
		t.Error("lifecycleRuleMatches")
	}
	if !corsRuleMatches(corsRule("https://www.example.com"), "https://www.example.com") || corsRuleMatches(corsRule("https://a.example.com"), "https://www.example.com") {
		t.Error("corsRuleMatches")
	}
}

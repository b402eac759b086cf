package buckets

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// Each normal form an S3 server may give back for assetwiz's policy statement is the same
// statement; a statement that grants something else is not.
func TestPolicyStatementComparedByMeaning(t *testing.T) {
	t.Parallel()
	const b = "assets"
	doc := func(stmt string) string { return `{"Version":"2012-10-17","Statement":[` + stmt + `]}` }
	same := map[string]string{
		"as written":              `{"Sid":"AssetwizPublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::assets/*"}`,
		"one-element arrays":      `{"Sid":"AssetwizPublicRead","Effect":"Allow","Principal":"*","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::assets/*"]}`,
		`{"AWS":"*"}`:             `{"Sid":"AssetwizPublicRead","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::assets/*"}`,
		`{"AWS":["*"]}`:           `{"Sid":"AssetwizPublicRead","Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::assets/*"]}`,
		"keys in another order":   `{"Resource":"arn:aws:s3:::assets/*","Principal":"*","Effect":"Allow","Action":"s3:GetObject","Sid":"AssetwizPublicRead"}`,
		"action case":             `{"Sid":"AssetwizPublicRead","Effect":"Allow","Principal":"*","Action":"S3:GETOBJECT","Resource":"arn:aws:s3:::assets/*"}`,
		"Sid dropped by server":   `{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::assets/*"]}`,
		"single statement object": "",
	}
	for name, stmt := range same {
		policy := doc(stmt)
		if stmt == "" {
			policy = `{"Version":"2012-10-17","Statement":{"Sid":"AssetwizPublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::assets/*"}}`
		}
		if has, ok := policyHasStatement(policy, b); !has || !ok {
			t.Errorf("%s: has %v, same %v; want the same statement", name, has, ok)
		}
	}
	differs := map[string]string{
		"another action":   `{"Sid":"AssetwizPublicRead","Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::assets/*"}`,
		"another bucket":   `{"Sid":"AssetwizPublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}`,
		"a condition":      `{"Sid":"AssetwizPublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::assets/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`,
		"one account only": `{"Sid":"AssetwizPublicRead","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::assets/*"}`,
		"deny":             `{"Sid":"AssetwizPublicRead","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::assets/*"}`,
	}
	for name, stmt := range differs {
		if has, ok := policyHasStatement(doc(stmt), b); !has || ok {
			t.Errorf("%s: has %v, same %v; want ours, to be updated", name, has, ok)
		}
	}
	if has, _ := policyHasStatement(doc(`{"Sid":"Theirs","Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::assets"}`), b); has {
		t.Error("another statement taken for ours")
	}
}

func TestLifecycleRuleComparedByMeaning(t *testing.T) {
	t.Parallel()
	base := func() types.LifecycleRule { return lifecycleRule(30) }
	same := map[string]func(*types.LifecycleRule){
		"as written":   func(*types.LifecycleRule) {},
		"no filter":    func(r *types.LifecycleRule) { r.Filter = nil },
		"empty filter": func(r *types.LifecycleRule) { r.Filter = &types.LifecycleRuleFilter{} },
		"empty And": func(r *types.LifecycleRule) {
			r.Filter = &types.LifecycleRuleFilter{And: &types.LifecycleRuleAndOperator{Prefix: aws.String("")}}
		},
		"old top-level prefix": func(r *types.LifecycleRule) { r.Filter, r.Prefix = nil, aws.String("") },
		"empty Expiration filled in": func(r *types.LifecycleRule) {
			r.Expiration = &types.LifecycleExpiration{ExpiredObjectDeleteMarker: aws.Bool(false)}
		},
		"status case":                       func(r *types.LifecycleRule) { r.Status = "enabled" },
		"id dropped by server (by meaning)": func(r *types.LifecycleRule) { r.ID = nil },
	}
	for name, change := range same {
		r := base()
		change(&r)
		found := findLifecycleRule([]types.LifecycleRule{r}, 30)
		if found == nil || !lifecycleRuleMatches(*found, 30) {
			t.Errorf("%s: not taken for assetwiz's rule as it is", name)
		}
	}
	differs := map[string]func(*types.LifecycleRule){
		"other days":         func(r *types.LifecycleRule) { r.NoncurrentVersionExpiration.NoncurrentDays = aws.Int32(7) },
		"disabled":           func(r *types.LifecycleRule) { r.Status = types.ExpirationStatusDisabled },
		"only a prefix":      func(r *types.LifecycleRule) { r.Filter = &types.LifecycleRuleFilter{Prefix: aws.String("tmp/")} },
		"expires current":    func(r *types.LifecycleRule) { r.Expiration = &types.LifecycleExpiration{Days: aws.Int32(1)} },
		"keeps N versions":   func(r *types.LifecycleRule) { r.NoncurrentVersionExpiration.NewerNoncurrentVersions = aws.Int32(3) },
		"moves old versions": func(r *types.LifecycleRule) { r.NoncurrentVersionTransitions = []types.NoncurrentVersionTransition{{}} },
	}
	for name, change := range differs {
		r := base()
		change(&r)
		if lifecycleRuleMatches(r, 30) {
			t.Errorf("%s: taken for assetwiz's rule as it is", name)
		}
	}
}

func TestCORSRuleComparedByMeaning(t *testing.T) {
	t.Parallel()
	const origin = "https://www.example.com"
	same := map[string]types.CORSRule{
		"as written":        corsRule(origin),
		"methods reordered": {ID: aws.String(CORSRuleID), AllowedOrigins: []string{origin}, AllowedMethods: []string{"HEAD", "GET"}, AllowedHeaders: []string{"*"}, MaxAgeSeconds: aws.Int32(3600)},
		"method case":       {ID: aws.String(CORSRuleID), AllowedOrigins: []string{origin}, AllowedMethods: []string{"get", "head"}, AllowedHeaders: []string{"*"}},
		"max age left out":  {ID: aws.String(CORSRuleID), AllowedOrigins: []string{origin}, AllowedMethods: []string{"GET", "HEAD"}, AllowedHeaders: []string{"*"}},
		"id dropped":        {AllowedOrigins: []string{origin}, AllowedMethods: []string{"GET", "HEAD", "GET"}, AllowedHeaders: []string{"*"}},
	}
	for name, r := range same {
		found := findCORSRule([]types.CORSRule{r}, origin)
		if found == nil || !corsRuleMatches(*found, origin) {
			t.Errorf("%s: not taken for assetwiz's rule as it is", name)
		}
	}
	differs := map[string]types.CORSRule{
		"another origin":  {ID: aws.String(CORSRuleID), AllowedOrigins: []string{"https://evil.example"}, AllowedMethods: []string{"GET", "HEAD"}, AllowedHeaders: []string{"*"}},
		"any origin":      {ID: aws.String(CORSRuleID), AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET", "HEAD"}, AllowedHeaders: []string{"*"}},
		"PUT as well":     {ID: aws.String(CORSRuleID), AllowedOrigins: []string{origin}, AllowedMethods: []string{"GET", "HEAD", "PUT"}, AllowedHeaders: []string{"*"}},
		"no headers":      {ID: aws.String(CORSRuleID), AllowedOrigins: []string{origin}, AllowedMethods: []string{"GET", "HEAD"}},
		"exposes headers": {ID: aws.String(CORSRuleID), AllowedOrigins: []string{origin}, AllowedMethods: []string{"GET", "HEAD"}, AllowedHeaders: []string{"*"}, ExposeHeaders: []string{"ETag"}},
	}
	for name, r := range differs {
		if corsRuleMatches(r, origin) {
			t.Errorf("%s: taken for assetwiz's rule as it is", name)
		}
	}
}

// Each way an S3 server says it does not offer a feature is taken as "not offered", and the
// answers that mean something else are not.
func TestWaysOfNotOfferingAFeature(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"NotImplemented", "NotSupported", "UnsupportedOperation"} {
		if !isUnsupported(&smithy.GenericAPIError{Code: code}) {
			t.Errorf("%s not taken for a feature the provider lacks", code)
		}
	}
	for _, code := range []string{"NoSuchCORSConfiguration", "AccessDenied", "MethodNotAllowed", "InternalError"} {
		if isUnsupported(&smithy.GenericAPIError{Code: code}) {
			t.Errorf("%s taken for a feature the provider lacks", code)
		}
	}
	tags := []types.Tag{{Key: aws.String("team"), Value: aws.String("web")}, {Key: aws.String(TagNotOffered), Value: aws.String("cors lifecycle")}}
	if got := notOffered(tags); len(got) != 2 || got[0] != "cors" || got[1] != "lifecycle" {
		t.Errorf("features noted as not offered: %q", got)
	}
}

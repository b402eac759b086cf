package buckets

// Bucket documents compared by meaning, not by bytes: S3 servers give back what they were
// sent in their own normal form (a string as a one-element array, "*" as {"AWS":["*"]}, keys
// reordered, defaults filled in), and a plan that compared bytes would never be empty.

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// findLifecycleRule is assetwiz's rule among a bucket's lifecycle rules, found by identity,
// never by the days it holds: the one with its id; else, where the server dropped ids, the
// one that does what assetwiz's rule does (lifecycleRuleShape), whatever its days. The days
// are what an update changes: matching by them would take a rule of other days for someone
// else's and add a second one beside it.
func findLifecycleRule(rules []types.LifecycleRule, days int32) *types.LifecycleRule {
	for i := range rules {
		if aws.ToString(rules[i].ID) == LifecycleRuleID {
			return &rules[i]
		}
	}
	for i := range rules {
		if lifecycleRuleMatches(rules[i], days) {
			return &rules[i]
		}
	}
	for i := range rules {
		if aws.ToString(rules[i].ID) == "" && lifecycleRuleShape(rules[i]) {
			return &rules[i]
		}
	}
	return nil
}

// isOurLifecycleRule: assetwiz's id, the same rule, or (without an id) a rule of its shape.
func isOurLifecycleRule(r types.LifecycleRule, days int32) bool {
	return aws.ToString(r.ID) == LifecycleRuleID || lifecycleRuleMatches(r, days) ||
		(aws.ToString(r.ID) == "" && lifecycleRuleShape(r))
}

// lifecycleRuleShape: the filter and the action of assetwiz's rule (the whole bucket, old
// versions expired, nothing else), whatever the days and the status.
func lifecycleRuleShape(r types.LifecycleRule) bool {
	return r.NoncurrentVersionExpiration != nil && aws.ToInt32(r.NoncurrentVersionExpiration.NewerNoncurrentVersions) == 0 &&
		wholeBucket(r) && noExpiration(r.Expiration) &&
		len(r.Transitions) == 0 && len(r.NoncurrentVersionTransitions) == 0 &&
		(r.AbortIncompleteMultipartUpload == nil || aws.ToInt32(r.AbortIncompleteMultipartUpload.DaysAfterInitiation) == 0)
}

// lifecycleRuleMatches: enabled, on the whole bucket, expiring old versions after days and
// doing nothing else.
func lifecycleRuleMatches(r types.LifecycleRule, days int32) bool {
	return strings.EqualFold(string(r.Status), string(types.ExpirationStatusEnabled)) && lifecycleRuleShape(r) &&
		aws.ToInt32(r.NoncurrentVersionExpiration.NoncurrentDays) == days
}

// wholeBucket: no filter, an empty prefix (in the filter, in an And, or the old top-level
// Prefix), no tags, no size bounds.
func wholeBucket(r types.LifecycleRule) bool {
	//nolint:staticcheck // the top-level Prefix is deprecated, and some servers still answer with it
	if aws.ToString(r.Prefix) != "" {
		return false
	}
	f := r.Filter
	if f == nil {
		return true
	}
	if aws.ToString(f.Prefix) != "" || f.Tag != nil || aws.ToInt64(f.ObjectSizeGreaterThan) != 0 || aws.ToInt64(f.ObjectSizeLessThan) != 0 {
		return false
	}
	if a := f.And; a != nil {
		return aws.ToString(a.Prefix) == "" && len(a.Tags) == 0 && aws.ToInt64(a.ObjectSizeGreaterThan) == 0 && aws.ToInt64(a.ObjectSizeLessThan) == 0
	}
	return true
}

// noExpiration: no expiry of current versions; a server may answer an empty element.
func noExpiration(e *types.LifecycleExpiration) bool {
	return e == nil || (e.Date == nil && aws.ToInt32(e.Days) == 0 && !aws.ToBool(e.ExpiredObjectDeleteMarker))
}

// findCORSRule is assetwiz's CORS rule: the one with its id, else one that means the same.
func findCORSRule(rules []types.CORSRule, origin string) *types.CORSRule {
	for i := range rules {
		if aws.ToString(rules[i].ID) == CORSRuleID {
			return &rules[i]
		}
	}
	for i := range rules {
		if corsRuleMatches(rules[i], origin) {
			return &rules[i]
		}
	}
	return nil
}

func isOurCORSRule(r types.CORSRule, origin string) bool {
	return aws.ToString(r.ID) == CORSRuleID || corsRuleMatches(r, origin)
}

// corsRuleMatches: GET and HEAD from the site's origin, any request header, nothing exposed;
// methods in any order or case, a trailing slash on the origin, and the max age left out by
// the server are the same rule.
func corsRuleMatches(r types.CORSRule, origin string) bool {
	origins := set(r.AllowedOrigins, func(s string) string { return strings.TrimSuffix(s, "/") })
	methods := set(r.AllowedMethods, strings.ToUpper)
	headers := set(r.AllowedHeaders, strings.ToLower)
	return slices.Equal(origins, []string{origin}) && slices.Equal(methods, []string{"GET", "HEAD"}) &&
		slices.Equal(headers, []string{"*"}) && len(r.ExposeHeaders) == 0 &&
		(r.MaxAgeSeconds == nil || aws.ToInt32(r.MaxAgeSeconds) == 3600)
}

// set is the sorted, deduplicated values after norm.
func set(values []string, norm func(string) string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		out = append(out, norm(strings.TrimSpace(v)))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// policyDoc is an IAM policy document; statements are kept as they were read.
type policyDoc struct {
	Version   string     `json:"Version,omitempty"`
	ID        string     `json:"Id,omitempty"`
	Statement statements `json:"Statement"`
}

// statements is a policy's Statement: an array, or a single statement object.
type statements []json.RawMessage

func (s *statements) UnmarshalJSON(b []byte) error {
	if t := strings.TrimSpace(string(b)); strings.HasPrefix(t, "{") {
		*s = statements{json.RawMessage(b)}
		return nil
	}
	var list []json.RawMessage
	err := json.Unmarshal(b, &list)
	*s = list
	return err
}

// policyHasStatement reports whether the policy holds assetwiz's statement (by Sid, or one
// that means the same), and whether it means the same as the one assetwiz would write.
func policyHasStatement(policy, bucket string) (has, same bool) {
	var doc policyDoc
	if json.Unmarshal([]byte(policy), &doc) != nil {
		return false, false
	}
	want := normalStatement(mustJSON(readOnlyStatement(bucket)))
	for _, s := range doc.Statement {
		if statementSid(s) == PolicySid {
			return true, normalStatement(s) == want
		}
	}
	for _, s := range doc.Statement {
		if normalStatement(s) == want {
			return true, true
		}
	}
	return false, false
}

// isOurStatement: assetwiz's Sid, or the same grant with no Sid (a server that drops Sids).
// The same grant under another Sid is someone else's, and never removed.
func isOurStatement(s json.RawMessage, bucket string) bool {
	sid := statementSid(s)
	return sid == PolicySid || (sid == "" && normalStatement(s) == normalStatement(mustJSON(readOnlyStatement(bucket))))
}

func statementSid(s json.RawMessage) string {
	var h struct {
		Sid string `json:"Sid"`
	}
	_ = json.Unmarshal(s, &h)
	return h.Sid
}

// normalStatement is a statement in one normal form, without its Sid: Action, Resource and
// their Not forms as sorted sets (actions in lower case: IAM ignores their case), a Principal
// of "*" as {"AWS":["*"]} and each principal list as a sorted set, keys in order. "" when it
// is not a JSON object.
func normalStatement(s json.RawMessage) string {
	var m map[string]any
	if json.Unmarshal(s, &m) != nil || m == nil {
		return ""
	}
	delete(m, "Sid")
	for _, k := range []string{"Action", "NotAction"} {
		if v, ok := m[k]; ok {
			m[k] = stringSet(v, strings.ToLower)
		}
	}
	for _, k := range []string{"Resource", "NotResource"} {
		if v, ok := m[k]; ok {
			m[k] = stringSet(v, func(s string) string { return s })
		}
	}
	for _, k := range []string{"Principal", "NotPrincipal"} {
		switch v := m[k].(type) {
		case string:
			m[k] = map[string]any{"AWS": stringSet(v, func(s string) string { return s })}
		case map[string]any:
			for kind, ids := range v {
				v[kind] = stringSet(ids, func(s string) string { return s })
			}
		}
	}
	return string(mustJSON(m)) // encoding/json writes map keys sorted
}

// stringSet is a string or a list of strings as a sorted set; anything else as it is.
func stringSet(v any, norm func(string) string) any {
	var out []string
	switch v := v.(type) {
	case string:
		out = []string{v}
	case []any:
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return v
			}
			out = append(out, s)
		}
	default:
		return v
	}
	return set(out, norm)
}

func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// Package cloudflare is the CDN backend: a Cloudflare Cache Rule ("cache everything") for
// each asset directory, or a legacy Page Rule.
package cloudflare

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// Rule is the CDN rule of one asset directory.
type Rule struct {
	// Host is the site the rule belongs to; its description and expression name it.
	Host      string
	Directory string
	// Ref identifies a cache rule as assetwiz's in the zone's entry point ruleset.
	Ref         string
	Description string
	Expression  string
	// Target is the page rule URL pattern, host/directory/*.
	Target  string
	EdgeTTL int
	// Endpoint is the bucket's host, for the CDN host's origin rule (Directory "").
	Endpoint string
}

// RefPrefix starts the ref of every cache rule assetwiz makes.
const RefPrefix = "assetwiz-"

// DescriptionPrefix starts the description of every rule assetwiz makes.
const DescriptionPrefix = "assetwiz: "

// Rules are the CDN rules the answers ask for, one per directory; for technique plugin, the
// one cache rule of the CDN host in front of the bucket instead (cdnhost.go).
func Rules(a *steps.Answers) []Rule {
	if a.CDN.Provider != steps.CDNCloudflare {
		return nil
	}
	if a.CDNHostAsked() {
		return []Rule{cdnCacheRule(a)}
	}
	out := make([]Rule, 0, len(a.Directories))
	for _, d := range a.Directories {
		host := a.WebsiteURL
		out = append(out, Rule{
			Host:        host,
			Directory:   d,
			Ref:         refOf(host, d),
			Description: fmt.Sprintf("%scache everything under %s/%s/", DescriptionPrefix, host, d),
			Expression:  fmt.Sprintf(`(http.host eq "%s" and starts_with(http.request.uri.path, "/%s/"))`, host, d),
			Target:      host + "/" + d + "/*",
			EdgeTTL:     a.CDN.EdgeTTL,
		})
	}
	return out
}

// dashRuns are runs of dashes, folded into one in a ref.
var dashRuns = regexp.MustCompile(`-{2,}`)

// refOf is the ref of the rule of directory d of host: assetwiz- and the host and
// directory with '.', '/' and '_' as '-'. It is frozen here (it was the bucket name of the
// first release) so that a change of bucket naming or toolkit generation never renames a
// rule; the exact host is in the description (see siteOf).
func refOf(host, d string) string {
	name := strings.ToLower(host + "-assets-" + d)
	name = refDashes.Replace(name)
	return RefPrefix + dashRuns.ReplaceAllString(name, "-")
}

var refDashes = strings.NewReplacer(".", "-", "/", "-", "_", "-")

// placeRef is r with the ref it has, or is to have, among the rules of the entry point:
// refOf(host, directory), unless another site's rule already holds that one — hosts that
// differ only in '.' against '-' (shop-eu.example.com, shop.eu.example.com) share it, and a
// ref must be unique within a ruleset — then that ref and a short hash of the host. A rule
// of this site already under either ref keeps it, so every run finds the same one.
func placeRef(r Rule, rules []ruleJSON) Rule {
	own, alt := r, r
	own.Ref = firstRef(r)
	alt.Ref = own.Ref + "-" + hostHash(r.Host)
	switch {
	case findRule(rules, own) >= 0:
		return own
	case findRule(rules, alt) >= 0:
		return alt
	case slices.ContainsFunc(rules, func(got ruleJSON) bool { return got["ref"] == own.Ref }):
		return alt
	}
	return own
}

// hostHash is 8 hex digits of the host's SHA-256: a ref's mark of its site.
func hostHash(host string) string {
	sum := sha256.Sum256([]byte(host))
	return hex.EncodeToString(sum[:4])
}

// siteOf tells the site of one of assetwiz's cache rules from what marks it: the
// description ("assetwiz: cache everything under HOST/DIR/", the same in every release),
// else the expression's http.host. ok is false for a rule assetwiz did not make (its ref
// does not start with assetwiz-) or whose site cannot be told.
func siteOf(rule map[string]any) (host string, ok bool) {
	if ref, _ := rule["ref"].(string); !strings.HasPrefix(ref, RefPrefix) {
		return "", false
	}
	desc, _ := rule["description"].(string)
	if rest, found := strings.CutPrefix(desc, DescriptionPrefix+"cache everything under "); found {
		if h, _, found := strings.Cut(rest, "/"); found && h != "" {
			return h, true
		}
	}
	expr, _ := rule["expression"].(string)
	if _, rest, found := strings.Cut(expr, `http.host eq "`); found {
		if h, _, found := strings.Cut(rest, `"`); found && h != "" {
			return h, true
		}
	}
	return "", false
}

// Offline plans the CDN rules without asking Cloudflare: every rule is to be created.
type Offline struct{}

// Plan lists every rule as create.
func (Offline) Plan(_ context.Context, a *steps.Answers) (provision.Plan, error) {
	p := Desired(a)
	if a.CDNHostAsked() {
		// Said here because only a live plan reads the zone's plan and refuses it.
		p.Warn("the origin rule of %s overrides the Host header, which Cloudflare allows on Enterprise zones only: a plan without --offline checks the zone",
			a.CDNHost())
	}
	return p, nil
}

// Desired is what the answers ask of Cloudflare, as if no rule existed yet.
func Desired(a *steps.Answers) provision.Plan {
	var p provision.Plan
	rules := Rules(a)
	if len(rules) == 0 {
		return p
	}
	for _, r := range rules {
		if a.CDN.Method == steps.MethodPageRules {
			p.Actions = append(p.Actions, provision.Action{
				Resource: provision.PageRule, ID: r.Target, Op: provision.Create,
				Detail: fmt.Sprintf("cache_level cache_everything, edge_cache_ttl %d", r.EdgeTTL),
			})
			continue
		}
		p.Actions = append(p.Actions, provision.Action{
			Resource: provision.CacheRule, ID: r.Ref, Op: provision.Create,
			Detail: fmt.Sprintf("cache everything, edge TTL %ds: %s", r.EdgeTTL, r.Expression),
		})
	}
	if a.CDN.Method == steps.MethodPageRules {
		p.Warn("Page Rules are deprecated by Cloudflare and limited (3 on the Free plan); prefer cdn.method: cache-rules")
	}
	if a.CDNHostAsked() {
		desiredOrigin(a, &p)
		return p
	}
	p.Warn(proxiedReminder+"make sure the record for %s is proxied", a.WebsiteURL)
	return p
}

// proxiedReminder starts the offline reminder that the site's record must be proxied; the
// live plan, which reads the record, replaces it with what it found (one warning per cause).
const proxiedReminder = "Cloudflare rules apply only to proxied (orange-cloud) DNS records: "

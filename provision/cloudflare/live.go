package cloudflare

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// Live plans the CDN rules against Cloudflare: the token is checked while the zone is
// looked up, then the rules are read; each rule is then a create, update or noop.
type Live struct {
	// Getenv reads CLOUDFLARE_API_TOKEN (when the answers carry none) and CLOUDFLARE_BASE_URL.
	Getenv func(string) string
}

// connect checks the token and finds the zone.
func (l Live) connect(ctx context.Context, a *steps.Answers) (*Client, Zone, error) {
	c, err := NewClientFromEnv(l.Getenv, a)
	if err != nil {
		return nil, Zone{}, err
	}
	// The token check and the zone lookup go together (one round trip, not two); the
	// token's error, clearer, wins when both fail.
	var tokenErr, zoneErr error
	var z Zone
	both(func() { tokenErr = c.VerifyToken(ctx) }, func() { z, zoneErr = c.FindZone(ctx, a.WebsiteURL, a.CDN.Zone) })
	if tokenErr != nil {
		return nil, Zone{}, tokenErr
	}
	if zoneErr != nil {
		return nil, Zone{}, zoneErr
	}
	return c, z, nil
}

// both runs f and g at the same time and returns when both are done.
func both(f, g func()) {
	var wg sync.WaitGroup
	wg.Go(g)
	f()
	wg.Wait()
}

// Check is the wizard's check: the token is valid and the site's zone is found; it
// returns the zone's name.
func Check(ctx context.Context, a *steps.Answers, getenv func(string) string) (string, error) {
	_, z, err := Live{Getenv: getenv}.connect(ctx, a)
	if err != nil {
		return "", err
	}
	return z.Name, nil
}

// Plan reads the zone's rules and plans each of assetwiz's as create, update or noop.
func (l Live) Plan(ctx context.Context, a *steps.Answers) (provision.Plan, error) {
	rules := Rules(a)
	if len(rules) == 0 {
		return provision.Plan{}, nil
	}
	c, z, err := l.connect(ctx, a)
	if err != nil {
		return provision.Plan{}, err
	}
	if a.CDNHostAsked() {
		return l.planCDNHost(ctx, c, z, a)
	}
	p := Desired(a)
	// The rules and the DNS record are read at the same time.
	var proxied, known bool
	var dnsErr error
	both(func() {
		if a.CDN.Method == steps.MethodPageRules {
			err = c.planPageRules(ctx, z, rules, &p)
		} else {
			err = c.planCacheRules(ctx, z, a.WebsiteURL, rules, &p)
		}
	}, func() { proxied, known, dnsErr = c.Proxied(ctx, z.ID, a.WebsiteURL) })
	if err != nil {
		return provision.Plan{}, err
	}
	if dnsErr == nil && known && !proxied {
		// The record was read, grey: the warning below replaces the offline reminder.
		p.Warnings = slices.DeleteFunc(p.Warnings, func(w string) bool { return strings.HasPrefix(w, proxiedReminder) })
	}
	switch {
	case dnsErr != nil:
		p.Warn("could not check whether the DNS record of %s is proxied: %v", a.WebsiteURL, dnsErr)
	case known && !proxied:
		p.Warn("the DNS record of %s in zone %s is not proxied (grey cloud): the rules have no effect until it is proxied (orange cloud)",
			a.WebsiteURL, z.Name)
	}
	return p, nil
}

// planCDNHost plans the CDN host in front of the bucket: its cache rule (or page rule), its
// DNS record and its origin rule. An open cdn.host takes its default in the zone found, and
// the snippets planned after this deliver from it.
func (l Live) planCDNHost(ctx context.Context, c *Client, z Zone, a *steps.Answers) (provision.Plan, error) {
	if a.CDN.Host == "" {
		a.CDN.Host = steps.DefaultCDNHost(a.WebsiteURL, z.Name)
	}
	if a.CDN.Zone == "" {
		defer func() { a.CDN.Zone = "" }()
		a.CDN.Zone = z.Name // for the warnings of Desired, which name the zone
	}
	p := Desired(a)
	rules := Rules(a)
	var err, hostErr error
	// The origin rule's plan check comes first: nothing is read or written past a refusal.
	if hostErr = c.planCDNHost(ctx, a, z, &p); hostErr != nil {
		return provision.Plan{}, hostErr
	}
	if a.CDN.Method == steps.MethodPageRules {
		err = c.planPageRules(ctx, z, rules, &p)
	} else {
		err = c.planCacheRules(ctx, z, a.WebsiteURL, rules, &p)
	}
	if err != nil {
		return provision.Plan{}, err
	}
	return p, nil
}

// cacheRuleQuota is how many cache rules a zone's plan allows (developers.cloudflare.com,
// Cache Rules availability; Enterprise as the older pages give it).
var cacheRuleQuota = map[string]int{"free": 10, "pro": 25, "business": 50, "enterprise": 125}

// firstThen is an action's Do: the first try writes from the plan's read (one request per
// change); a retry calls again, which re-reads first, since the first try may have been
// carried out with its answer lost.
func firstThen(first, again func(context.Context) error) func(context.Context) error {
	tried := false
	return func(ctx context.Context) error {
		if tried {
			return again(ctx)
		}
		tried = true
		return first(ctx)
	}
}

// planCacheRules fills the cache_rule actions. Each changed rule is its own request to the
// entry point's rule endpoints (POST a new rule, PATCH one of assetwiz's), one after another,
// and no other rule is sent, so rules others add at any time are kept. When the entry point does
// not exist yet, the first create makes it with all the new rules in one request, which
// fails rather than replaces when another run made it first.
func (c *Client) planCacheRules(ctx context.Context, z Zone, host string, rules []Rule, p *provision.Plan) error {
	ep, err := c.cacheRules(ctx, z.ID, reads())
	if err != nil {
		return err
	}
	// The actions carry each rule's first-choice ref (Desired); a rule whose ref another site
	// holds takes its own (placeRef), and its action is named by it.
	byRef, wanted := map[string]Rule{}, map[string]bool{}
	for _, r := range rules {
		placed := placeRef(r, ep.Rules)
		byRef[r.Ref], wanted[placed.Ref] = placed, true
	}
	writer, creates := -1, []Rule(nil)
	// One rule write to the entry point at a time: Cloudflare limits concurrent updates of one
	// ruleset ("avoid concurrent updates to the same ruleset", Rulesets API, Limits), and a
	// site has a few directories, so a few round trips one after another cost little.
	lastWrite := -1
	for i := range p.Actions {
		act := &p.Actions[i]
		if act.Resource != provision.CacheRule {
			continue
		}
		r, ok := byRef[act.ID]
		if !ok {
			continue
		}
		act.ID = r.Ref
		var diff []string
		j := findRule(ep.Rules, r)
		if j < 0 {
			act.Op = provision.Create
			creates = append(creates, r)
		} else {
			diff = ruleDiff(ep.Rules[j], r)
			act.Op = opFor(diff)
		}
		act.Detail = cacheRuleDetail(r, diff)
		again := func(ctx context.Context) error { return c.syncCacheRule(ctx, z.ID, r) }
		switch {
		case act.Op == provision.Noop:
		case ep.ID == "" && writer < 0:
			writer = i
			act.Detail += fmt.Sprintf(" [creates the %s entry point of %s]", phaseCache, z.Name)
		case ep.ID == "":
			act.After = append(act.After, p.Actions[writer].Key())
		case act.Op == provision.Create:
			act.Do = firstThen(func(ctx context.Context) error { return c.addRule(ctx, z.ID, ep.ID, r) }, again)
		default:
			id, _ := ep.Rules[j]["id"].(string)
			act.Do = firstThen(func(ctx context.Context) error { return c.writeRule(ctx, z.ID, ep.ID, id, r) }, again)
		}
		if act.Op != provision.Noop && ep.ID != "" {
			if lastWrite >= 0 {
				act.After = append(act.After, p.Actions[lastWrite].Key())
			}
			lastWrite = i
		}
	}
	if writer >= 0 {
		p.Actions[writer].Do = firstThen(func(ctx context.Context) error { return c.createEntryPoint(ctx, z.ID, creates) },
			func(ctx context.Context) error {
				for _, r := range creates {
					if err := c.syncCacheRule(ctx, z.ID, r); err != nil {
						return err
					}
				}
				return nil
			})
	}
	if quota := cacheRuleQuota[z.Plan]; quota > 0 && len(ep.Rules)+len(creates) > quota {
		p.Warn("zone %s (%s plan) allows %d cache rules; it has %d and this plan adds %d: Cloudflare will refuse the write; remove rules or directories, or upgrade the plan",
			z.Name, planName(z.Plan), quota, len(ep.Rules), len(creates))
	}
	for _, got := range ep.Rules {
		ref, _ := got["ref"].(string)
		// Only this site's rules: another site of the zone has rules of its own.
		if site, ok := siteOf(got); ok && site == host {
			if !wanted[ref] {
				p.Warn("cache rule %s in zone %s was made by assetwiz for %s but is no longer asked for: it is kept; delete it in the dashboard if unwanted",
					ref, z.Name, host)
			}
		}
	}
	return nil
}

// planPageRules fills the page_rule actions, each done on its own, and warns when the
// zone's plan has too few page rules left for the creates, or a rule assetwiz did not make
// holds a target it wants.
func (c *Client) planPageRules(ctx context.Context, z Zone, rules []Rule, p *provision.Plan) error {
	list, err := c.listPageRules(ctx, z.ID, reads())
	if err != nil {
		return err
	}
	byTarget := map[string]Rule{}
	for _, r := range rules {
		byTarget[r.Target] = r
	}
	creates := 0
	for i := range p.Actions {
		act := &p.Actions[i]
		r, ok := byTarget[act.ID]
		if act.Resource != provision.PageRule || !ok {
			continue
		}
		var diff []string
		own, foreign := findPageRule(list, r)
		if len(foreign) > 0 {
			p.Warn("%s", conflictText(z.Name, r, foreign))
		}
		switch {
		case own == nil && len(foreign) > 0:
			act.Op = provision.Noop
			act.Detail = pageRuleDetail(r, nil) + " (conflict: the target has a page rule assetwiz did not make; nothing is changed)"
			continue
		case own == nil:
			act.Op = provision.Create
			creates++
		default:
			diff = pageRuleDiff(*own, r)
			act.Op = opFor(diff)
		}
		act.Detail = pageRuleDetail(r, diff)
		if act.Op == provision.Noop {
			continue
		}
		id, priority := "", int64(1)
		if own != nil {
			id, priority = own.ID, own.Priority
		}
		act.Do = firstThen(func(ctx context.Context) error { return c.writePageRule(ctx, z.ID, id, priority, r) },
			func(ctx context.Context) error { return c.syncPageRule(ctx, z, r) })
	}
	if quota := z.PageRuleQuota; quota > 0 && len(list)+creates > quota {
		p.Warn("zone %s (%s plan) allows %d page rules; it has %d and this plan adds %d: %d of the creates will fail. "+
			"Use cdn.method: cache-rules, remove page rules, or upgrade the plan",
			z.Name, planName(z.Plan), quota, len(list), creates, len(list)+creates-quota)
	}
	return nil
}

func planName(id string) string {
	if id == "" {
		return "unknown"
	}
	return id
}

// Verify checks that each rule exists, is enabled and is as planned.
func (l Live) Verify(ctx context.Context, a *steps.Answers) []provision.Check {
	rules := Rules(a)
	if len(rules) == 0 {
		return nil
	}
	c, z, err := l.connect(ctx, a)
	if err != nil {
		return []provision.Check{{Err: err}}
	}
	var out []provision.Check
	if a.CDNHostAsked() {
		if a.CDN.Host == "" {
			a.CDN.Host = steps.DefaultCDNHost(a.WebsiteURL, z.Name)
		}
		rules = Rules(a)
		out = append(out, c.verifyCDNHost(ctx, a, z)...)
	}
	if a.CDN.Method == steps.MethodPageRules {
		list, err := c.listPageRules(ctx, z.ID, reads())
		if err != nil {
			return append(out, provision.Check{Err: err})
		}
		for _, r := range rules {
			what := "page_rule " + r.Target
			own, foreign := findPageRule(list, r)
			switch {
			case own == nil && len(foreign) > 0:
				out = append(out, provision.Fail(what, "conflict: %s", conflictText(z.Name, r, foreign)))
			case own == nil:
				out = append(out, provision.Fail(what, "missing in zone %s", z.Name))
			case len(pageRuleDiff(*own, r)) > 0:
				out = append(out, provision.Fail(what, "not as planned: %s", strings.Join(pageRuleDiff(*own, r), ", ")))
			default:
				out = append(out, provision.Check{What: what, Detail: fmt.Sprintf("in zone %s, active, caches everything for %ds at the edge", z.Name, r.EdgeTTL)})
			}
		}
		return out
	}
	ep, err := c.cacheRules(ctx, z.ID, reads())
	if err != nil {
		return append(out, provision.Check{Err: err})
	}
	for _, r := range rules {
		r = placeRef(r, ep.Rules)
		what := "cache_rule " + r.Ref
		j := findRule(ep.Rules, r)
		switch {
		case j < 0:
			out = append(out, provision.Fail(what, "missing in zone %s", z.Name))
		case len(ruleDiff(ep.Rules[j], r)) > 0:
			out = append(out, provision.Fail(what, "not as planned: %s", strings.Join(ruleDiff(ep.Rules[j], r), ", ")))
		default:
			out = append(out, provision.Check{What: what, Detail: fmt.Sprintf("in zone %s, enabled, caches for %ds at the edge", z.Name, r.EdgeTTL)})
		}
	}
	return out
}

// opFor is the op of a thing assetwiz made before: an update when it differs, else none.
func opFor(diff []string) provision.Op {
	if len(diff) > 0 {
		return provision.Update
	}
	return provision.Noop
}

// ReadsProvider marks Live a remote backend: provision.Make plans it beside the others.
func (Live) ReadsProvider() {}

// CompletesAnswers: Plan names the CDN host the zone gives when the answers name none, for
// the files planned after it.
func (Live) CompletesAnswers() {}

package cloudflare

import (
	"context"
	"fmt"
	"strings"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// Live plans the CDN rules against Cloudflare: the token is checked first, the zone found,
// the rules read; each rule is then a create, update or noop.
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
	if err := c.VerifyToken(ctx); err != nil {
		return nil, Zone{}, err
	}
	z, err := c.FindZone(ctx, a.WebsiteURL, a.CDN.Zone)
	if err != nil {
		return nil, Zone{}, err
	}
	return c, z, nil
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
	p := Desired(a)
	if a.CDN.Method == steps.MethodPageRules {
		err = c.planPageRules(ctx, z, rules, &p)
	} else {
		err = c.planCacheRules(ctx, z, rules, &p)
	}
	if err != nil {
		return provision.Plan{}, err
	}
	proxied, known, err := c.Proxied(ctx, z.ID, a.WebsiteURL)
	switch {
	case err != nil:
		p.Warn("could not check whether the DNS record of %s is proxied: %v", a.WebsiteURL, err)
	case known && !proxied:
		p.Warn("the DNS record of %s in zone %s is not proxied (grey cloud): the rules have no effect until it is proxied (orange cloud)",
			a.WebsiteURL, z.Name)
	}
	return p, nil
}

// cacheRuleQuota is how many cache rules a zone's plan allows (developers.cloudflare.com,
// Cache Rules availability; Enterprise as the older pages give it).
var cacheRuleQuota = map[string]int{"free": 10, "pro": 25, "business": 50, "enterprise": 125}

// planCacheRules fills the cache_rule actions. All rules live in one ruleset written in one
// PUT: the first changed rule's action does that write for all, the other changed ones
// come after it (and so fail with it).
func (c *Client) planCacheRules(ctx context.Context, z Zone, rules []Rule, p *provision.Plan) error {
	current, err := c.cacheRules(ctx, z.ID, reads())
	if err != nil {
		return err
	}
	byRef := map[string]Rule{}
	for _, r := range rules {
		byRef[r.Ref] = r
	}
	writer := ""
	for i := range p.Actions {
		act := &p.Actions[i]
		r, ok := byRef[act.ID]
		if act.Resource != provision.CacheRule || !ok {
			continue
		}
		var diff []string
		if j := findRule(current, r.Ref); j < 0 {
			act.Op = provision.Create
		} else if diff = ruleDiff(current[j], r); len(diff) > 0 {
			act.Op = provision.Update
		} else {
			act.Op = provision.Noop
		}
		act.Detail = cacheRuleDetail(r, diff)
		if act.Op == provision.Noop {
			continue
		}
		if writer == "" {
			writer = act.Key()
			act.Detail += fmt.Sprintf(" [writes the %s entry point of %s]", "http_request_cache_settings", z.Name)
			act.Do = func(ctx context.Context) error { return c.syncCacheRules(ctx, z.ID, rules) }
		} else {
			act.After = append(act.After, writer)
		}
	}
	creates := 0
	for _, act := range p.Actions {
		if act.Resource == provision.CacheRule && act.Op == provision.Create {
			creates++
		}
	}
	if quota := cacheRuleQuota[z.Plan]; quota > 0 && len(current)+creates > quota {
		p.Warn("zone %s (%s plan) allows %d cache rules; it has %d and this plan adds %d: Cloudflare will refuse the write; remove rules or directories, or upgrade the plan",
			z.Name, planName(z.Plan), quota, len(current), creates)
	}
	for _, got := range current {
		ref, _ := got["ref"].(string)
		if _, wanted := byRef[ref]; !wanted && strings.HasPrefix(ref, "assetwiz-") {
			p.Warn("cache rule %s in zone %s was made by assetwiz but is no longer asked for: it is kept; delete it in the dashboard if unwanted", ref, z.Name)
		}
	}
	return nil
}

// planPageRules fills the page_rule actions, each done on its own, and warns when the
// zone's plan has too few page rules left for the creates.
func (c *Client) planPageRules(ctx context.Context, z Zone, rules []Rule, p *provision.Plan) error {
	list, err := c.pageRules(ctx, z.ID, reads())
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
		if found := findPageRule(list, r); found == nil {
			act.Op = provision.Create
			creates++
		} else if diff = pageRuleDiff(*found, r); len(diff) > 0 {
			act.Op = provision.Update
		} else {
			act.Op = provision.Noop
		}
		act.Detail = pageRuleDetail(r, diff)
		if act.Op != provision.Noop {
			act.Do = func(ctx context.Context) error { return c.syncPageRule(ctx, z.ID, r) }
		}
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
func (l Live) Verify(ctx context.Context, a *steps.Answers) []string {
	rules := Rules(a)
	if len(rules) == 0 {
		return nil
	}
	c, z, err := l.connect(ctx, a)
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	if a.CDN.Method == steps.MethodPageRules {
		list, err := c.pageRules(ctx, z.ID, reads())
		if err != nil {
			return []string{err.Error()}
		}
		for _, r := range rules {
			found := findPageRule(list, r)
			switch {
			case found == nil:
				out = append(out, fmt.Sprintf("page_rule %s: missing in zone %s", r.Target, z.Name))
			case len(pageRuleDiff(*found, r)) > 0:
				out = append(out, fmt.Sprintf("page_rule %s: not as planned: %s", r.Target, strings.Join(pageRuleDiff(*found, r), ", ")))
			}
		}
		return out
	}
	current, err := c.cacheRules(ctx, z.ID, reads())
	if err != nil {
		return []string{err.Error()}
	}
	for _, r := range rules {
		j := findRule(current, r.Ref)
		switch {
		case j < 0:
			out = append(out, fmt.Sprintf("cache_rule %s: missing in zone %s", r.Ref, z.Name))
		case len(ruleDiff(current[j], r)) > 0:
			out = append(out, fmt.Sprintf("cache_rule %s: not as planned: %s", r.Ref, strings.Join(ruleDiff(current[j], r), ", ")))
		}
	}
	return out
}

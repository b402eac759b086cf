package cloudflare

import (
	"context"
	"fmt"
	"strings"

	cf "github.com/cloudflare/cloudflare-go/v7"
	"github.com/cloudflare/cloudflare-go/v7/option"
	"github.com/cloudflare/cloudflare-go/v7/page_rules"
	"github.com/cloudflare/cloudflare-go/v7/zones"
)

// pageRules lists the zone's page rules.
func (c *Client) pageRules(ctx context.Context, zoneID string, opts ...option.RequestOption) ([]page_rules.PageRule, error) {
	list, err := c.api.PageRules.List(ctx, page_rules.PageRuleListParams{ZoneID: cf.F(zoneID)}, opts...)
	if err != nil {
		return nil, wrap("cloudflare: reading the page rules", PermPageRules, err)
	}
	if list == nil {
		return nil, nil
	}
	return *list, nil
}

// targetOf is a page rule's URL pattern.
func targetOf(p page_rules.PageRule) string {
	for _, t := range p.Targets {
		if t.Target == page_rules.TargetTargetURL {
			return t.Constraint.Value
		}
	}
	return ""
}

// findPageRule finds assetwiz's page rule for r by its target, scheme-less or not.
func findPageRule(list []page_rules.PageRule, r Rule) *page_rules.PageRule {
	for i, p := range list {
		t := targetOf(p)
		for _, scheme := range []string{"https://", "http://", "*://"} {
			t = strings.TrimPrefix(t, scheme)
		}
		if strings.EqualFold(t, r.Target) {
			return &list[i]
		}
	}
	return nil
}

// pageRuleDiff says how p differs from the page rule assetwiz wants; empty when as wanted.
func pageRuleDiff(p page_rules.PageRule, r Rule) []string {
	var diff []string
	if p.Status != page_rules.PageRuleStatusActive {
		diff = append(diff, "status "+string(p.Status))
	}
	level, ttl := "unset", "unset"
	for _, a := range p.Actions {
		switch a.ID {
		case page_rules.PageRuleActionsIDCacheLevel:
			level = fmt.Sprint(a.Value)
		case page_rules.PageRuleActionsIDEdgeCacheTTL:
			ttl = numText(a.Value)
		default:
			diff = append(diff, "action "+string(a.ID))
		}
	}
	if level != string(zones.CacheLevelValueCacheEverything) {
		diff = append(diff, "cache_level "+level)
	}
	if ttl != fmt.Sprint(r.EdgeTTL) {
		diff = append(diff, "edge_cache_ttl "+ttl)
	}
	return diff
}

func pageRuleTargets(r Rule) []page_rules.TargetParam {
	return []page_rules.TargetParam{{
		Target: cf.F(page_rules.TargetTargetURL),
		Constraint: cf.F(page_rules.TargetConstraintParam{
			Operator: cf.F(page_rules.TargetConstraintOperatorMatches), Value: cf.F(r.Target)}),
	}}
}

func cacheEverything() zones.CacheLevelParam {
	return zones.CacheLevelParam{ID: cf.F(zones.CacheLevelIDCacheLevel), Value: cf.F(zones.CacheLevelValueCacheEverything)}
}

// syncPageRule makes the page rule of r as wanted: it re-lists first, so a retried create
// whose first answer was lost finds the rule it made rather than making a second.
func (c *Client) syncPageRule(ctx context.Context, zoneID string, r Rule) error {
	list, err := c.pageRules(ctx, zoneID)
	if err != nil {
		return err
	}
	found := findPageRule(list, r)
	if found == nil {
		_, err := c.api.PageRules.New(ctx, page_rules.PageRuleNewParams{
			ZoneID:  cf.F(zoneID),
			Targets: cf.F(pageRuleTargets(r)),
			Actions: cf.F([]page_rules.PageRuleNewParamsActionUnion{
				cacheEverything(),
				page_rules.PageRuleNewParamsActionsEdgeCacheTTL{
					ID: cf.F(page_rules.PageRuleNewParamsActionsEdgeCacheTTLIDEdgeCacheTTL), Value: cf.F(int64(r.EdgeTTL))},
			}),
			Priority: cf.F(int64(1)),
			Status:   cf.F(page_rules.PageRuleNewParamsStatusActive),
		})
		if err != nil {
			return wrap("cloudflare: creating the page rule", PermPageRules, err)
		}
		return nil
	}
	if len(pageRuleDiff(*found, r)) == 0 {
		return nil
	}
	_, err = c.api.PageRules.Update(ctx, found.ID, page_rules.PageRuleUpdateParams{
		ZoneID:  cf.F(zoneID),
		Targets: cf.F(pageRuleTargets(r)),
		Actions: cf.F([]page_rules.PageRuleUpdateParamsActionUnion{
			cacheEverything(),
			page_rules.PageRuleUpdateParamsActionsEdgeCacheTTL{
				ID: cf.F(page_rules.PageRuleUpdateParamsActionsEdgeCacheTTLIDEdgeCacheTTL), Value: cf.F(int64(r.EdgeTTL))},
		}),
		Priority: cf.F(max(found.Priority, 1)),
		Status:   cf.F(page_rules.PageRuleUpdateParamsStatusActive),
	})
	if err != nil {
		return wrap("cloudflare: updating the page rule", PermPageRules, err)
	}
	return nil
}

// pageRuleDetail describes a page rule in the plan.
func pageRuleDetail(r Rule, diff []string) string {
	d := fmt.Sprintf("cache_level cache_everything, edge_cache_ttl %d", r.EdgeTTL)
	if len(diff) > 0 {
		d += " (now: " + strings.Join(diff, ", ") + ")"
	}
	return d
}

package cloudflare

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/cloudflare/cloudflare-go/v7/option"
	"github.com/cloudflare/cloudflare-go/v7/page_rules"
)

// listPageRules lists the zone's page rules.
func (c *Client) listPageRules(ctx context.Context, zoneID string, opts ...option.RequestOption) ([]page_rules.PageRule, error) {
	var params page_rules.PageRuleListParams
	params.ZoneID.Value, params.ZoneID.Present = zoneID, true
	list, err := c.pageRules.List(ctx, params, opts...)
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

// sameTarget reports whether p's target is r's, with or without a scheme.
func sameTarget(p page_rules.PageRule, r Rule) bool {
	t := targetOf(p)
	for _, scheme := range []string{"https://", "http://", "*://"} {
		t = strings.TrimPrefix(t, scheme)
	}
	return strings.EqualFold(t, r.Target)
}

// ownPageRule reports whether p is one assetwiz makes: exactly the actions it writes,
// cache_level cache_everything and edge_cache_ttl, and no other. Any other rule is the
// user's, never changed, even on a target assetwiz wants.
func ownPageRule(p page_rules.PageRule) bool {
	var ids []string
	for _, a := range p.Actions {
		ids = append(ids, string(a.ID))
		if a.ID == page_rules.PageRuleActionsIDCacheLevel && fmt.Sprint(a.Value) != "cache_everything" {
			return false
		}
	}
	slices.Sort(ids)
	return slices.Equal(ids, []string{"cache_level", "edge_cache_ttl"})
}

// findPageRule finds, among the rules on r's target, assetwiz's own (nil when none) and
// the others.
func findPageRule(list []page_rules.PageRule, r Rule) (own *page_rules.PageRule, foreign []page_rules.PageRule) {
	for i, p := range list {
		switch {
		case !sameTarget(p, r):
		case own == nil && ownPageRule(p):
			own = &list[i]
		default:
			foreign = append(foreign, p)
		}
	}
	return own, foreign
}

// actionNames lists a page rule's actions as "id value".
func actionNames(p page_rules.PageRule) string {
	var out []string
	for _, a := range p.Actions {
		if a.Value == nil {
			out = append(out, string(a.ID))
		} else {
			out = append(out, fmt.Sprintf("%s %v", a.ID, a.Value))
		}
	}
	return strings.Join(out, ", ")
}

// conflictText says that a page rule assetwiz did not make holds r's target, and what to do.
func conflictText(zone string, r Rule, foreign []page_rules.PageRule) string {
	return fmt.Sprintf("page rule %s in zone %s was not made by assetwiz (actions: %s): it is left as it is, and Cloudflare applies "+
		"only one page rule per request; to cache %s, delete or change that rule in the dashboard and re-run, or use cdn.method: cache-rules",
		r.Target, zone, actionNames(foreign[0]), r.Directory)
}

// pageRuleDiff says how p differs from the page rule assetwiz wants; empty when as wanted.
func pageRuleDiff(p page_rules.PageRule, r Rule) []string {
	var diff []string
	if p.Status != page_rules.PageRuleStatusActive {
		diff = append(diff, "status "+string(p.Status))
	}
	for _, a := range p.Actions {
		if a.ID == page_rules.PageRuleActionsIDEdgeCacheTTL {
			if ttl := numText(a.Value); ttl != fmt.Sprint(r.EdgeTTL) {
				diff = append(diff, "edge_cache_ttl "+ttl)
			}
		}
	}
	return diff
}

// pageRuleBody is the page rule of r as assetwiz writes it.
func pageRuleBody(r Rule, priority int64) ([]byte, error) {
	return json.Marshal(map[string]any{
		"targets": []any{map[string]any{"target": "url",
			"constraint": map[string]any{"operator": "matches", "value": r.Target}}},
		"actions": []any{
			map[string]any{"id": "cache_level", "value": "cache_everything"},
			map[string]any{"id": "edge_cache_ttl", "value": r.EdgeTTL},
		},
		"priority": max(priority, 1),
		"status":   "active",
	})
}

// writePageRule creates r's page rule (id "") or replaces assetwiz's rule id with it.
func (c *Client) writePageRule(ctx context.Context, zoneID, id string, priority int64, r Rule) error {
	b, err := pageRuleBody(r, priority)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	opts := []option.RequestOption{option.WithRequestBody("application/json", b), option.WithResponseBodyInto(&raw)}
	if id == "" {
		var params page_rules.PageRuleNewParams
		params.ZoneID.Value, params.ZoneID.Present = zoneID, true
		if _, err := c.pageRules.New(ctx, params, opts...); err != nil {
			return wrap("cloudflare: creating the page rule "+r.Target, PermPageRules, err)
		}
		return nil
	}
	var params page_rules.PageRuleUpdateParams
	params.ZoneID.Value, params.ZoneID.Present = zoneID, true
	if _, err := c.pageRules.Update(ctx, id, params, opts...); err != nil {
		return wrap("cloudflare: updating the page rule "+r.Target, PermPageRules, err)
	}
	return nil
}

// syncPageRule makes the page rule of r as wanted: it re-lists first, so a retried create
// whose first answer was lost finds the rule it made rather than making a second, and a
// rule the user put on the target meanwhile is never overwritten.
func (c *Client) syncPageRule(ctx context.Context, zone Zone, r Rule) error {
	list, err := c.listPageRules(ctx, zone.ID)
	if err != nil {
		return err
	}
	own, foreign := findPageRule(list, r)
	switch {
	case own != nil && len(pageRuleDiff(*own, r)) == 0:
		return nil
	case own != nil:
		return c.writePageRule(ctx, zone.ID, own.ID, own.Priority, r)
	case len(foreign) > 0:
		return fmt.Errorf("cloudflare: %s", conflictText(zone.Name, r, foreign))
	}
	return c.writePageRule(ctx, zone.ID, "", 1, r)
}

// pageRuleDetail describes a page rule in the plan.
func pageRuleDetail(r Rule, diff []string) string {
	d := fmt.Sprintf("cache_level cache_everything, edge_cache_ttl %d", r.EdgeTTL)
	if len(diff) > 0 {
		d += " (now: " + strings.Join(diff, ", ") + ")"
	}
	return d
}

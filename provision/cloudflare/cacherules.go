package cloudflare

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	cf "github.com/cloudflare/cloudflare-go/v7"
	"github.com/cloudflare/cloudflare-go/v7/option"
	"github.com/cloudflare/cloudflare-go/v7/rulesets"
)

// ruleJSON is one rule of the entry point ruleset as the API gives it. Rules are kept as
// decoded JSON (numbers as json.Number), not as the SDK's types, so that a rule assetwiz did
// not make is written back with every field it had, including fields the SDK does not know.
type ruleJSON = map[string]any

// readOnlyRuleFields are assigned by Cloudflare and refused in a write.
var readOnlyRuleFields = []string{"version", "last_updated", "categories"}

// cacheRules reads the rules of the zone's http_request_cache_settings entry point; none
// (and no error) when the entry point does not exist yet.
func (c *Client) cacheRules(ctx context.Context, zoneID string, opts ...option.RequestOption) ([]ruleJSON, error) {
	var raw json.RawMessage
	opts = append([]option.RequestOption{option.WithResponseBodyInto(&raw)}, opts...)
	_, err := c.api.Rulesets.Phases.Get(ctx, rulesets.PhaseHTTPRequestCacheSettings,
		rulesets.PhaseGetParams{ZoneID: cf.F(zoneID)}, opts...)
	if isStatus(err, http.StatusNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("cloudflare: reading the cache rules", PermCacheRules, err)
	}
	var env struct {
		Result struct {
			Rules []ruleJSON `json:"rules"`
		} `json:"result"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&env); err != nil {
		return nil, fmt.Errorf("cloudflare: reading the cache rules: %w", err)
	}
	return env.Result.Rules, nil
}

// putCacheRules replaces the rules of the entry point (creating it when missing).
func (c *Client) putCacheRules(ctx context.Context, zoneID string, rules []ruleJSON) error {
	body, err := json.Marshal(map[string]any{"rules": rules})
	if err != nil {
		return err
	}
	var discard json.RawMessage
	_, err = c.api.Rulesets.Phases.Update(ctx, rulesets.PhaseHTTPRequestCacheSettings,
		rulesets.PhaseUpdateParams{ZoneID: cf.F(zoneID)},
		option.WithRequestBody("application/json", body), option.WithResponseBodyInto(&discard))
	if err != nil {
		return wrap("cloudflare: writing the cache rules", PermCacheRules, err)
	}
	return nil
}

// desiredRule is the contract's cache rule for r, keeping id when it updates a rule.
func desiredRule(r Rule, id string) ruleJSON {
	out := ruleJSON{
		"ref":         r.Ref,
		"description": r.Description,
		"expression":  r.Expression,
		"action":      "set_cache_settings",
		"action_parameters": map[string]any{
			"cache":    true,
			"edge_ttl": map[string]any{"mode": "override_origin", "default": r.EdgeTTL},
		},
		"enabled": true,
	}
	if id != "" {
		out["id"] = id
	}
	return out
}

// findRule is the index of the rule with ref, or -1.
func findRule(rules []ruleJSON, ref string) int {
	for i, r := range rules {
		if s, _ := r["ref"].(string); s == ref {
			return i
		}
	}
	return -1
}

// ruleDiff says how got differs from the rule assetwiz wants; empty when it is as wanted.
func ruleDiff(got ruleJSON, r Rule) []string {
	var diff []string
	if got["action"] != "set_cache_settings" {
		diff = append(diff, fmt.Sprintf("action %v", got["action"]))
	}
	if got["expression"] != r.Expression {
		diff = append(diff, "expression")
	}
	if got["description"] != r.Description {
		diff = append(diff, "description")
	}
	if got["enabled"] != true {
		diff = append(diff, "disabled")
	}
	params, _ := got["action_parameters"].(map[string]any)
	if params["cache"] != true {
		diff = append(diff, "cache off")
	}
	edge, _ := params["edge_ttl"].(map[string]any)
	if edge["mode"] != "override_origin" {
		diff = append(diff, fmt.Sprintf("edge TTL mode %v", edge["mode"]))
	} else if d := numText(edge["default"]); d != strconv.Itoa(r.EdgeTTL) {
		diff = append(diff, fmt.Sprintf("edge TTL %ss", d))
	}
	for k, v := range edge {
		if k == "status_code_ttl" {
			if l, _ := v.([]any); len(l) == 0 {
				continue // Cloudflare's way of saying none
			}
		}
		if k != "mode" && k != "default" {
			diff = append(diff, "edge_ttl."+k)
		}
	}
	for k := range params {
		if k != "cache" && k != "edge_ttl" {
			diff = append(diff, "action_parameters."+k)
		}
	}
	return diff
}

func numText(v any) string {
	switch n := v.(type) {
	case json.Number:
		return n.String()
	case float64:
		return strconv.FormatFloat(n, 'f', -1, 64)
	case nil:
		return "unset"
	}
	return fmt.Sprint(v)
}

// mergeCacheRules puts assetwiz's rules into the current ones: a rule found by ref is
// replaced in its place when it differs, a missing one appended in directory order; every
// other rule is kept as it was, in its order. changed is false when nothing differs.
func mergeCacheRules(current []ruleJSON, rules []Rule) (out []ruleJSON, changed bool) {
	want := map[string]Rule{}
	for _, r := range rules {
		want[r.Ref] = r
	}
	seen := map[string]bool{}
	for _, got := range current {
		ref, _ := got["ref"].(string)
		r, ours := want[ref]
		switch {
		case ours && !seen[ref]:
			// Written as assetwiz writes it, not as read: the read form has fields the
			// API fills in, and re-sending them would make a new rule version.
			id, _ := got["id"].(string)
			out = append(out, desiredRule(r, id))
			changed = changed || len(ruleDiff(got, r)) > 0
		default:
			out = append(out, writable(got))
		}
		if ours {
			seen[ref] = true
		}
	}
	for _, r := range rules {
		if !seen[r.Ref] {
			out = append(out, desiredRule(r, ""))
			changed = true
		}
	}
	return out, changed
}

// writable is a rule as read, less the fields Cloudflare assigns.
func writable(r ruleJSON) ruleJSON {
	out := make(ruleJSON, len(r))
	for k, v := range r {
		out[k] = v
	}
	for _, k := range readOnlyRuleFields {
		delete(out, k)
	}
	return out
}

// syncCacheRules re-reads the entry point and writes it back with assetwiz's rules when
// anything differs: idempotent, so a retry after a write whose answer was lost writes
// nothing twice.
func (c *Client) syncCacheRules(ctx context.Context, zoneID string, rules []Rule) error {
	current, err := c.cacheRules(ctx, zoneID)
	if err != nil {
		return err
	}
	merged, changed := mergeCacheRules(current, rules)
	if !changed {
		return nil
	}
	return c.putCacheRules(ctx, zoneID, merged)
}

// cacheRuleDetail describes a rule in the plan.
func cacheRuleDetail(r Rule, diff []string) string {
	d := fmt.Sprintf("cache everything, edge TTL %ds: %s", r.EdgeTTL, r.Expression)
	if len(diff) > 0 {
		d += " (now: " + strings.Join(diff, ", ") + ")"
	}
	return d
}

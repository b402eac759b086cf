package cloudflare

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/cloudflare/cloudflare-go/v7/option"
	"github.com/cloudflare/cloudflare-go/v7/rulesets"
)

// ruleJSON is one rule of the entry point ruleset as the API gives it, kept as decoded
// JSON (numbers as json.Number): assetwiz only compares its own rules with it.
type ruleJSON = map[string]any

// phaseCache is the phase of the cache rules' entry point.
const phaseCache = string(rulesets.PhaseHTTPRequestCacheSettings)

// ruleKind is what differs between the entry points assetwiz writes rules to, one rule at a
// time: the cache rules, and the origin rules of a CDN host in front of a bucket.
type ruleKind struct {
	phase rulesets.Phase
	what  string // "cache rule"
	title string // the entry point's description when assetwiz makes it
	perm  string
	body  func(Rule) ruleJSON
	diff  func(ruleJSON, Rule) []string
}

var cacheKind = ruleKind{rulesets.PhaseHTTPRequestCacheSettings, "cache rule", "Cache rules", PermCacheRules, desiredRule, ruleDiff}

// codeEntryPointExists is Cloudflare's error code for a second zone ruleset of a phase
// ("'zone' is not a valid value for kind because exceeded maximum number of zone rulesets
// for phase ..."): another run created the entry point first.
const codeEntryPointExists = 20217

// entryPoint is the zone's http_request_cache_settings entry point ruleset; ID is empty
// when it does not exist yet.
type entryPoint struct {
	ID    string
	Rules []ruleJSON
}

// readRuleset decodes a ruleset answer; it must carry the ruleset's id.
func readRuleset(raw []byte) (entryPoint, error) {
	var env struct {
		Result struct {
			ID    string     `json:"id"`
			Rules []ruleJSON `json:"rules"`
		} `json:"result"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&env); err != nil {
		return entryPoint{}, fmt.Errorf("%w: %v", ErrFaultyAnswer, err)
	}
	if env.Result.ID == "" {
		return entryPoint{}, fmt.Errorf("%w: the ruleset has no id", ErrFaultyAnswer)
	}
	return entryPoint{ID: env.Result.ID, Rules: env.Result.Rules}, nil
}

// cacheRules reads the zone's http_request_cache_settings entry point; an empty one (and
// no error) when it does not exist yet.
func (c *Client) cacheRules(ctx context.Context, zoneID string, opts ...option.RequestOption) (entryPoint, error) {
	return c.phaseRules(ctx, cacheKind, zoneID, opts...)
}

// phaseRules reads the zone's entry point of k's phase; an empty one (and no error) when it
// does not exist yet.
func (c *Client) phaseRules(ctx context.Context, k ruleKind, zoneID string, opts ...option.RequestOption) (entryPoint, error) {
	var raw json.RawMessage
	var params rulesets.PhaseGetParams
	params.ZoneID.Value, params.ZoneID.Present = zoneID, true
	opts = append([]option.RequestOption{option.WithResponseBodyInto(&raw)}, opts...)
	_, err := c.phases.Get(ctx, k.phase, params, opts...)
	if isStatus(err, http.StatusNotFound) {
		return entryPoint{}, nil
	}
	if err != nil {
		return entryPoint{}, wrap("cloudflare: reading the "+k.what+"s", k.perm, err)
	}
	ep, err := readRuleset(raw)
	if err != nil {
		return entryPoint{}, fmt.Errorf("cloudflare: reading the %ss: %w", k.what, err)
	}
	return ep, nil
}

// createEntryPoint creates the entry point holding rules, in one request that fails when
// the entry point already exists (so it never replaces rules another run just made);
// then the rules are added one by one instead.
func (c *Client) createEntryPoint(ctx context.Context, zoneID string, rules []Rule) error {
	return c.createPhase(ctx, cacheKind, zoneID, rules)
}

// createPhase is createEntryPoint for the entry point of k's phase.
func (c *Client) createPhase(ctx context.Context, k ruleKind, zoneID string, rules []Rule) error {
	list := make([]ruleJSON, len(rules))
	for i, r := range rules {
		list[i] = k.body(r)
	}
	body := map[string]any{"name": "default", "kind": "zone", "phase": string(k.phase),
		"description": k.title, "rules": list}
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	var params rulesets.RulesetNewParams
	params.ZoneID.Value, params.ZoneID.Present = zoneID, true
	var raw json.RawMessage
	_, err = c.rulesets.New(ctx, params, option.WithRequestBody("application/json", b), option.WithResponseBodyInto(&raw))
	if hasCode(err, codeEntryPointExists) {
		for _, r := range rules {
			if err := c.syncRule(ctx, k, zoneID, r); err != nil {
				return err
			}
		}
		return nil
	}
	if err != nil {
		return wrap("cloudflare: creating the "+k.what+"s entry point", k.perm, err)
	}
	if _, err := readRuleset(raw); err != nil {
		return fmt.Errorf("cloudflare: creating the %ss entry point: %w", k.what, err)
	}
	return nil
}

// addRule adds r at the end of the entry point: one request, no other rule sent.
func (c *Client) addRule(ctx context.Context, zoneID, rulesetID string, r Rule) error {
	return c.writeRule(ctx, zoneID, rulesetID, "", r)
}

// writeRule creates r (ruleID "") or replaces the rule ruleID with r.
func (c *Client) writeRule(ctx context.Context, zoneID, rulesetID, ruleID string, r Rule) error {
	return c.writeKindRule(ctx, cacheKind, zoneID, rulesetID, ruleID, r)
}

// writeKindRule is writeRule for a rule of kind k.
func (c *Client) writeKindRule(ctx context.Context, k ruleKind, zoneID, rulesetID, ruleID string, r Rule) error {
	b, err := json.Marshal(k.body(r))
	if err != nil {
		return err
	}
	opts := []option.RequestOption{option.WithRequestBody("application/json", b)}
	var raw json.RawMessage
	opts = append(opts, option.WithResponseBodyInto(&raw))
	what := "cloudflare: adding " + k.what + " " + r.Ref
	if ruleID == "" {
		var params rulesets.RuleNewParams
		params.ZoneID.Value, params.ZoneID.Present = zoneID, true
		_, err = c.rules.New(ctx, rulesetID, params, opts...)
	} else {
		what = "cloudflare: updating " + k.what + " " + r.Ref
		var params rulesets.RuleEditParams
		params.ZoneID.Value, params.ZoneID.Present = zoneID, true
		_, err = c.rules.Edit(ctx, rulesetID, ruleID, params, opts...)
	}
	if err != nil {
		return wrap(what, k.perm, err)
	}
	if _, err := readRuleset(raw); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// syncCacheRule re-reads the entry point and writes r only when it is missing or differs:
// idempotent, so a retry after a write whose answer was lost writes nothing twice.
func (c *Client) syncCacheRule(ctx context.Context, zoneID string, r Rule) error {
	return c.syncRule(ctx, cacheKind, zoneID, r)
}

// syncRule is syncCacheRule for a rule of kind k.
func (c *Client) syncRule(ctx context.Context, k ruleKind, zoneID string, r Rule) error {
	ep, err := c.phaseRules(ctx, k, zoneID)
	if err != nil {
		return err
	}
	if ep.ID == "" {
		return c.createPhase(ctx, k, zoneID, []Rule{r})
	}
	r = placeRef(r, ep.Rules) // another site may have taken the ref since the plan
	j := findRule(ep.Rules, r)
	switch {
	case j < 0:
		return c.writeKindRule(ctx, k, zoneID, ep.ID, "", r)
	case len(k.diff(ep.Rules[j], r)) > 0:
		id, _ := ep.Rules[j]["id"].(string)
		return c.writeKindRule(ctx, k, zoneID, ep.ID, id, r)
	}
	return nil
}

// desiredRule is the contract's cache rule for r.
func desiredRule(r Rule) ruleJSON {
	return ruleJSON{
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
}

// findRule is the index of assetwiz's rule for r (same ref, and not marked as another
// site's), or -1.
func findRule(rules []ruleJSON, r Rule) int {
	for i, got := range rules {
		if s, _ := got["ref"].(string); s != r.Ref {
			continue
		}
		if site, ok := siteOf(got); ok && site != r.Host {
			continue
		}
		return i
	}
	return -1
}

// entryDiff says how got differs from a rule of assetwiz's in what every kind of rule has:
// its action, expression, description and being enabled.
func entryDiff(got ruleJSON, action string, r Rule) []string {
	var diff []string
	if got["action"] != action {
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
	return diff
}

// ruleDiff says how got differs from the rule assetwiz wants; empty when it is as wanted.
func ruleDiff(got ruleJSON, r Rule) []string {
	diff := entryDiff(got, "set_cache_settings", r)
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

// cacheRuleDetail describes a rule in the plan.
func cacheRuleDetail(r Rule, diff []string) string {
	d := fmt.Sprintf("cache everything, edge TTL %ds: %s", r.EdgeTTL, r.Expression)
	if len(diff) > 0 {
		d += " (now: " + strings.Join(diff, ", ") + ")"
	}
	return d
}

package cloudflaretest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cloudflare/cloudflare-go/v7"
	"github.com/cloudflare/cloudflare-go/v7/option"
	"github.com/cloudflare/cloudflare-go/v7/page_rules"
	"github.com/cloudflare/cloudflare-go/v7/rulesets"
	"github.com/cloudflare/cloudflare-go/v7/user"
	"github.com/cloudflare/cloudflare-go/v7/zones"

	"github.com/assetwiz/assetwiz/provision/cloudflare/cloudflaretest"
)

const tok = "tok-all"

// newServer starts a double with one zone and a token allowed everything.
func newServer(t *testing.T, opts ...cloudflaretest.Option) (*cloudflaretest.Server, *cloudflare.Client, string) {
	s := cloudflaretest.New(t, opts...)
	s.AddToken(tok, cloudflaretest.PermZoneRead, cloudflaretest.PermCacheRulesEdit,
		cloudflaretest.PermPageRulesEdit, cloudflaretest.PermDNSRead)
	return s, client(s, tok), s.AddZone("example.com")
}

func client(s *cloudflaretest.Server, token string) *cloudflare.Client {
	return cloudflare.NewClient(option.WithBaseURL(s.URL()), option.WithAPIToken(token), option.WithMaxRetries(0))
}

// apiErr unwraps the SDK error, failing the test if err is something else.
func apiErr(t *testing.T, err error, status int) *cloudflare.Error {
	t.Helper()
	var e *cloudflare.Error
	if !errors.As(err, &e) || e.StatusCode != status {
		t.Fatalf("want API error %d, got %v", status, err)
	}
	return e
}

func code(e *cloudflare.Error) int64 {
	if len(e.Errors) == 0 {
		return 0
	}
	return e.Errors[0].Code
}

func TestTokenVerify(t *testing.T) {
	t.Parallel()
	s, c, _ := newServer(t)
	ctx := context.Background()
	res, err := c.User.Tokens.Verify(ctx)
	if err != nil || res.Status != user.TokenVerifyResponseStatusActive || len(res.ID) != 32 {
		t.Fatalf("active: %+v, %v", res, err)
	}
	for _, status := range []string{cloudflaretest.TokenDisabled, cloudflaretest.TokenExpired} {
		s.SetTokenStatus(tok, status)
		res, err := c.User.Tokens.Verify(ctx)
		if err != nil || string(res.Status) != status {
			t.Fatalf("%s: %+v, %v", status, res, err)
		}
		// Any other route refuses the token.
		_, err = c.Zones.List(ctx, zones.ZoneListParams{})
		if e := apiErr(t, err, 401); code(e) != 10000 {
			t.Errorf("%s token on /zones: %v", status, e)
		}
	}
	_, err = client(s, "nope").User.Tokens.Verify(ctx)
	if e := apiErr(t, err, 401); code(e) != 10000 || e.Errors[0].Message != "Authentication error" {
		t.Errorf("unknown token: %v", e)
	}
	resp, err := http.Get(s.URL() + "/user/tokens/verify") // no Authorization at all
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("missing token: %d", resp.StatusCode)
	}
}

func TestZonesList(t *testing.T) {
	t.Parallel()
	s, c, id := newServer(t)
	s.AddZone("example.org")
	s.AddZone("sub.example.com")
	ctx := context.Background()
	page, err := c.Zones.List(ctx, zones.ZoneListParams{Name: cloudflare.F("example.com")})
	if err != nil || len(page.Result) != 1 || page.Result[0].ID != id || page.Result[0].Name != "example.com" {
		t.Fatalf("by name: %+v, %v", page, err)
	}
	// All zones, so a client can pick the longest suffix of a host name.
	var names []string
	iter := c.Zones.ListAutoPaging(ctx, zones.ZoneListParams{PerPage: cloudflare.F(5.0)})
	for iter.Next() {
		names = append(names, iter.Current().Name)
	}
	if iter.Err() != nil || strings.Join(names, ",") != "example.com,example.org,sub.example.com" {
		t.Fatalf("all: %v, %v", names, iter.Err())
	}
	page, err = c.Zones.List(ctx, zones.ZoneListParams{Name: cloudflare.F("nope.example")})
	if err != nil || len(page.Result) != 0 {
		t.Fatalf("no match: %+v, %v", page, err)
	}
}

func cacheRule(ref string, ttl int64) rulesets.SetCacheSettingsRuleParam {
	return rulesets.SetCacheSettingsRuleParam{
		Ref:        cloudflare.F(ref),
		Expression: cloudflare.F(`(http.host eq "www.example.com" and starts_with(http.request.uri.path, "/images/"))`),
		Action:     cloudflare.F(rulesets.SetCacheSettingsRuleActionSetCacheSettings),
		ActionParameters: cloudflare.F(rulesets.SetCacheSettingsRuleActionParametersParam{
			Cache: cloudflare.F(true),
			EdgeTTL: cloudflare.F(rulesets.SetCacheSettingsRuleActionParametersEdgeTTLParam{
				Mode:    cloudflare.F(rulesets.SetCacheSettingsRuleActionParametersEdgeTTLModeOverrideOrigin),
				Default: cloudflare.F(ttl),
			}),
		}),
	}
}

func TestCacheRulesEntrypoint(t *testing.T) {
	t.Parallel()
	s, c, zid := newServer(t)
	ctx := context.Background()
	get := rulesets.PhaseGetParams{ZoneID: cloudflare.F(zid)}
	_, err := c.Rulesets.Phases.Get(ctx, rulesets.PhaseHTTPRequestCacheSettings, get)
	if e := apiErr(t, err, 404); code(e) != 10003 {
		t.Fatalf("before first PUT: %v", e)
	}
	put := rulesets.PhaseUpdateParams{ZoneID: cloudflare.F(zid),
		Rules: cloudflare.F([]rulesets.PhaseUpdateParamsRuleUnion{cacheRule("offload-images", 86400)})}
	rs, err := c.Rulesets.Phases.Update(ctx, rulesets.PhaseHTTPRequestCacheSettings, put)
	if err != nil || len(rs.Rules) != 1 || rs.Version != "1" || len(rs.Rules[0].ID) != 32 {
		t.Fatalf("PUT: %+v, %v", rs, err)
	}
	got, err := c.Rulesets.Phases.Get(ctx, rulesets.PhaseHTTPRequestCacheSettings, get)
	if err != nil || len(got.Rules) != 1 {
		t.Fatalf("GET: %+v, %v", got, err)
	}
	rule, ok := got.Rules[0].AsUnion().(rulesets.SetCacheSettingsRule)
	if !ok || rule.Ref != "offload-images" || !rule.Enabled || !rule.ActionParameters.Cache ||
		rule.ActionParameters.EdgeTTL.Mode != "override_origin" || rule.ActionParameters.EdgeTTL.Default != 86400 {
		t.Fatalf("rule read back: %+v", got.Rules[0])
	}
	// The double stores what the client sent; status_code_ttl: [] is a response-only fill.
	if _, filled := s.Rules(zid)[0]["action_parameters"].(map[string]any)["edge_ttl"].(map[string]any)["status_code_ttl"]; filled {
		t.Errorf("stored rule was modified: %v", s.Rules(zid)[0])
	}

	// Re-sending the same rule with its id keeps id and rule version; the ruleset version moves on.
	again := cacheRule("offload-images", 86400)
	again.ID = cloudflare.F(rule.ID)
	put.Rules = cloudflare.F([]rulesets.PhaseUpdateParamsRuleUnion{again})
	rs, err = c.Rulesets.Phases.Update(ctx, rulesets.PhaseHTTPRequestCacheSettings, put)
	if err != nil || rs.Version != "2" || rs.Rules[0].ID != rule.ID || rs.Rules[0].Version != "1" {
		t.Fatalf("idempotent PUT: %+v, %v", rs, err)
	}
}

// TestEdgeTTLModes covers what the 2024-08 schema gets wrong about edge_ttl:
// default only with override_origin, open-ended status code ranges.
func TestEdgeTTLModes(t *testing.T) {
	t.Parallel()
	_, c, zid := newServer(t)
	ctx := context.Background()
	respect := rulesets.SetCacheSettingsRuleParam{
		Expression: cloudflare.F(`http.host eq "www.example.com"`),
		Action:     cloudflare.F(rulesets.SetCacheSettingsRuleActionSetCacheSettings),
		ActionParameters: cloudflare.F(rulesets.SetCacheSettingsRuleActionParametersParam{
			Cache: cloudflare.F(true),
			EdgeTTL: cloudflare.F(rulesets.SetCacheSettingsRuleActionParametersEdgeTTLParam{
				Mode: cloudflare.F(rulesets.SetCacheSettingsRuleActionParametersEdgeTTLModeRespectOrigin),
				StatusCodeTTL: cloudflare.F([]rulesets.SetCacheSettingsRuleActionParametersEdgeTTLStatusCodeTTLParam{{
					StatusCodeRange: cloudflare.F(rulesets.SetCacheSettingsRuleActionParametersEdgeTTLStatusCodeTTLStatusCodeRangeParam{
						From: cloudflare.F(int64(500))}),
					Value: cloudflare.F(int64(0)),
				}}),
			}),
			BrowserTTL: cloudflare.F(rulesets.SetCacheSettingsRuleActionParametersBrowserTTLParam{
				Mode: cloudflare.F(rulesets.SetCacheSettingsRuleActionParametersBrowserTTLModeRespectOrigin)}),
			// Optional in the live API, required by the schema in responses: filled by the double.
			CacheReserve: cloudflare.F(rulesets.SetCacheSettingsRuleActionParametersCacheReserveParam{Eligible: cloudflare.F(true)}),
			ServeStale:   cloudflare.F(rulesets.SetCacheSettingsRuleActionParametersServeStaleParam{}),
		}),
	}
	put := func(r rulesets.SetCacheSettingsRuleParam) error {
		_, err := c.Rulesets.Phases.Update(ctx, rulesets.PhaseHTTPRequestCacheSettings, rulesets.PhaseUpdateParams{
			ZoneID: cloudflare.F(zid), Rules: cloudflare.F([]rulesets.PhaseUpdateParamsRuleUnion{r})})
		return err
	}
	if err := put(respect); err != nil {
		t.Fatalf("respect_origin without default: %v", err)
	}
	// The live API refuses default outside override_origin, and override_origin without it.
	bad := respect
	bad.ActionParameters = cloudflare.F(rulesets.SetCacheSettingsRuleActionParametersParam{
		EdgeTTL: cloudflare.F(rulesets.SetCacheSettingsRuleActionParametersEdgeTTLParam{
			Mode: cloudflare.F(rulesets.SetCacheSettingsRuleActionParametersEdgeTTLModeRespectOrigin), Default: cloudflare.F(int64(60))})})
	apiErr(t, put(bad), 400)
	bad.ActionParameters = cloudflare.F(rulesets.SetCacheSettingsRuleActionParametersParam{
		EdgeTTL: cloudflare.F(rulesets.SetCacheSettingsRuleActionParametersEdgeTTLParam{
			Mode: cloudflare.F(rulesets.SetCacheSettingsRuleActionParametersEdgeTTLModeOverrideOrigin)})})
	apiErr(t, put(bad), 400)
}

func TestForeignRulesSurvive(t *testing.T) {
	t.Parallel()
	s, c, zid := newServer(t)
	ctx := context.Background()
	s.PutRules(zid, cloudflaretest.Rule{"ref": "someone-else", "expression": `http.host eq "api.example.com"`,
		"action": "set_cache_settings", "action_parameters": map[string]any{"cache": false}})
	foreign := s.Rules(zid)[0]

	got, err := c.Rulesets.Phases.Get(ctx, rulesets.PhaseHTTPRequestCacheSettings, rulesets.PhaseGetParams{ZoneID: cloudflare.F(zid)})
	if err != nil || len(got.Rules) != 1 {
		t.Fatalf("GET: %+v, %v", got, err)
	}
	// Keep the foreign rule (re-sent with its id), append ours.
	fr := got.Rules[0].AsUnion().(rulesets.SetCacheSettingsRule)
	keep := rulesets.SetCacheSettingsRuleParam{ID: cloudflare.F(fr.ID), Ref: cloudflare.F(fr.Ref),
		Expression: cloudflare.F(fr.Expression), Enabled: cloudflare.F(fr.Enabled),
		Action:           cloudflare.F(rulesets.SetCacheSettingsRuleActionSetCacheSettings),
		ActionParameters: cloudflare.F(rulesets.SetCacheSettingsRuleActionParametersParam{Cache: cloudflare.F(false)})}
	_, err = c.Rulesets.Phases.Update(ctx, rulesets.PhaseHTTPRequestCacheSettings, rulesets.PhaseUpdateParams{
		ZoneID: cloudflare.F(zid), Rules: cloudflare.F([]rulesets.PhaseUpdateParamsRuleUnion{keep, cacheRule("ours", 3600)})})
	if err != nil {
		t.Fatal(err)
	}
	rules := s.Rules(zid)
	if len(rules) != 2 || rules[0]["id"] != foreign["id"] || rules[0]["version"] != foreign["version"] || rules[1]["ref"] != "ours" {
		t.Fatalf("after PUT: %v", rules)
	}
}

func TestRuleActionMustFitPhase(t *testing.T) {
	t.Parallel()
	s, c, zid := newServer(t)
	block := rulesets.BlockRuleParam{Expression: cloudflare.F("true"), Action: cloudflare.F(rulesets.BlockRuleActionBlock)}
	_, err := c.Rulesets.Phases.Update(context.Background(), rulesets.PhaseHTTPRequestCacheSettings, rulesets.PhaseUpdateParams{
		ZoneID: cloudflare.F(zid), Rules: cloudflare.F([]rulesets.PhaseUpdateParamsRuleUnion{block})})
	if e := apiErr(t, err, 400); !strings.Contains(e.Errors[0].Message, "not allowed in phase") {
		t.Errorf("block in cache phase: %v", e)
	}
	if s.Rules(zid) != nil {
		t.Error("a refused PUT created the entry point")
	}
}

func newPageRule(zid, url string) page_rules.PageRuleNewParams {
	return page_rules.PageRuleNewParams{
		ZoneID: cloudflare.F(zid),
		Targets: cloudflare.F([]page_rules.TargetParam{{
			Target: cloudflare.F(page_rules.TargetTargetURL),
			Constraint: cloudflare.F(page_rules.TargetConstraintParam{
				Operator: cloudflare.F(page_rules.TargetConstraintOperatorMatches), Value: cloudflare.F(url)}),
		}}),
		Actions: cloudflare.F([]page_rules.PageRuleNewParamsActionUnion{
			zones.CacheLevelParam{ID: cloudflare.F(zones.CacheLevelIDCacheLevel), Value: cloudflare.F(zones.CacheLevelValueCacheEverything)},
			page_rules.PageRuleNewParamsActionsEdgeCacheTTL{
				ID: cloudflare.F(page_rules.PageRuleNewParamsActionsEdgeCacheTTLIDEdgeCacheTTL), Value: cloudflare.F(int64(86400))},
		}),
		Priority: cloudflare.F(int64(1)),
		Status:   cloudflare.F(page_rules.PageRuleNewParamsStatusActive),
	}
}

func TestPageRules(t *testing.T) {
	t.Parallel()
	s, c, zid := newServer(t)
	ctx := context.Background()
	pr, err := c.PageRules.New(ctx, newPageRule(zid, "www.example.com/images/*"))
	if err != nil || pr.Status != "active" || len(pr.Actions) != 2 {
		t.Fatalf("create: %+v, %v", pr, err)
	}
	list, err := c.PageRules.List(ctx, page_rules.PageRuleListParams{ZoneID: cloudflare.F(zid)})
	if err != nil || len(*list) != 1 || (*list)[0].ID != pr.ID || (*list)[0].Targets[0].Constraint.Value != "www.example.com/images/*" {
		t.Fatalf("list: %+v, %v", list, err)
	}
	ed, err := c.PageRules.Edit(ctx, pr.ID, page_rules.PageRuleEditParams{ZoneID: cloudflare.F(zid),
		Status: cloudflare.F(page_rules.PageRuleEditParamsStatusDisabled)})
	if err != nil || ed.Status != "disabled" || len(ed.Actions) != 2 {
		t.Fatalf("edit: %+v, %v", ed, err)
	}
	up, err := c.PageRules.Update(ctx, pr.ID, page_rules.PageRuleUpdateParams{ZoneID: cloudflare.F(zid),
		Targets: newPageRule(zid, "www.example.com/static/*").Targets,
		Actions: cloudflare.F([]page_rules.PageRuleUpdateParamsActionUnion{
			zones.CacheLevelParam{ID: cloudflare.F(zones.CacheLevelIDCacheLevel), Value: cloudflare.F(zones.CacheLevelValueBypass)}}),
		Priority: cloudflare.F(int64(2)), Status: cloudflare.F(page_rules.PageRuleUpdateParamsStatusActive)})
	if err != nil || up.Priority != 2 || len(up.Actions) != 1 {
		t.Fatalf("update: %+v, %v", up, err)
	}
	if got, err := c.PageRules.Get(ctx, pr.ID, page_rules.PageRuleGetParams{ZoneID: cloudflare.F(zid)}); err != nil ||
		got.Targets[0].Constraint.Value != "www.example.com/static/*" {
		t.Fatalf("get: %+v, %v", got, err)
	}
	if _, err := c.PageRules.Delete(ctx, pr.ID, page_rules.PageRuleDeleteParams{ZoneID: cloudflare.F(zid)}); err != nil {
		t.Fatal(err)
	}
	if len(s.PageRules(zid)) != 0 {
		t.Fatal("delete left the rule")
	}
	_, err = c.PageRules.Get(ctx, pr.ID, page_rules.PageRuleGetParams{ZoneID: cloudflare.F(zid)})
	apiErr(t, err, 404)
}

func TestPageRuleQuota(t *testing.T) {
	t.Parallel()
	s, c, zid := newServer(t)
	ctx := context.Background()
	for i := range 3 {
		if _, err := c.PageRules.New(ctx, newPageRule(zid, "www.example.com/"+string(rune('a'+i))+"/*")); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.PageRules.New(ctx, newPageRule(zid, "www.example.com/d/*"))
	if e := apiErr(t, err, 400); e.Errors[0].Message != "Page Rule limit has been met" {
		t.Fatalf("fourth rule on free: %v", e)
	}
	s.SetZonePlan(zid, "pro")
	if _, err := c.PageRules.New(ctx, newPageRule(zid, "www.example.com/d/*")); err != nil {
		t.Fatalf("fourth rule on pro: %v", err)
	}
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	s, _, zid := newServer(t)
	s.AddToken("zone-only", cloudflaretest.PermZoneRead)
	c := client(s, "zone-only")
	ctx := context.Background()
	if _, err := c.Zones.List(ctx, zones.ZoneListParams{}); err != nil {
		t.Fatal(err)
	}
	_, err := c.Rulesets.Phases.Get(ctx, rulesets.PhaseHTTPRequestCacheSettings, rulesets.PhaseGetParams{ZoneID: cloudflare.F(zid)})
	if e := apiErr(t, err, 403); code(e) != 10000 {
		t.Errorf("rulesets: %v", e)
	}
	_, err = c.PageRules.New(ctx, newPageRule(zid, "www.example.com/*"))
	if e := apiErr(t, err, 403); code(e) != 10000 {
		t.Errorf("pagerules: %v", e)
	}
	// Unknown zone, as Cloudflare routes it.
	_, err = client(s, tok).PageRules.List(ctx, page_rules.PageRuleListParams{ZoneID: cloudflare.F(strings.Repeat("0", 32))})
	if e := apiErr(t, err, 404); code(e) != 7003 {
		t.Errorf("unknown zone: %v", e)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	s, c, _ := newServer(t)
	ctx := context.Background()
	s.FailNext(1, http.StatusTooManyRequests, 7)
	_, err := c.Zones.List(ctx, zones.ZoneListParams{})
	if e := apiErr(t, err, 429); e.Response.Header.Get("Retry-After") != "7" || code(e) != 971 {
		t.Errorf("429: %v, Retry-After %q", e, e.Response.Header.Get("Retry-After"))
	}
	s.OnRequest(func(r *http.Request) (int, bool) { return http.StatusBadGateway, r.Method == http.MethodGet })
	_, err = c.Zones.List(ctx, zones.ZoneListParams{})
	apiErr(t, err, 502)
	s.OnRequest(nil)
	if _, err := c.Zones.List(ctx, zones.ZoneListParams{}); err != nil {
		t.Fatal(err)
	}
	if got := len(s.Requests()); got != 3 || s.Writes() != 0 {
		t.Errorf("requests %d writes %d", got, s.Writes())
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	s, c, zid := newServer(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			put := rulesets.PhaseUpdateParams{ZoneID: cloudflare.F(zid),
				Rules: cloudflare.F([]rulesets.PhaseUpdateParamsRuleUnion{cacheRule("r", int64(60+i))})}
			if _, err := c.Rulesets.Phases.Update(ctx, rulesets.PhaseHTTPRequestCacheSettings, put); err != nil {
				t.Error(err)
			}
			if _, err := c.Zones.List(ctx, zones.ZoneListParams{}); err != nil {
				t.Error(err)
			}
			s.Rules(zid)
		})
	}
	wg.Wait()
	if s.Writes() != 8 || len(s.Requests()) != 16 {
		t.Errorf("writes %d requests %d", s.Writes(), len(s.Requests()))
	}
}

func TestDNSRecords(t *testing.T) {
	t.Parallel()
	s, _, zid := newServer(t)
	s.AddDNSRecord(zid, cloudflaretest.DNSRecord{Name: "www.example.com", Type: "A", Proxied: true})
	req, _ := http.NewRequest("GET", s.URL()+"/zones/"+zid+"/dns_records?name=www.example.com", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"proxied":true`) || !strings.Contains(string(body), `"total_count":1`) {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
}

// TestSchemaBites proves the validator refuses bodies Cloudflare's schema refuses.
func TestSchemaBites(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var reports []string
	s, _, zid := newServer(t, cloudflaretest.WithReporter(func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		reports = append(reports, msg)
	}))
	cases := []struct{ name, method, path, body, want string }{
		{"edge_ttl.default is a string", "PUT", "/rulesets/phases/http_request_cache_settings/entrypoint",
			`{"rules":[{"expression":"true","action":"set_cache_settings","action_parameters":{"edge_ttl":{"mode":"override_origin","default":"86400"}}}]}`,
			"default"},
		{"page rule without targets", "POST", "/pagerules",
			`{"actions":[{"id":"cache_level","value":"cache_everything"}]}`, "targets"},
		{"malformed JSON", "POST", "/pagerules", `{"targets":`, "decode"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			reports = nil
			mu.Unlock()
			req, _ := http.NewRequest(tc.method, s.URL()+"/zones/"+zid+tc.path, strings.NewReader(tc.body))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			mu.Lock()
			defer mu.Unlock()
			if resp.StatusCode != 400 || len(reports) != 1 || !strings.Contains(reports[0], tc.want) {
				t.Fatalf("status %d, reports %q", resp.StatusCode, reports)
			}
		})
	}
	if s.Rules(zid) != nil || len(s.PageRules(zid)) != 0 {
		t.Error("a refused request changed state")
	}
}

// call sends a raw request under the zone and returns the status and the decoded envelope.
func call(t *testing.T, s *cloudflaretest.Server, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, s.URL()+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, env
}

func refs(rules []cloudflaretest.Rule) []string {
	var out []string
	for _, r := range rules {
		out = append(out, r["ref"].(string))
	}
	return out
}

const cacheRuleJSON = `{"ref":%q,"expression":"true","action":"set_cache_settings","action_parameters":{"cache":true,"edge_ttl":{"mode":"override_origin","default":%d}}}`

// The entry point is created once (a second create is refused, code 20217, as the live API
// does); single rules are then added, changed, moved and deleted without touching the others.
func TestRuleEndpoints(t *testing.T) {
	t.Parallel()
	s, _, zid := newServer(t)
	create := fmt.Sprintf(`{"name":"default","kind":"zone","phase":"http_request_cache_settings","rules":[`+cacheRuleJSON+`]}`, "a", 60)
	st, env := call(t, s, "POST", "/zones/"+zid+"/rulesets", create)
	if st != 200 {
		t.Fatalf("create: %d %v", st, env)
	}
	rsID := env["result"].(map[string]any)["id"].(string)
	if st, env := call(t, s, "POST", "/zones/"+zid+"/rulesets", create); st != 400 ||
		env["errors"].([]any)[0].(map[string]any)["code"] != 20217.0 || len(s.Rules(zid)) != 1 {
		t.Fatalf("second create: %d %v", st, env)
	}
	base := "/zones/" + zid + "/rulesets/" + rsID + "/rules"
	for _, ref := range []string{"b", "c"} {
		if st, env := call(t, s, "POST", base, fmt.Sprintf(cacheRuleJSON, ref, 60)); st != 200 {
			t.Fatalf("add %s: %d %v", ref, st, env)
		}
	}
	before := s.Rules(zid)
	if got := refs(before); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("after adds: %v", got)
	}
	// PATCH replaces one rule in place: its id stays, its version moves; the others do not change.
	if st, env := call(t, s, "PATCH", base+"/"+before[1]["id"].(string), fmt.Sprintf(cacheRuleJSON, "b", 120)); st != 200 {
		t.Fatalf("patch: %d %v", st, env)
	}
	after := s.Rules(zid)
	if after[1]["id"] != before[1]["id"] || after[1]["version"] != "2" ||
		after[1]["action_parameters"].(map[string]any)["edge_ttl"].(map[string]any)["default"] != 120.0 {
		t.Errorf("patched rule: %v", after[1])
	}
	if !reflect.DeepEqual(after[0], before[0]) || !reflect.DeepEqual(after[2], before[2]) {
		t.Errorf("a PATCH changed other rules")
	}
	// position moves a rule.
	moved := strings.TrimSuffix(fmt.Sprintf(cacheRuleJSON, "c", 60), "}") + `,"position":{"before":""}}`
	if st, env := call(t, s, "PATCH", base+"/"+before[2]["id"].(string), moved); st != 200 {
		t.Fatalf("move: %d %v", st, env)
	}
	if got := refs(s.Rules(zid)); !slices.Equal(got, []string{"c", "a", "b"}) {
		t.Errorf("after move: %v", got)
	}
	if st, _ := call(t, s, "DELETE", base+"/"+before[0]["id"].(string), ""); st != 200 {
		t.Fatalf("delete: %d", st)
	}
	if got := refs(s.Rules(zid)); !slices.Equal(got, []string{"c", "b"}) {
		t.Errorf("after delete: %v", got)
	}
	if st, _ := call(t, s, "PATCH", base+"/"+before[0]["id"].(string), fmt.Sprintf(cacheRuleJSON, "a", 60)); st != 404 {
		t.Errorf("PATCH of a deleted rule: %d, want 404", st)
	}
	if st, _ := call(t, s, "POST", "/zones/"+zid+"/rulesets/"+strings.Repeat("0", 32)+"/rules", fmt.Sprintf(cacheRuleJSON, "x", 60)); st != 404 {
		t.Errorf("POST to an unknown ruleset: %d, want 404", st)
	}
}

// A token without Cache Rules edit cannot create the entry point nor add a rule to it.
func TestRuleEndpointsNeedCacheRulesEdit(t *testing.T) {
	t.Parallel()
	s, _, zid := newServer(t)
	s.PutRules(zid, cloudflaretest.Rule{"ref": "a", "expression": "true", "action": "set_cache_settings", "action_parameters": map[string]any{"cache": true}})
	s.AddToken("read-only", cloudflaretest.PermZoneRead, cloudflaretest.PermCacheRulesRead)
	st, env := call(t, s, "GET", "/zones/"+zid+"/rulesets/phases/http_request_cache_settings/entrypoint", "")
	if st != 200 {
		t.Fatal(st)
	}
	rsID := env["result"].(map[string]any)["id"].(string)
	for _, c := range []struct{ path, body string }{
		{"/zones/" + zid + "/rulesets/" + rsID + "/rules", fmt.Sprintf(cacheRuleJSON, "b", 60)},
	} {
		req, _ := http.NewRequest("POST", s.URL()+c.path, strings.NewReader(c.body))
		req.Header.Set("Authorization", "Bearer read-only")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 403 {
			t.Errorf("POST %s with a read-only token: %d, want 403", c.path, resp.StatusCode)
		}
	}
	if len(s.Rules(zid)) != 1 {
		t.Error("a refused write changed the rules")
	}
}

// The new endpoints are held to the schema too: a rule without an expression, or a create
// without a phase, is refused and reported.
func TestRuleEndpointsSchema(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var reports []string
	s, _, zid := newServer(t, cloudflaretest.WithReporter(func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		reports = append(reports, msg)
	}))
	s.PutRules(zid)
	_, env := call(t, s, "GET", "/zones/"+zid+"/rulesets/phases/http_request_cache_settings/entrypoint", "")
	rsID := env["result"].(map[string]any)["id"].(string)
	cases := []struct{ name, path, body, want string }{
		{"rule without expression", "/rulesets/" + rsID + "/rules",
			`{"ref":"x","action":"set_cache_settings","action_parameters":{"cache":true}}`, "expression"},
		{"ruleset without kind", "/rulesets", `{"name":"default","phase":"http_request_cache_settings","rules":[]}`, "kind"},
	}
	for _, tc := range cases {
		mu.Lock()
		reports = nil
		mu.Unlock()
		st, _ := call(t, s, "POST", "/zones/"+zid+tc.path, tc.body)
		mu.Lock()
		if st != 400 || len(reports) > 1 || len(reports) == 1 && !strings.Contains(reports[0], tc.want) {
			t.Errorf("%s: status %d, reports %q", tc.name, st, reports)
		}
		mu.Unlock()
	}
	if got := s.Rules(zid); len(got) != 0 {
		t.Errorf("a refused request changed state: %v", got)
	}
}

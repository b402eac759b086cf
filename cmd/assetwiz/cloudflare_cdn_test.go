package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/provision/cloudflare/cloudflaretest"
)

// The token every CDN test uses; long and odd, so finding it in any output is no accident.
const cfToken = "cf-test-token-Zx81qPq7Lm2"

// cdnSite is the answers of a site with Cloudflare in front and no buckets.
func cdnSite(host, method string, ttl int, dirs ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "mode: virgin\napplication: wordpress\nwebsite_url: %s\ndirectories:\n", host)
	for _, d := range dirs {
		fmt.Fprintf(&b, "  - %s\n", d)
	}
	fmt.Fprintf(&b, "cdn:\n  provider: cloudflare\n  method: %s\n  edge_ttl: %d\n", method, ttl)
	return b.String()
}

// cdnRun runs the CLI against a Cloudflare double and keeps every output, to prove at the
// end that the token was never printed.
type cdnRun struct {
	t    *testing.T
	dir  string
	env  map[string]string
	outs []string
}

func newCDNRun(t *testing.T, s *cloudflaretest.Server, answers string) *cdnRun {
	r := &cdnRun{t: t, dir: t.TempDir(), env: map[string]string{"CLOUDFLARE_API_TOKEN": cfToken, "CLOUDFLARE_BASE_URL": s.URL()}}
	writeFile(t, filepath.Join(r.dir, "assetwiz.yaml"), answers)
	t.Cleanup(func() {
		for _, o := range r.outs {
			if strings.Contains(o, cfToken) {
				t.Errorf("the token was printed:\n%s", o)
			}
		}
	})
	return r
}

func (r *cdnRun) answers(content string) {
	writeFile(r.t, filepath.Join(r.dir, "assetwiz.yaml"), content)
}

func (r *cdnRun) run(args ...string) cliResult {
	r.t.Helper()
	res := runCLI(r.t, r.dir, r.env, args...)
	r.outs = append(r.outs, res.stdout, res.stderr)
	return res
}

func (r *cdnRun) mustRun(args ...string) cliResult {
	r.t.Helper()
	res := r.run(args...)
	if res.code != 0 {
		r.t.Fatalf("assetwiz %s: exit %d\n%s%s", strings.Join(args, " "), res.code, res.stdout, res.stderr)
	}
	return res
}

type planOut struct {
	Changes bool `json:"changes"`
	Actions []struct {
		Resource, ID, Op, Detail string
	} `json:"actions"`
	Warnings []string `json:"warnings"`
}

// plan runs plan --json and returns the CDN actions' "op id" and the whole plan.
func (r *cdnRun) plan() ([]string, planOut) {
	r.t.Helper()
	res := r.mustRun("plan", "--json")
	var p planOut
	if err := json.Unmarshal([]byte(res.stdout), &p); err != nil {
		r.t.Fatalf("plan --json: %v\n%s", err, res.stdout)
	}
	var ops []string
	for _, a := range p.Actions {
		if a.Resource == "cache_rule" || a.Resource == "page_rule" {
			ops = append(ops, a.Op+" "+a.ID)
		}
	}
	return ops, p
}

func allCDNToken(s *cloudflaretest.Server) {
	s.AddToken(cfToken, cloudflaretest.PermZoneRead, cloudflaretest.PermCacheRulesEdit,
		cloudflaretest.PermPageRulesEdit, cloudflaretest.PermDNSRead)
}

func ruleJSON(t *testing.T, r cloudflaretest.Rule) string {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const (
	refUploads = "assetwiz-www-example-com-assets-wp-content-uploads"
	refImages  = "assetwiz-www-example-com-assets-images"
)

func TestCDNCacheRulesApplyPlanVerify(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	allCDNToken(s)
	zid := s.AddZone("example.com")
	s.AddZone("example.org")
	s.AddDNSRecord(zid, cloudflaretest.DNSRecord{Name: "www.example.com", Type: "A", Proxied: true})
	before := cloudflaretest.Rule{"ref": "team-bypass-api", "description": "not ours",
		"expression": `(http.host eq "api.example.com")`, "action": "set_cache_settings",
		"action_parameters": map[string]any{"cache": false, "browser_ttl": map[string]any{"mode": "respect_origin"}}}
	s.PutRules(zid, before)
	r := newCDNRun(t, s, cdnSite("www.example.com", "cache-rules", 86400, "wp-content/uploads", "images"))

	ops, p := r.plan()
	if want := []string{"create " + refUploads, "create " + refImages}; !reflect.DeepEqual(ops, want) {
		t.Fatalf("first plan: %v, want %v", ops, want)
	}
	if !strings.Contains(p.Actions[0].Detail, `starts_with(http.request.uri.path, "/wp-content/uploads/")`) {
		t.Errorf("the plan does not show the expression: %q", p.Actions[0].Detail)
	}
	if !strings.Contains(strings.Join(p.Warnings, "\n"), "proxied (orange-cloud)") {
		t.Errorf("no proxied warning: %v", p.Warnings)
	}
	if s.Writes() != 0 {
		t.Fatalf("plan wrote %d times", s.Writes())
	}

	r.mustRun("apply", "--yes")
	rules := s.Rules(zid)
	// Our two rules are added in parallel, after the foreign one, in either order.
	if len(rules) != 3 || rules[0]["ref"] != "team-bypass-api" || byRef(rules, refUploads) == nil || byRef(rules, refImages) == nil {
		t.Fatalf("after apply: %v", rules)
	}
	ours := byRef(rules, refUploads)
	params := ours["action_parameters"].(map[string]any)
	edge := params["edge_ttl"].(map[string]any)
	if ours["action"] != "set_cache_settings" || params["cache"] != true || edge["mode"] != "override_origin" || edge["default"] != 86400.0 ||
		ours["enabled"] != true || !strings.HasPrefix(ours["description"].(string), "assetwiz: ") ||
		ours["expression"] != `(http.host eq "www.example.com" and starts_with(http.request.uri.path, "/wp-content/uploads/"))` {
		t.Errorf("rule not in the contract's shape: %v", ours)
	}
	r.mustRun("verify")

	// Someone adds a rule after ours; a re-plan is all noop and writes nothing.
	after := cloudflaretest.Rule{"ref": "team-static", "description": "not ours either",
		"expression": `(http.request.uri.path.extension eq "css")`, "action": "set_cache_settings",
		"action_parameters": map[string]any{"cache": true}, "enabled": false}
	s.PutRules(zid, append(s.Rules(zid), after)...)
	foreign := []string{ruleJSON(t, s.Rules(zid)[0]), ruleJSON(t, s.Rules(zid)[3])}
	s.ResetRequests()
	ops, p = r.plan()
	if want := []string{"noop " + refUploads, "noop " + refImages}; !reflect.DeepEqual(ops, want) || p.Changes {
		t.Fatalf("second plan: %v (changes %v), want %v", ops, p.Changes, want)
	}
	r.mustRun("apply", "--yes")
	if s.Writes() != 0 {
		t.Fatalf("a plan and apply with nothing to do wrote %d times: %v", s.Writes(), s.Requests())
	}

	// A changed edge_ttl is an update of our rules only; the foreign ones stay byte for byte.
	r.answers(cdnSite("www.example.com", "cache-rules", 3600, "wp-content/uploads", "images"))
	ops, p = r.plan()
	if want := []string{"update " + refUploads, "update " + refImages}; !reflect.DeepEqual(ops, want) {
		t.Fatalf("plan after edge_ttl change: %v, want %v", ops, want)
	}
	if !strings.Contains(p.Actions[0].Detail, "now: edge TTL 86400s") {
		t.Errorf("update detail: %q", p.Actions[0].Detail)
	}
	s.ResetRequests()
	r.mustRun("apply", "--yes")
	// One PATCH per changed rule, to that rule's endpoint: the entry point is never replaced.
	var writes []string
	for _, req := range s.Requests() {
		if req.Method != "GET" {
			writes = append(writes, req.Method+" "+req.Path)
		}
	}
	if len(writes) != 2 || !strings.HasPrefix(writes[0], "PATCH /zones/"+zid+"/rulesets/") || !strings.HasPrefix(writes[1], "PATCH /zones/"+zid+"/rulesets/") {
		t.Errorf("apply of two changed rules wrote %v, want two PATCHes of single rules", writes)
	}
	rules = s.Rules(zid)
	if len(rules) != 4 || ruleJSON(t, rules[0]) != foreign[0] || ruleJSON(t, rules[3]) != foreign[1] {
		t.Fatalf("foreign rules changed:\n%v\nwant\n%v", rules, foreign)
	}
	if rules[1]["id"] != ours["id"] && rules[2]["id"] != ours["id"] {
		t.Errorf("our rule was not updated in place: %v", rules)
	}
	if got := byRef(rules, refUploads); got["id"] != ours["id"] || got["action_parameters"].(map[string]any)["edge_ttl"].(map[string]any)["default"] != 3600.0 {
		t.Errorf("our rule was not updated in place: %v", got)
	}
	r.mustRun("verify")

	// A rule someone disabled by hand fails verify and is planned as an update.
	byRef(rules, refImages)["enabled"] = false
	s.PutRules(zid, rules...)
	res := r.run("verify")
	if res.code != 1 || !strings.Contains(res.stdout, "cache_rule "+refImages+": not as planned: disabled") {
		t.Errorf("verify of a disabled rule: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stderr, "\n  ✓ cache_rule "+refUploads+": in zone example.com, enabled, caches for 3600s at the edge\n") ||
		!strings.Contains(res.stderr, "\n  ✗ cache_rule "+refImages+": not as planned: disabled") {
		t.Errorf("verify's checks on stderr:\n%s", res.stderr)
	}
	if ops, _ := r.plan(); ops[1] != "update "+refImages || ops[0] != "noop "+refUploads {
		t.Errorf("plan with a disabled rule: %v", ops)
	}
}

// byRef is the rule with ref, or nil.
func byRef(rules []cloudflaretest.Rule, ref string) cloudflaretest.Rule {
	for _, r := range rules {
		if r["ref"] == ref {
			return r
		}
	}
	return nil
}

func TestCDNTokenProblems(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	zid := s.AddZone("example.com")
	site := cdnSite("www.example.com", "cache-rules", 86400, "images")
	cases := []struct {
		name, token, status string
		perms               []string
		method, want        string
	}{
		{"unknown token", "not-a-token-at-all", "", nil, "cache-rules", "the Cloudflare API token is not valid"},
		{"expired token", "expired-token-1234", cloudflaretest.TokenExpired, []string{cloudflaretest.PermZoneRead}, "cache-rules", "it expired"},
		{"disabled token", "disabled-token-1234", cloudflaretest.TokenDisabled, []string{cloudflaretest.PermZoneRead}, "cache-rules", "it is disabled"},
		{"no zone read", "no-zone-read-1234", "", []string{cloudflaretest.PermCacheRulesEdit}, "cache-rules", `"Zone > Zone > Read"`},
		{"no cache rules", "zone-only-1234", "", []string{cloudflaretest.PermZoneRead}, "cache-rules", `lacks the permission "Zone > Cache Rules > Edit"`},
		{"no page rules", "zone-only-5678", "", []string{cloudflaretest.PermZoneRead}, "page-rules", `lacks the permission "Zone > Page Rules > Edit"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.token != "not-a-token-at-all" {
				s.AddToken(tc.token, tc.perms...)
			}
			if tc.status != "" {
				s.SetTokenStatus(tc.token, tc.status)
			}
			r := newCDNRun(t, s, strings.Replace(site, "cache-rules", tc.method, 1))
			r.env["CLOUDFLARE_API_TOKEN"] = tc.token
			s.ResetRequests()
			for _, cmd := range [][]string{{"plan"}, {"apply", "--yes"}, {"verify"}} {
				res := r.run(cmd...)
				if res.code != 1 || !strings.Contains(res.stderr+res.stdout, tc.want) {
					t.Errorf("%v: exit %d, want 1 with %q:\n%s%s", cmd, res.code, tc.want, res.stdout, res.stderr)
				}
				if strings.Contains(res.stderr+res.stdout, tc.token) {
					t.Errorf("%v printed the token", cmd)
				}
			}
			if s.Writes() != 0 || len(s.Rules(zid)) != 0 || len(s.PageRules(zid)) != 0 {
				t.Errorf("a refused token still wrote: %v", s.Requests())
			}
			if names := listDir(t, r.dir); len(names) != 1 {
				t.Errorf("apply wrote files: %v", names)
			}
		})
	}
	t.Run("missing token", func(t *testing.T) {
		r := newCDNRun(t, s, site)
		delete(r.env, "CLOUDFLARE_API_TOKEN")
		// A missing token is a missing answer: bad input, before any request.
		if res := r.run("plan"); res.code != 64 || !strings.Contains(res.stderr, "CLOUDFLARE_API_TOKEN: not set") {
			t.Errorf("exit %d\n%s", res.code, res.stderr)
		}
	})
}

func TestCDNZoneDiscovery(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	allCDNToken(s)
	s.AddZone("co.uk")
	s.AddZone("xample.co.uk")
	long := s.AddZone("example.co.uk")
	s.AddZone("other.example.co.uk")
	r := newCDNRun(t, s, cdnSite("shop.eu.example.co.uk", "cache-rules", 600, "images"))
	r.mustRun("apply", "--yes")
	if rules := s.Rules(long); len(rules) != 1 {
		t.Fatalf("the rule is not in zone example.co.uk: %v", rules)
	}
	// cdn.zone overrides the discovery; a zone the account lacks is a clear error.
	over := s.AddZone("eu.example.co.uk")
	r.answers(cdnSite("shop.eu.example.co.uk", "cache-rules", 600, "images") + "  zone: eu.example.co.uk\n")
	r.mustRun("apply", "--yes")
	if len(s.Rules(over)) != 1 {
		t.Fatal("cdn.zone was not used")
	}
	r.answers(cdnSite("www.example.net", "cache-rules", 600, "images"))
	if res := r.run("plan"); res.code != 1 || !strings.Contains(res.stderr, "no zone in the account of the API token holds www.example.net") {
		t.Errorf("no zone: exit %d\n%s", res.code, res.stderr)
	}
}

func TestCDNNotProxiedWarning(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	allCDNToken(s)
	zid := s.AddZone("example.com")
	s.AddDNSRecord(zid, cloudflaretest.DNSRecord{Name: "www.example.com", Type: "CNAME", Proxied: false})
	r := newCDNRun(t, s, cdnSite("www.example.com", "cache-rules", 600, "images"))
	_, p := r.plan()
	if !strings.Contains(strings.Join(p.Warnings, "\n"), "www.example.com in zone example.com is not proxied (grey cloud)") {
		t.Errorf("warnings: %v", p.Warnings)
	}
	// One warning per cause: the record read replaces the offline "make sure it is proxied".
	n := 0
	for _, w := range p.Warnings {
		if strings.Contains(w, "proxied") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d warnings about proxying: %v", n, p.Warnings)
	}
}

func TestCDNPageRules(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	allCDNToken(s)
	zid := s.AddZone("example.com")
	r := newCDNRun(t, s, cdnSite("www.example.com", "page-rules", 86400, "wp-content/uploads", "images"))
	ops, p := r.plan()
	if want := []string{"create www.example.com/wp-content/uploads/*", "create www.example.com/images/*"}; !reflect.DeepEqual(ops, want) {
		t.Fatalf("first plan: %v", ops)
	}
	warnings := strings.Join(p.Warnings, "\n")
	if !strings.Contains(warnings, "Page Rules are deprecated") || strings.Contains(warnings, "allows 3 page rules") {
		t.Errorf("warnings: %v", p.Warnings)
	}
	r.mustRun("apply", "--yes")
	got := s.PageRules(zid)
	if len(got) != 2 {
		t.Fatalf("page rules: %+v", got)
	}
	for _, pr := range got {
		actions, _ := json.Marshal(pr.Actions)
		if pr.Status != "active" || string(actions) != `[{"id":"cache_level","value":"cache_everything"},{"id":"edge_cache_ttl","value":86400}]` {
			t.Errorf("page rule %+v, actions %s", pr, actions)
		}
	}
	r.mustRun("verify")
	s.ResetRequests()
	if ops, p := r.plan(); p.Changes || ops[0] != "noop www.example.com/wp-content/uploads/*" {
		t.Fatalf("second plan: %v", ops)
	}
	if s.Writes() != 0 {
		t.Fatal("the second plan wrote")
	}

	// A changed edge_ttl updates our rules only, in place.
	r.answers(cdnSite("www.example.com", "page-rules", 7200, "wp-content/uploads", "images"))
	if ops, _ := r.plan(); ops[0] != "update www.example.com/wp-content/uploads/*" || ops[1] != "update www.example.com/images/*" {
		t.Fatalf("plan after edge_ttl change: %v", ops)
	}
	r.mustRun("apply", "--yes")
	after := s.PageRules(zid)
	if len(after) != 2 || after[0].ID != got[0].ID || after[0].Actions[1]["value"] != 7200.0 {
		t.Fatalf("after update: %+v", after)
	}

	// Two more directories on the free plan (3 page rules) go over the quota: a warning.
	r.answers(cdnSite("www.example.com", "page-rules", 7200, "wp-content/uploads", "images", "media", "files"))
	_, p = r.plan()
	if !strings.Contains(strings.Join(p.Warnings, "\n"), "zone example.com (free plan) allows 3 page rules; it has 2 and this plan adds 2: 1 of the creates will fail") {
		t.Errorf("no quota warning: %v", p.Warnings)
	}
	s.SetZonePlan(zid, "pro")
	if _, p = r.plan(); strings.Contains(strings.Join(p.Warnings, "\n"), "allows") {
		t.Errorf("quota warning on pro: %v", p.Warnings)
	}
}

func TestCDNCacheRulesQuotaWarning(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	allCDNToken(s)
	zid := s.AddZone("example.com")
	var foreign []cloudflaretest.Rule
	for i := 0; i < 9; i++ {
		foreign = append(foreign, cloudflaretest.Rule{"ref": fmt.Sprintf("team-%d", i), "expression": fmt.Sprintf(`(http.host eq "h%d.example.com")`, i),
			"action": "set_cache_settings", "action_parameters": map[string]any{"cache": false}})
	}
	s.PutRules(zid, foreign...)
	r := newCDNRun(t, s, cdnSite("www.example.com", "cache-rules", 86400, "wp-content/uploads", "images"))
	if _, p := r.plan(); !strings.Contains(strings.Join(p.Warnings, "\n"), "allows 10 cache rules; it has 9 and this plan adds 2") {
		t.Errorf("no quota warning on the free plan: %v", p.Warnings)
	}
	s.SetZonePlan(zid, "pro")
	if _, p := r.plan(); strings.Contains(strings.Join(p.Warnings, "\n"), "cache rules;") {
		t.Errorf("a quota warning on the pro plan: %v", p.Warnings)
	}
}

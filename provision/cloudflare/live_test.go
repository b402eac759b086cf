package cloudflare

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/cloudflare/cloudflaretest"
	"github.com/assetwiz/assetwiz/steps"
	"github.com/assetwiz/assetwiz/steps/stepstest"
)

const token = "tok-live-test-0123456789"

// answers are the CDN answers for host and dirs, as given: the backend reads no others.
func answers(host string, dirs ...string) *steps.Answers {
	return stepstest.Must("cdn:\n  provider: cloudflare\n  method: cache-rules\n  edge_ttl: 600\n", stepstest.AsGiven(),
		stepstest.With(func(a *steps.Answers) { a.WebsiteURL, a.Directories = host, dirs }))
}

func env(s *cloudflaretest.Server) func(string) string {
	return func(k string) string {
		return map[string]string{EnvToken: token, EnvBaseURL: s.URL()}[k]
	}
}

func TestCheckFindsTheLongestZone(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	s.AddToken(token, cloudflaretest.PermZoneRead)
	for _, z := range []string{"co.uk", "example.co.uk", "ample.co.uk", "other.co.uk"} {
		s.AddZone(z)
	}
	zone, err := Check(context.Background(), answers("shop.eu.example.co.uk", "images"), env(s))
	if err != nil || zone != "example.co.uk" {
		t.Fatalf("Check: %q, %v", zone, err)
	}
	a := answers("shop.eu.example.co.uk", "images")
	a.CDN.Zone = "co.uk"
	if zone, err := Check(context.Background(), a, env(s)); err != nil || zone != "co.uk" {
		t.Fatalf("Check with cdn.zone: %q, %v", zone, err)
	}
	if _, err := Check(context.Background(), answers("www.example.net", "images"), env(s)); err == nil ||
		!strings.Contains(err.Error(), "no zone in the account of the API token holds www.example.net") {
		t.Fatalf("Check of a site in no zone: %v", err)
	}
	s.SetTokenStatus(token, cloudflaretest.TokenExpired)
	if _, err := Check(context.Background(), answers("www.example.co.uk", "images"), env(s)); !errors.Is(err, ErrToken) {
		t.Fatalf("Check with an expired token: %v", err)
	}
}

// A zone list longer than one page is read to the end.
func TestFindZonePages(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	s.AddToken(token, cloudflaretest.PermZoneRead)
	for i := range 60 {
		s.AddZone("a" + strings.Repeat("x", i) + ".example")
	}
	want := s.AddZone("zz.example.org")
	z, err := NewClient(token, s.URL()).FindZone(context.Background(), "www.zz.example.org", "")
	if err != nil || z.ID != want || z.PageRuleQuota != 3 || z.Plan != "free" {
		t.Fatalf("%+v, %v", z, err)
	}
}

// A rule tells its site by its description, else by its expression; only rules with
// assetwiz's ref are assetwiz's. Rules of the first release (same ref and description) are read the same.
func TestSiteOf(t *testing.T) {
	t.Parallel()
	r := Rules(answers("slow.example.com", "images"))[0]
	cases := []struct {
		rule ruleJSON
		site string
		ok   bool
	}{
		{desiredRule(r), "slow.example.com", true},
		{ruleJSON{"ref": "assetwiz-www-example-com-assets-images", "description": "assetwiz: cache everything under www.example.com/images/"}, "www.example.com", true},
		{ruleJSON{"ref": "assetwiz-x", "description": "edited by hand", "expression": `(http.host eq "wide.example.com" and true)`}, "wide.example.com", true},
		{ruleJSON{"ref": "assetwiz-x", "description": "edited", "expression": "true"}, "", false},
		{ruleJSON{"ref": "team-rule", "description": "assetwiz: cache everything under www.example.com/images/"}, "", false},
	}
	for _, tc := range cases {
		if site, ok := siteOf(tc.rule); site != tc.site || ok != tc.ok {
			t.Errorf("siteOf(%v) = %q, %v; want %q, %v", tc.rule, site, ok, tc.site, tc.ok)
		}
	}
	if r.Ref != "assetwiz-slow-example-com-assets-images" {
		t.Errorf("the ref changed from the first release's form: %s", r.Ref)
	}
}

// An API error carries its status and Retry-After for the executor, names the permission
// on a 403, and never holds the token.
func TestErrorsForTheExecutor(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	s.AddToken(token, cloudflaretest.PermZoneRead)
	zid := s.AddZone("example.com")
	c := NewClient(token, s.URL())
	s.FailNext(1, http.StatusTooManyRequests, 7)
	_, err := c.cacheRules(context.Background(), zid)
	again, wait := provision.Transient(err)
	if !again || wait != 7*time.Second {
		t.Fatalf("429: transient %v wait %v: %v", again, wait, err)
	}
	_, err = c.cacheRules(context.Background(), zid)
	if again, _ := provision.Transient(err); again || !strings.Contains(err.Error(), `"Zone > Cache Rules > Edit"`) {
		t.Fatalf("403: transient %v: %v", again, err)
	}
	if strings.Contains(err.Error(), token) {
		t.Fatal("the error holds the token")
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	s.AddToken(token, cloudflaretest.PermZoneRead, cloudflaretest.PermCacheRulesEdit)
	zid := s.AddZone("example.com")
	a := answers("www.example.com", "a", "b")
	l := Live{Getenv: env(s)}
	if got := provision.Failures(l.Verify(context.Background(), a)); len(got) != 2 || !strings.Contains(got[0], "missing") {
		t.Fatalf("before apply: %v", got)
	}
	p, err := l.Plan(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if res := provision.Apply(context.Background(), p, provision.ApplyOptions{}); res.Err() != nil {
		t.Fatal(res.Err())
	}
	// After apply every rule holds, and verify says so, rule by rule.
	got := l.Verify(context.Background(), a)
	if fails := provision.Failures(got); len(fails) != 0 {
		t.Fatalf("after apply: %v", fails)
	}
	if len(got) != 2 {
		t.Fatalf("after apply: %d checks, want one per rule: %v", len(got), got)
	}
	for i, c := range got {
		if s := c.String(); !strings.HasPrefix(s, "✓ cache_rule "+Rules(a)[i].Ref+": in zone example.com, enabled, caches for") {
			t.Errorf("check %d: %q", i, s)
		}
	}
	rules := s.Rules(zid)
	rules[0]["expression"] = "true"
	s.PutRules(zid, rules...)
	if got := provision.Failures(l.Verify(context.Background(), a)); len(got) != 1 || !strings.Contains(got[0], "not as planned: expression") {
		t.Fatalf("changed expression: %v", got)
	}
}

package cloudflare

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/cloudflare/cloudflaretest"
	"github.com/assetwiz/assetwiz/steps"
)

// A 2xx answer that is not a trustworthy envelope is an error, whatever it holds.
func TestFaultyAnswers(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, body, want string }{
		{"success false", `{"success":false,"errors":[{"code":10000,"message":"oops"}],"messages":[],"result":null}`, `"success": false: oops (code 10000)`},
		{"no result", `{"success":true,"errors":[],"messages":[]}`, `no "result"`},
		{"null result", `{"success":true,"errors":[],"messages":[],"result":null}`, `no "result"`},
		{"no success", `{"result":{"id":"x","status":"active"}}`, `no "success"`},
		{"not JSON", `<html>maintenance</html>`, "not Cloudflare's JSON envelope"},
		{"truncated", `{"success":true,"result":{"id":`, "not Cloudflare's JSON envelope"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			err := NewClient(token, srv.URL).VerifyToken(context.Background())
			if !errors.Is(err, ErrFaultyAnswer) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
			if n.Load() != 1 {
				t.Errorf("a faulty answer was asked %d times: it is not a transient fault", n.Load())
			}
			if again, _ := provision.Transient(err); again {
				t.Error("the executor would retry a faulty answer")
			}
		})
	}
}

// An answer is read up to 8 MiB; a larger one is an error, not buffered whole.
func TestAnswerSizeLimit(t *testing.T) {
	t.Parallel()
	var sent atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"success":true,"result":{"id":"`)
		chunk := strings.Repeat("a", 64<<10)
		for range 1 << 10 { // up to 64 MiB, unless the client stops reading
			n, err := io.WriteString(w, chunk)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	err := NewClient(token, srv.URL).VerifyToken(context.Background())
	if !errors.Is(err, ErrFaultyAnswer) || !strings.Contains(err.Error(), "over 8 MiB") {
		t.Fatalf("err %v", err)
	}
	// The client stopped reading at the limit: what the server got out is the limit plus
	// what the sockets buffer, far from the 64 MiB it had to send.
	if n := sent.Load(); n >= 32<<20 {
		t.Errorf("%d MiB read for an 8 MiB limit", n>>20)
	}
	srv.CloseClientConnections()
}

// The token never goes to another origin: a redirect to another port of the same host is
// refused before the request is made, so the other server sees nothing.
func TestNoTokenOnRedirectToAnotherOrigin(t *testing.T) {
	t.Parallel()
	var leaked atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Add(1)
		if strings.Contains(r.Header.Get("Authorization"), token) {
			t.Errorf("the token reached %s", r.Host)
		}
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer api.Close()
	err := NewClient(token, api.URL).VerifyToken(context.Background())
	if err == nil || !strings.Contains(err.Error(), "refused a redirect") || strings.Contains(err.Error(), token) {
		t.Fatalf("err %v", err)
	}
	if leaked.Load() != 0 {
		t.Errorf("the other origin got %d requests", leaked.Load())
	}
}

func TestCleanToken(t *testing.T) {
	t.Parallel()
	if tok, err := CleanToken("  abc-DEF_123\n"); tok != "abc-DEF_123" || err != nil {
		t.Errorf("trailing newline: %q, %v", tok, err)
	}
	for _, bad := range []string{"abc def", "abc\tdef", "abc\x00def", "abcé"} {
		if _, err := CleanToken(bad); err == nil || !strings.Contains(err.Error(), EnvToken) || strings.Contains(err.Error(), bad) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// A zone listing that never ends stops at the page cap with an error naming cdn.zone.
func TestEndlessZoneListing(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	s.AddToken(token, cloudflaretest.PermZoneRead)
	s.EndlessZones()
	_, err := NewClient(token, s.URL()).FindZone(context.Background(), "www.example.com", "")
	if err == nil || !strings.Contains(err.Error(), "set cdn.zone") {
		t.Fatalf("err %v", err)
	}
	if n := len(s.Requests()); n != maxZonePages {
		t.Errorf("%d requests, want %d", n, maxZonePages)
	}
}

// Every page of the listing is asked with the run's context: once it is cancelled (Ctrl-C,
// SIGTERM), no further page is asked.
func TestZoneListingStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	s.AddToken(token, cloudflaretest.PermZoneRead)
	s.EndlessZones()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var pages atomic.Int32
	s.OnRequest(func(r *http.Request) (int, bool) {
		if pages.Add(1) == 3 {
			cancel() // the interruption arrives while the third page is being served
		}
		return 0, false
	})
	_, err := NewClient(token, s.URL()).FindZone(ctx, "www.example.com", "")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if n := pages.Load(); n != 3 {
		t.Errorf("%d pages asked, want 3", n)
	}
}

// siteAnswers is a cache-rules site of the zone example.com.
func siteAnswers(host string, dirs ...string) *steps.Answers {
	a := answers(host, dirs...)
	a.CDN.EdgeTTL = 86400
	return a
}

// apply plans and applies a at the double, as one run of assetwiz does.
func apply(t *testing.T, s *cloudflaretest.Server, a *steps.Answers) {
	t.Helper()
	p, err := Live{Getenv: env(s)}.Plan(context.Background(), a)
	if err != nil {
		t.Fatalf("plan %s: %v", a.WebsiteURL, err)
	}
	if res := provision.Apply(context.Background(), p, provision.ApplyOptions{}); res.Err() != nil {
		t.Fatalf("apply %s: %v", a.WebsiteURL, res.Err())
	}
}

func allToken(s *cloudflaretest.Server) {
	s.AddToken(token, cloudflaretest.PermZoneRead, cloudflaretest.PermCacheRulesEdit, cloudflaretest.PermPageRulesEdit, cloudflaretest.PermDNSRead)
}

func foreignRule(ref string) cloudflaretest.Rule {
	return cloudflaretest.Rule{"ref": ref, "expression": fmt.Sprintf(`(http.host eq "%s.example.com")`, ref),
		"action": "set_cache_settings", "action_parameters": map[string]any{"cache": false}}
}

func refsOf(rules []cloudflaretest.Rule) map[string]bool {
	out := map[string]bool{}
	for _, r := range rules {
		out[r["ref"].(string)] = true
	}
	return out
}

// beforeFirstWrite runs fn once, when the first write request reaches the double, before
// the double carries it out: between assetwiz's read and its write.
func beforeFirstWrite(s *cloudflaretest.Server, fn func()) {
	var done atomic.Bool // not a sync.Once: fn's own writes come through here and must not wait for fn
	s.OnRequest(func(r *http.Request) (int, bool) {
		if r.Method != http.MethodGet && done.CompareAndSwap(false, true) {
			fn()
		}
		return 0, false
	})
}

// A rule someone adds between assetwiz's read of the entry point and its write survives.
func TestForeignRuleAddedDuringApplySurvives(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	allToken(s)
	zid := s.AddZone("example.com")
	s.PutRules(zid, foreignRule("before"))
	beforeFirstWrite(s, func() { s.AddRule(zid, foreignRule("meanwhile")) })
	a := siteAnswers("www.example.com", "images", "media")
	apply(t, s, a)
	got := refsOf(s.Rules(zid))
	for _, want := range []string{"before", "meanwhile", Rules(a)[0].Ref, Rules(a)[1].Ref} {
		if !got[want] {
			t.Errorf("rule %s is gone: %v", want, got)
		}
	}
	if first := s.Rules(zid)[0]; first["ref"] != "before" {
		t.Errorf("the foreign rule moved: %v", first)
	}
}

// Two runs for two sites of one zone, the second carried out entirely between the first's
// read and its write, both keep their rules: with the entry point there, and when both
// find it missing and race to create it.
func TestTwoSitesOfOneZoneApplyTogether(t *testing.T) {
	t.Parallel()
	for _, exists := range []bool{true, false} {
		t.Run(fmt.Sprintf("entry point exists %v", exists), func(t *testing.T) {
			s := cloudflaretest.New(t)
			allToken(s)
			zid := s.AddZone("example.com")
			if exists {
				s.PutRules(zid, foreignRule("team"))
			}
			www, shop := siteAnswers("www.example.com", "images"), siteAnswers("shop.example.com", "media", "files")
			p, err := Live{Getenv: env(s)}.Plan(context.Background(), www)
			if err != nil {
				t.Fatal(err)
			}
			beforeFirstWrite(s, func() { apply(t, s, shop) })
			if res := provision.Apply(context.Background(), p, provision.ApplyOptions{}); res.Err() != nil {
				t.Fatalf("apply www: %v", res.Err())
			}
			got := refsOf(s.Rules(zid))
			want := []string{Rules(www)[0].Ref, Rules(shop)[0].Ref, Rules(shop)[1].Ref}
			if exists {
				want = append(want, "team")
			}
			for _, ref := range want {
				if !got[ref] {
					t.Errorf("rule %s is missing: %v", ref, got)
				}
			}
			if len(got) != len(want) || len(s.Rules(zid)) != len(want) {
				t.Errorf("rules %v, want %v", got, want)
			}
			s.OnRequest(nil)
			for _, a := range []*steps.Answers{www, shop} {
				if v := provision.Failures((Live{Getenv: env(s)}).Verify(context.Background(), a)); len(v) != 0 {
					t.Errorf("verify %s: %v", a.WebsiteURL, v)
				}
			}
		})
	}
}

// The chain of requests of a new site: the token check, one zone lookup, one read of the
// entry point, the DNS check, then one POST per rule and nothing else; with no entry
// point, a single POST creates it with all the rules.
func TestRequestsPerRuleChange(t *testing.T) {
	t.Parallel()
	for _, exists := range []bool{true, false} {
		t.Run(fmt.Sprintf("entry point exists %v", exists), func(t *testing.T) {
			s := cloudflaretest.New(t)
			allToken(s)
			zid := s.AddZone("example.com")
			if exists {
				s.PutRules(zid, foreignRule("team"))
			}
			s.ResetRequests()
			apply(t, s, siteAnswers("www.example.com", "a", "b", "c"))
			count := map[string]int{}
			for _, r := range s.Requests() {
				path := r.Path
				if strings.Contains(path, "/rulesets/") && !strings.Contains(path, "/phases/") {
					path = "/zones/Z/rulesets/R" + path[strings.LastIndex(path, "/rules"):]
				}
				path = strings.ReplaceAll(path, zid, "Z")
				count[r.Method+" "+path]++
			}
			want := map[string]int{"GET /user/tokens/verify": 1, "GET /zones": 1,
				"GET /zones/Z/rulesets/phases/http_request_cache_settings/entrypoint": 1, "GET /zones/Z/dns_records": 1}
			if exists {
				want["POST /zones/Z/rulesets/R/rules"] = 3
			} else {
				want["POST /zones/Z/rulesets"] = 1
			}
			if fmt.Sprint(count) != fmt.Sprint(want) {
				t.Errorf("requests %v\nwant     %v", count, want)
			}
			if len(s.Rules(zid)) != 3+map[bool]int{true: 1}[exists] {
				t.Errorf("rules: %v", s.Rules(zid))
			}
		})
	}
}

// Rule writes to the entry point go one at a time: Cloudflare limits concurrent updates of
// one ruleset. Each write is held a while at the double: overlapping writes would show.
func TestRuleWritesToTheEntryPointGoOneAtATime(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	allToken(s)
	zid := s.AddZone("example.com")
	s.PutRules(zid, foreignRule("team"))
	var inFlight, most atomic.Int32
	s.OnRequest(func(r *http.Request) (int, bool) {
		if r.Method != http.MethodGet && strings.Contains(r.URL.Path, "/rulesets/") {
			n := inFlight.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(20 * time.Millisecond)
			inFlight.Add(-1)
		}
		return 0, false
	})
	apply(t, s, siteAnswers("www.example.com", "a", "b", "c", "d"))
	if got := len(s.Rules(zid)); got != 5 {
		t.Fatalf("%d rules after apply, want the foreign one and 4 of assetwiz's: %v", got, s.Rules(zid))
	}
	if m := most.Load(); m != 1 {
		t.Errorf("%d rule writes to one ruleset were under way at once; want one at a time", m)
	}
}

// Two sites of one zone whose hosts differ only in '.' against '-' (shop-eu.example.com and
// shop.eu.example.com) would have the same ref for a directory, and a ref is unique within
// a ruleset. The second site's rule takes a ref of its own; neither site's rule changes the
// other's, and both re-plan as nothing to do and verify clean.
func TestSitesWhoseRefsCollideKeepRulesOfTheirOwn(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	allToken(s)
	zid := s.AddZone("example.com")
	first, second := siteAnswers("shop.eu.example.com", "images"), siteAnswers("shop-eu.example.com", "images")
	apply(t, s, first)
	before := s.Rules(zid)
	apply(t, s, second)
	after := s.Rules(zid)
	if len(after) != 2 {
		t.Fatalf("rules after both sites: %v, want one each", after)
	}
	if fmt.Sprint(after[0]) != fmt.Sprint(before[0]) {
		t.Errorf("the second site changed the first's rule:\nbefore %v\nafter  %v", before[0], after[0])
	}
	if after[0]["ref"] == after[1]["ref"] {
		t.Errorf("both rules have ref %v", after[0]["ref"])
	}
	for _, a := range []*steps.Answers{first, second} {
		p, err := Live{Getenv: env(s)}.Plan(context.Background(), a)
		if err != nil {
			t.Fatal(err)
		}
		if p.Changes() {
			t.Errorf("%s: re-plan has changes: %+v", a.WebsiteURL, p.Actions)
		}
		for _, w := range p.Warnings {
			if strings.Contains(w, "no longer asked for") {
				t.Errorf("%s: %s", a.WebsiteURL, w)
			}
		}
		if fails := provision.Failures((Live{Getenv: env(s)}).Verify(context.Background(), a)); len(fails) > 0 {
			t.Errorf("%s: verify: %v", a.WebsiteURL, fails)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/assetwiz/assetwiz/provision/cloudflare/cloudflaretest"
)

// Issue 14, finding 1: the entry point GET answering HTTP 200 with success:false and
// result:null makes plan and apply fail, and no rule of the zone is changed.
func TestCDNFaultyAnswerChangesNothing(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	allCDNToken(s)
	zid := s.AddZone("example.com")
	var foreign []cloudflaretest.Rule
	for _, ref := range []string{"team-a", "team-b", "team-c"} {
		foreign = append(foreign, cloudflaretest.Rule{"ref": ref, "expression": `(http.host eq "` + ref + `.example.com")`,
			"action": "set_cache_settings", "action_parameters": map[string]any{"cache": false}})
	}
	s.PutRules(zid, foreign...)
	before := s.Rules(zid)
	s.OnRequest(func(r *http.Request) (int, bool) {
		// writeError with 200: {"success":false,"errors":[...],"messages":[],"result":null}
		return http.StatusOK, strings.HasSuffix(r.URL.Path, "/entrypoint") && r.Method == http.MethodGet
	})
	r := newCDNRun(t, s, cdnSite("www.example.com", "cache-rules", 86400, "images"))
	s.ResetRequests()
	for _, cmd := range [][]string{{"plan"}, {"apply", "--yes"}} {
		res := r.run(cmd...)
		if res.code != 1 || !strings.Contains(res.stderr, `"success": false`) {
			t.Errorf("%v: exit %d, want 1 naming the faulty answer\n%s%s", cmd, res.code, res.stdout, res.stderr)
		}
	}
	if s.Writes() != 0 {
		t.Errorf("wrote after a faulty answer: %v", s.Requests())
	}
	if got, _ := json.Marshal(s.Rules(zid)); string(got) != mustJSON(t, before) {
		t.Errorf("rules changed:\n%s\nwant\n%s", got, mustJSON(t, before))
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Issue 14, finding 4: a page rule the user made on a target assetwiz wants (not exactly
// assetwiz's actions) is never changed; the plan says there is a conflict and what to do.
func TestCDNForeignPageRuleIsNeverChanged(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	allCDNToken(s)
	zid := s.AddZone("example.org")
	s.SetZonePlan(zid, "pro")
	s.AddPageRule(zid, cloudflaretest.PageRule{
		Targets: []map[string]any{{"target": "url", "constraint": map[string]any{"operator": "matches", "value": "www.example.org/images/*"}}},
		Actions: []map[string]any{{"id": "cache_level", "value": "bypass"}, {"id": "browser_cache_ttl", "value": 14400},
			{"id": "security_level", "value": "high"}},
		Priority: 2,
	})
	theirs := mustJSON(t, s.PageRules(zid))
	r := newCDNRun(t, s, cdnSite("www.example.org", "page-rules", 86400, "images", "media"))
	ops, p := r.plan()
	if want := "noop www.example.org/images/*"; ops[0] != want || ops[1] != "create www.example.org/media/*" {
		t.Errorf("plan: %v", ops)
	}
	if !strings.Contains(p.Actions[0].Detail, "conflict") {
		t.Errorf("detail: %q", p.Actions[0].Detail)
	}
	warnings := strings.Join(p.Warnings, "\n")
	for _, want := range []string{"page rule www.example.org/images/* in zone example.org was not made by assetwiz",
		"cache_level bypass, browser_cache_ttl 14400, security_level high", "delete or change that rule in the dashboard"} {
		if !strings.Contains(warnings, want) {
			t.Errorf("warnings lack %q:\n%s", want, warnings)
		}
	}
	r.mustRun("apply", "--yes")
	after := s.PageRules(zid)
	if len(after) != 2 || mustJSON(t, after[0:1]) != theirs {
		t.Fatalf("the user's page rule changed:\n%s\nwant\n%s", mustJSON(t, after), theirs)
	}
	res := r.run("verify")
	if res.code != 1 || !strings.Contains(res.stdout, "page_rule www.example.org/images/*: conflict") {
		t.Errorf("verify: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	// A rule that is assetwiz's but with another edge TTL is still assetwiz's: an update.
	r.answers(cdnSite("www.example.org", "page-rules", 600, "media"))
	if ops, _ := r.plan(); ops[0] != "update www.example.org/media/*" {
		t.Errorf("plan after edge_ttl change: %v", ops)
	}
}

// Issue 16, item 3: three sites of one zone, each applied; no site's plan warns about the
// others' rules; a site's own rule no longer asked for is still named.
func TestCDNSitesOfOneZoneWarnOnlyAboutTheirOwnRules(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	allCDNToken(s)
	s.AddZone("example.com")
	runs := map[string]*cdnRun{}
	for _, host := range []string{"www.example.com", "slow.example.com", "wide.example.com"} {
		runs[host] = newCDNRun(t, s, cdnSite(host, "cache-rules", 86400, "wp-content/uploads", "images"))
		runs[host].mustRun("apply", "--yes")
	}
	for host, r := range runs {
		if _, p := r.plan(); strings.Contains(strings.Join(p.Warnings, "\n"), "no longer asked for") {
			t.Errorf("%s warns about other sites' rules: %v", host, p.Warnings)
		}
	}
	www := runs["www.example.com"]
	www.answers(cdnSite("www.example.com", "cache-rules", 86400, "wp-content/uploads"))
	_, p := www.plan()
	var stale []string
	for _, w := range p.Warnings {
		if strings.Contains(w, "no longer asked for") {
			stale = append(stale, w)
		}
	}
	if len(stale) != 1 || !strings.Contains(stale[0], refImages) {
		t.Errorf("www's own dropped rule: %v", stale)
	}
}

// Issue 14, finding 11: a trailing newline in CLOUDFLARE_API_TOKEN is dropped; white space
// inside it is bad input naming it, before any request.
func TestCDNTokenWhiteSpace(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	allCDNToken(s)
	s.AddZone("example.com")
	r := newCDNRun(t, s, cdnSite("www.example.com", "cache-rules", 86400, "images"))
	r.env["CLOUDFLARE_API_TOKEN"] = cfToken + "\n"
	r.mustRun("plan")
	r.env["CLOUDFLARE_API_TOKEN"] = "cf-test token"
	s.ResetRequests()
	res := r.run("plan")
	if res.code != 64 || !strings.Contains(res.stderr, "CLOUDFLARE_API_TOKEN") || strings.Contains(res.stderr, "cf-test token") {
		t.Errorf("exit %d\n%s", res.code, res.stderr)
	}
	if n := len(s.Requests()); n != 0 {
		t.Errorf("%d requests with a bad token", n)
	}
}

// Issue 14, finding 8: a zone listing that never ends is cut short by an interruption
// (Ctrl-C and SIGTERM cancel the run's context): exit 130, no page asked after it.
func TestCDNEndlessZoneListingInterrupted(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	allCDNToken(s)
	s.EndlessZones()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var pages atomic.Int32
	s.OnRequest(func(r *http.Request) (int, bool) {
		if r.URL.Path == "/client/v4/zones" && pages.Add(1) == 5 {
			cancel()
		}
		return 0, false
	})
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), cdnSite("www.example.com", "cache-rules", 86400, "images"))
	var stdout, stderr bytes.Buffer
	env := map[string]string{"CLOUDFLARE_API_TOKEN": cfToken, "CLOUDFLARE_BASE_URL": s.URL()}
	code := Main(ctx, []string{"plan"}, Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return env[k] }, Dir: dir})
	if code != exitInterrupted {
		t.Errorf("exit %d, want %d\n%s%s", code, exitInterrupted, stdout.String(), stderr.String())
	}
	if n := pages.Load(); n != 5 {
		t.Errorf("%d zone pages asked, want 5", n)
	}
}

// Without an interruption, the endless listing ends at the page cap with an error naming
// cdn.zone, and with cdn.zone the lookup is one page.
func TestCDNEndlessZoneListingCapped(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	allCDNToken(s)
	s.EndlessZones()
	r := newCDNRun(t, s, cdnSite("www.example.com", "cache-rules", 86400, "images"))
	res := r.run("plan")
	if res.code != 1 || !strings.Contains(res.stderr, "more than 100 pages of zones; set cdn.zone") {
		t.Errorf("exit %d\n%s", res.code, res.stderr)
	}
}

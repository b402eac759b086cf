package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/assetwiz/assetwiz/provision/cloudflare/cloudflaretest"
	"github.com/assetwiz/assetwiz/provision/faultproxy"
)

// tenDirectoriesCDN is a 10-directory site with Cloudflare in front.
func tenDirectoriesCDN(method string) string {
	dirs := make([]string, 10)
	for i := range dirs {
		dirs[i] = fmt.Sprintf("wp-content/uploads/part%02d", i)
	}
	return cdnSite("www.example.com", method, 86400, dirs...)
}

// cdnEndState is what apply leaves in the zone: the cache rules in order, or the page
// rules by target, without the ids and timestamps each server assigns. assetwiz's own cache
// rules are added in parallel, so they are compared in ref order within the places they
// hold (they all carry the same settings, so their order among themselves does not matter);
// every other rule keeps its exact place.
func cdnEndState(t *testing.T, s *cloudflaretest.Server, zid string) string {
	t.Helper()
	var lines, ours []string
	var slots []int
	for _, r := range s.Rules(zid) {
		for _, k := range []string{"id", "version", "last_updated"} {
			delete(r, k)
		}
		b, _ := json.Marshal(r)
		if ref, _ := r["ref"].(string); strings.HasPrefix(ref, "assetwiz-") {
			slots = append(slots, len(lines))
			ours = append(ours, "cache_rule "+string(b))
		}
		lines = append(lines, "cache_rule "+string(b))
	}
	slices.Sort(ours)
	for i, at := range slots {
		lines[at] = ours[i]
	}
	var pages []string
	for _, p := range s.PageRules(zid) {
		b, _ := json.Marshal(map[string]any{"targets": p.Targets, "actions": p.Actions, "status": p.Status, "priority": p.Priority})
		pages = append(pages, "page_rule "+string(b))
	}
	slices.Sort(pages) // page rules of equal priority have no order of their own
	return strings.Join(append(lines, pages...), "\n")
}

// cdnZone starts a double with the zone of www.example.com on the pro plan (20 page rules)
// and a foreign cache rule, behind a fault proxy at rate.
func cdnZone(t *testing.T, rate float64, seed uint64) (*cloudflaretest.Server, *faultproxy.Proxy, string) {
	s := cloudflaretest.New(t)
	allCDNToken(s)
	zid := s.AddZone("example.com")
	s.SetZonePlan(zid, "pro")
	s.PutRules(zid, cloudflaretest.Rule{"ref": "team-bypass-api", "expression": `(http.host eq "api.example.com")`,
		"action": "set_cache_settings", "action_parameters": map[string]any{"cache": false}})
	proxy := faultproxy.New(t, strings.TrimSuffix(s.URL(), "/client/v4"), faultproxy.Options{
		Rate: rate, Seed: seed,
		Faults: []faultproxy.Fault{faultproxy.TooMany, faultproxy.Unavailable, faultproxy.Reset, faultproxy.ResetAfter},
	})
	return s, proxy, zid
}

// With a fifth of the requests to Cloudflare failing (429, 503, resets before and after
// the request is carried out), apply of a 10-directory site converges to the fault-free
// rules, with no rule made twice, and a second plan is all noop.
func TestCDNApplyConvergesThroughFaults(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("fault injection takes a few seconds")
	}
	for _, method := range []string{"cache-rules", "page-rules"} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			clean, cleanProxy, cleanZone := cdnZone(t, 0, 0)
			r := newCDNRun(t, clean, tenDirectoriesCDN(method))
			r.env["CLOUDFLARE_BASE_URL"] = cleanProxy.URL() + "/client/v4"
			r.mustRun("apply", "--yes")
			want := cdnEndState(t, clean, cleanZone)
			if n := strings.Count(want, "\n") + 1; n != 11 {
				t.Fatalf("fault-free apply left %d rules, want 10 and the foreign one:\n%s", n, want)
			}
			// A cache-rules apply is a handful of requests (one PUT for all), so it takes
			// more seeds to meet every kind of fault.
			seeds := map[string]uint64{"cache-rules": 12, "page-rules": 4}[method]
			all := map[faultproxy.Fault]int{}
			var mu sync.Mutex
			// The seeds run in parallel (each its own double and proxy); the group returns
			// once all of them have, so the totals below are whole.
			t.Run("seeds", func(t *testing.T) {
				for seed := uint64(1); seed <= seeds; seed++ {
					t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
						t.Parallel()
						injected := convergeCDNThroughFaults(t, method, seed, want)
						mu.Lock()
						defer mu.Unlock()
						for f, n := range injected {
							all[f] += n
						}
					})
				}
			})
			t.Logf("faults injected over %d seeds: %v", seeds, all)
			if len(all) < 4 {
				t.Errorf("only %v faults injected over all seeds: the test proved little", all)
			}
		})
	}
}

func convergeCDNThroughFaults(t *testing.T, method string, seed uint64, want string) map[faultproxy.Fault]int {
	s, proxy, zid := cdnZone(t, 0.2, seed)
	r := newCDNRun(t, s, tenDirectoriesCDN(method))
	r.env["CLOUDFLARE_BASE_URL"] = proxy.URL() + "/client/v4"
	runs := 0
	for ; runs < 3; runs++ {
		res := r.run("apply", "--yes", "--progress=plain")
		if res.code == 0 {
			break
		}
		t.Logf("apply run %d: exit %d\n%s", runs+1, res.code, res.stderr)
	}
	if runs == 3 {
		t.Fatal("apply did not converge in 3 runs with 20% faults")
	}
	injected := proxy.Injected()
	t.Logf("converged in %d run(s); %d requests, faults injected: %v", runs+1, proxy.Requests(), injected)
	if got := cdnEndState(t, s, zid); got != want {
		t.Fatalf("rules with faults differ from the fault-free ones:\n%s\nwant:\n%s", got, want)
	}
	proxy.SetRate(0)
	s.ResetRequests()
	if res := r.run("plan", "--detailed-exitcode"); res.code != 0 {
		t.Fatalf("second plan: exit %d, want 0 (all noop)\n%s%s", res.code, res.stdout, res.stderr)
	}
	if s.Writes() != 0 {
		t.Fatalf("the second plan wrote %d times", s.Writes())
	}
	return injected
}

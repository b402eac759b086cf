package cloudflare

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/cloudflare/cloudflaretest"
	"github.com/assetwiz/assetwiz/steps"
)

func pluginAnswers() *steps.Answers {
	a := &steps.Answers{Mode: steps.ModeVirgin, Application: "wordpress", WebsiteURL: "www.example.com", Technique: steps.TechniquePlugin,
		Storage: steps.Storage{Provider: "aws", Region: "eu-west-1"}, CDN: steps.CDN{Provider: steps.CDNCloudflare}}
	a.Complete()
	return a
}

// loseFirstAnswers forwards every request to the double, but answers the first write of each
// path prefix listed with 502 after the double has carried it out: the answer was lost.
func loseFirstAnswers(t *testing.T, s *cloudflaretest.Server, prefixes ...string) (string, func() int) {
	var mu sync.Mutex
	lost := map[string]bool{}
	target := strings.TrimSuffix(s.URL(), "/client/v4")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.RequestURI(), bytes.NewReader(body))
		req.Header = r.Header.Clone()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		mu.Lock()
		drop := ""
		if r.Method != http.MethodGet {
			for _, p := range prefixes {
				if strings.Contains(r.URL.Path, p) && !lost[p] {
					lost[p], drop = true, p
				}
			}
		}
		mu.Unlock()
		if drop != "" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadGateway)
			io.WriteString(w, `{"success":false,"errors":[{"code":502,"message":"bad gateway"}],"messages":[],"result":null}`)
			return
		}
		for k, v := range res.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(res.StatusCode)
		w.Write(out)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/client/v4", func() int { mu.Lock(); defer mu.Unlock(); return len(lost) }
}

// A write whose answer was lost is retried by reading first: the CDN host ends with one
// record, one origin rule and one cache rule, never two.
func TestCDNHostLostAnswersMakeNothingTwice(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	s.AddToken(token, cloudflaretest.PermZoneRead, cloudflaretest.PermCacheRulesEdit, cloudflaretest.PermDNSEdit, cloudflaretest.PermOriginRulesEdit)
	zid := s.AddZone("example.com")
	s.SetZonePlan(zid, "enterprise")
	base, lost := loseFirstAnswers(t, s, "/dns_records", "/rulesets")
	getenv := func(k string) string { return map[string]string{EnvToken: token, EnvBaseURL: base}[k] }
	a := pluginAnswers()
	p, err := Live{Getenv: getenv}.Plan(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if res := provision.Apply(context.Background(), p, provision.ApplyOptions{}); res.Err() != nil {
		t.Fatalf("apply: %v", res.Err())
	}
	if lost() != 2 {
		t.Fatalf("%d answers lost, want 2: the test proved little", lost())
	}
	recs, origin, cache := s.DNSRecords(zid), s.PhaseRules(zid, phaseOrigin), s.Rules(zid)
	if len(recs) != 1 || len(origin) != 1 || len(cache) != 1 {
		t.Fatalf("records %+v\norigin rules %v\ncache rules %v", recs, origin, cache)
	}
	if recs[0].Content != "www-example-com-assets-wp-content-uploads.s3.eu-west-1.amazonaws.com" {
		t.Errorf("record target %q: not AWS's virtual host of the bucket", recs[0].Content)
	}
	if fails := provision.Failures((Live{Getenv: getenv}).Verify(context.Background(), pluginAnswers())); len(fails) != 0 {
		t.Errorf("verify: %v", fails)
	}
}

// A record someone makes on cdn.host between the plan and the apply is never overwritten: the
// apply fails on it, naming it, and leaves it.
func TestCDNHostRecordMadeMeanwhileIsKept(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	s.AddToken(token, cloudflaretest.PermZoneRead, cloudflaretest.PermCacheRulesEdit, cloudflaretest.PermDNSEdit, cloudflaretest.PermOriginRulesEdit)
	zid := s.AddZone("example.com")
	s.SetZonePlan(zid, "enterprise")
	p, err := Live{Getenv: env(s)}.Plan(context.Background(), pluginAnswers())
	if err != nil {
		t.Fatal(err)
	}
	s.AddDNSRecord(zid, cloudflaretest.DNSRecord{Name: "www-assets.example.com", Type: "CNAME", Content: "elsewhere.example.net", Proxied: true})
	res := provision.Apply(context.Background(), p, provision.ApplyOptions{})
	if res.Err() == nil || !strings.Contains(res.Err().Error(), "www-assets.example.com") {
		t.Errorf("apply: %v", res.Err())
	}
	if recs := s.DNSRecords(zid); len(recs) != 1 || recs[0].Content != "elsewhere.example.net" {
		t.Errorf("records: %+v", recs)
	}
}

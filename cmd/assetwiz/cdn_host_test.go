package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/provision/cloudflare/cloudflaretest"
	"github.com/assetwiz/assetwiz/provision/faultproxy"
)

// The CDN host in front of the plugin's bucket (issue 28), through the real cloudflare-go v7
// SDK against the schema-held double, and the real S3 SDK against versitygw.

const (
	cdnHost    = "www-assets.example.com"
	cdnBucket  = "www-example-com-assets-wp-content-uploads"
	cdnOrigin  = cdnBucket + ".ams3.digitaloceanspaces.com"
	cdnHostRef = "assetwiz-cdn-www-assets-example-com"
)

func pluginCDNSite(extra string) string {
	return "mode: virgin\napplication: wordpress\nwebsite_url: www.example.com\ntechnique: plugin\n" +
		"storage:\n  provider: digitalocean\n  region: ams3\ncdn:\n  provider: cloudflare\n" + extra
}

// cdnHostDouble is a Cloudflare double with zone example.com on plan and a token allowed
// everything the CDN host needs.
func cdnHostDouble(t *testing.T, plan string) (*cloudflaretest.Server, string) {
	s := cloudflaretest.New(t)
	s.AddToken(cfToken, cloudflaretest.PermZoneRead, cloudflaretest.PermCacheRulesEdit, cloudflaretest.PermDNSEdit,
		cloudflaretest.PermOriginRulesEdit)
	zid := s.AddZone("example.com")
	s.SetZonePlan(zid, plan)
	return s, zid
}

func cdnHostRun(t *testing.T, s *cloudflaretest.Server, srv *s3test.Server, answers string) *cdnRun {
	r := newCDNRun(t, s, answers)
	r.env["S3_ACCESS_KEY"], r.env["S3_SECRET_KEY"] = srv.AccessKey, srv.SecretKey
	r.env["AWS_ENDPOINT_URL_S3"] = srv.Endpoint
	return r
}

// actionsOf is "resource op id" of each action of a plan or apply --json, and their details.
func actionsOf(t *testing.T, out string) (map[string]string, []string) {
	t.Helper()
	var p struct {
		Actions []struct {
			Resource, ID, Op, Detail, Status string
		} `json:"actions"`
		Warnings []string `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	got := map[string]string{}
	for _, a := range p.Actions {
		if a.Resource == "file" || strings.HasPrefix(a.Resource, "bucket") {
			continue
		}
		got[a.Resource+" "+a.ID] = a.Op + "|" + a.Status + "|" + a.Detail
	}
	return got, p.Warnings
}

func TestCDNHostInFrontOfThePluginBucket(t *testing.T) {
	t.Parallel()
	srv := s3test.StartRegion(t, "ams3")
	s, zid := cdnHostDouble(t, "enterprise")
	r := cdnHostRun(t, s, srv, pluginCDNSite(""))

	got, warnings := actionsOf(t, r.mustRun("plan", "--json").stdout)
	if len(got) != 3 || !strings.HasPrefix(got["dns_record "+cdnHost], "create||CNAME "+cdnHost+" → "+cdnOrigin+", proxied") ||
		!strings.HasPrefix(got["origin_rule "+cdnHostRef], "create||route, Host header "+cdnOrigin) ||
		!strings.Contains(got["cache_rule "+cdnHostRef], `(http.host eq "`+cdnHost+`")`) {
		t.Fatalf("first plan: %v", got)
	}
	if w := strings.Join(warnings, "\n"); !strings.Contains(w, "no Cloudflare rule on www.example.com for wp-content/uploads: the plugin links every upload to https://"+cdnHost+"/") {
		t.Errorf("the plan does not say why the site's host gets no rule: %v", warnings)
	}
	text := r.mustRun("plan").stdout
	for _, want := range []string{"dns_record", cdnHost, "origin_rule", cdnHostRef} {
		if !strings.Contains(text, want) {
			t.Errorf("plan text lacks %q:\n%s", want, text)
		}
	}
	if s.Writes() != 0 {
		t.Fatalf("plan wrote %d times", s.Writes())
	}

	applied, _ := actionsOf(t, r.mustRun("apply", "--yes", "--json").stdout)
	for id, v := range applied {
		if !strings.HasPrefix(v, "create|done|") {
			t.Errorf("apply --json: %s is %s", id, v)
		}
	}
	recs := s.DNSRecords(zid)
	if len(recs) != 1 || recs[0].Name != cdnHost || recs[0].Type != "CNAME" || recs[0].Content != cdnOrigin || !recs[0].Proxied ||
		!strings.HasPrefix(recs[0].Comment, "assetwiz: ") {
		t.Fatalf("DNS records after apply: %+v", recs)
	}
	origin := s.PhaseRules(zid, "http_request_origin")
	if len(origin) != 1 || origin[0]["action"] != "route" || origin[0]["expression"] != `(http.host eq "`+cdnHost+`")` ||
		origin[0]["action_parameters"].(map[string]any)["host_header"] != cdnOrigin {
		t.Fatalf("origin rules after apply: %v", origin)
	}
	cache := s.Rules(zid)
	if len(cache) != 1 || cache[0]["expression"] != `(http.host eq "`+cdnHost+`")` || cache[0]["action"] != "set_cache_settings" {
		t.Fatalf("cache rules after apply: %v", cache)
	}
	cfg, err := os.ReadFile(filepath.Join(r.dir, "assetwiz-out", "plugin", "wp-config-offload-media.php"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"'delivery-domain' => '" + cdnHost + "'", "'enable-delivery-domain' => true", "'delivery-provider' => 'other'", "'force-https' => true"} {
		if !strings.Contains(string(cfg), want) {
			t.Errorf("the plugin settings lack %s:\n%s", want, cfg)
		}
	}
	// The bucket answers the site's pages (CORS) for what the CDN host serves from it.
	cors, err := srv.Client(t).GetBucketCors(context.Background(), &s3.GetBucketCorsInput{Bucket: aws.String(cdnBucket)})
	if err != nil || len(cors.CORSRules) == 0 || cors.CORSRules[0].AllowedOrigins[0] != "https://www.example.com" {
		t.Errorf("bucket CORS: %v %+v", err, cors)
	}

	r.mustRun("verify")
	s.ResetRequests()
	if res := r.run("plan", "--detailed-exitcode"); res.code != 0 {
		t.Errorf("second plan: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	again, _ := actionsOf(t, r.mustRun("apply", "--yes", "--json").stdout)
	for id, v := range again {
		if !strings.HasPrefix(v, "noop|") {
			t.Errorf("second apply: %s is %s", id, v)
		}
	}
	if s.Writes() != 0 {
		t.Errorf("a re-plan and re-apply wrote: %v", s.Requests())
	}

	// A record someone grey-clouded is planned as an update, verify names it.
	s.ResetRequests()
	s.OnRequest(nil)
	rec := recs[0]
	rec.Proxied = false
	s.DeleteDNSRecordForTest(zid, rec.ID)
	s.AddDNSRecord(zid, rec)
	res := r.run("verify")
	if res.code != 1 || !strings.Contains(res.stdout, "dns_record "+cdnHost+": not as planned: not proxied") {
		t.Errorf("verify of a grey-clouded record: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if got, _ := actionsOf(t, r.mustRun("plan", "--json").stdout); !strings.HasPrefix(got["dns_record "+cdnHost], "update||") {
		t.Errorf("plan with a grey-clouded record: %v", got)
	}
}

// A record on cdn.host that assetwiz did not make is never changed: the plan says so and
// what to do, apply leaves it, verify reports it.
func TestCDNHostForeignRecordIsAConflict(t *testing.T) {
	t.Parallel()
	srv := s3test.StartRegion(t, "ams3")
	s, zid := cdnHostDouble(t, "enterprise")
	s.AddDNSRecord(zid, cloudflaretest.DNSRecord{Name: cdnHost, Type: "A", Content: "192.0.2.10", Proxied: true})
	before := s.DNSRecords(zid)
	r := cdnHostRun(t, s, srv, pluginCDNSite(""))
	got, warnings := actionsOf(t, r.mustRun("plan", "--json").stdout)
	if !strings.HasPrefix(got["dns_record "+cdnHost], "noop||") || !strings.Contains(got["dns_record "+cdnHost], "conflict") {
		t.Errorf("plan: %v", got)
	}
	if w := strings.Join(warnings, "\n"); !strings.Contains(w, "assetwiz did not make (A 192.0.2.10)") || !strings.Contains(w, "delete them in the dashboard and re-run, or set cdn.host") {
		t.Errorf("warnings: %v", warnings)
	}
	r.mustRun("apply", "--yes")
	if after := s.DNSRecords(zid); len(after) != 1 || after[0] != before[0] {
		t.Fatalf("the foreign record changed: %+v", after)
	}
	if res := r.run("verify"); res.code != 1 || !strings.Contains(res.stdout, "dns_record "+cdnHost+": conflict") {
		t.Errorf("verify: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// A zone whose plan cannot override the Host header: a clear error naming the setting and the
// plan, and nothing written anywhere (no record, no rule, no bucket, no file).
func TestCDNHostRefusedByTheZonePlan(t *testing.T) {
	t.Parallel()
	srv := s3test.StartRegion(t, "ams3")
	s, zid := cdnHostDouble(t, "pro")
	r := cdnHostRun(t, s, srv, pluginCDNSite(""))
	for _, cmd := range [][]string{{"plan"}, {"apply", "--yes"}} {
		res := r.run(cmd...)
		if res.code != 1 || !strings.Contains(res.stderr, "action_parameters.host_header") || !strings.Contains(res.stderr, "pro plan") {
			t.Errorf("%v: exit %d\n%s%s", cmd, res.code, res.stdout, res.stderr)
		}
	}
	if s.Writes() != 0 || len(s.DNSRecords(zid)) != 0 {
		t.Errorf("wrote to Cloudflare: %v", s.Requests())
	}
	if list, err := srv.Client(t).ListBuckets(context.Background(), &s3.ListBucketsInput{}); err != nil || len(list.Buckets) != 0 {
		t.Errorf("buckets: %v %+v", err, list)
	}
	if names := listDir(t, r.dir); len(names) != 1 {
		t.Errorf("files written: %v", names)
	}
}

// A provider that serves buckets by path only gets no CDN host: bad input naming cdn.host.
func TestCDNHostPathStyleOnlyIsBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), "mode: virgin\napplication: wordpress\nwebsite_url: www.example.com\ntechnique: plugin\n"+
		"storage:\n  provider: custom\n  endpoint: s3.example.net\ncdn:\n  provider: cloudflare\n")
	res := runCLI(t, dir, nil, "plan", "--offline")
	if res.code != 64 || !strings.Contains(res.stderr, "cdn.host") || !strings.Contains(res.stderr, "path only") {
		t.Errorf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), pluginCDNSite("  host: www.example.com\n"))
	if res := runCLI(t, dir, nil, "plan", "--offline"); res.code != 64 || !strings.Contains(res.stderr, "cdn.host") {
		t.Errorf("cdn.host on the site itself: exit %d\n%s", res.code, res.stderr)
	}
}

// For s3fs and efs nothing changes: rules on the site's host per directory, no CDN host.
func TestCDNHostNotForMountedDirectories(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), "mode: temporal\napplication: wordpress\nwebsite_url: www.example.com\ntechnique: s3fs\n"+
		"storage:\n  provider: digitalocean\n  region: ams3\ncdn:\n  provider: cloudflare\n")
	got, _ := actionsOf(t, runCLI(t, dir, nil, "plan", "--offline", "--json").stdout)
	want := "cache_rule assetwiz-www-example-com-assets-wp-content-uploads"
	if len(got) != 1 || !strings.Contains(got[want], `(http.host eq "www.example.com" and starts_with(http.request.uri.path, "/wp-content/uploads/"))`) {
		t.Errorf("s3fs plan: %v", got)
	}
}

// Offline, the CDN host follows the answers: cdn.zone when given, a deeper name warned about,
// the guessed zone said.
func TestCDNHostOfflineDefaults(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct{ extra, host, warn string }{
		{"", cdnHost, "guessed from website_url"},
		{"  zone: example.com\n", cdnHost, ""},
		{"  zone: example.com\n  host: img.cdn.example.com\n", "img.cdn.example.com", "more than one level below zone example.com"},
	} {
		writeFile(t, filepath.Join(dir, "assetwiz.yaml"), pluginCDNSite(tc.extra))
		res := runCLI(t, dir, nil, "plan", "--offline", "--json")
		got, warnings := actionsOf(t, res.stdout)
		if _, ok := got["dns_record "+tc.host]; !ok {
			t.Errorf("%q: %v", tc.extra, got)
		}
		w := strings.Join(warnings, "\n")
		if tc.warn != "" && !strings.Contains(w, tc.warn) || tc.warn == "" && strings.Contains(w, "guessed") {
			t.Errorf("%q: warnings %v", tc.extra, warnings)
		}
	}
}

// With a third of the requests to Cloudflare failing (429, 503, resets before and after the
// request is carried out), apply of a plugin site converges to one record, one origin rule
// and one cache rule: a create whose answer was lost is found on the retry, never made twice.
func TestCDNHostConvergesThroughFaults(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("fault injection takes a few seconds")
	}
	all := map[faultproxy.Fault]int{}
	var mu sync.Mutex
	// The seeds run in parallel (each its own servers); the group returns once all have.
	t.Run("seeds", func(t *testing.T) {
		for seed := uint64(1); seed <= 6; seed++ {
			t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
				t.Parallel()
				srv := s3test.StartRegion(t, "ams3")
				s, zid := cdnHostDouble(t, "enterprise")
				proxy := faultproxy.New(t, strings.TrimSuffix(s.URL(), "/client/v4"), faultproxy.Options{
					Rate: 0.3, Seed: seed,
					Faults: []faultproxy.Fault{faultproxy.TooMany, faultproxy.Unavailable, faultproxy.Reset, faultproxy.ResetAfter},
				})
				r := cdnHostRun(t, s, srv, pluginCDNSite(""))
				r.env["CLOUDFLARE_BASE_URL"] = proxy.URL() + "/client/v4"
				runs := 0
				for ; runs < 4 && r.run("apply", "--yes").code != 0; runs++ {
				}
				if runs == 4 {
					t.Fatal("apply did not converge in 4 runs with 30% faults")
				}
				mu.Lock()
				for f, n := range proxy.Injected() {
					all[f] += n
				}
				mu.Unlock()
				if recs, origin, cache := s.DNSRecords(zid), s.PhaseRules(zid, "http_request_origin"), s.Rules(zid); len(recs) != 1 || len(origin) != 1 || len(cache) != 1 {
					t.Fatalf("after apply through faults: records %+v, origin rules %v, cache rules %v", recs, origin, cache)
				}
				proxy.SetRate(0)
				s.ResetRequests()
				if res := r.run("plan", "--detailed-exitcode"); res.code != 0 || s.Writes() != 0 {
					t.Fatalf("second plan: exit %d, %d writes\n%s%s", res.code, s.Writes(), res.stdout, res.stderr)
				}
			})
		}
	})
	t.Logf("faults injected: %v", all)
	if all[faultproxy.ResetAfter] == 0 {
		t.Errorf("no answer was lost after a write over all seeds (%v): the test proved little", all)
	}
}

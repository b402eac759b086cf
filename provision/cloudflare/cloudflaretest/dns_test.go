package cloudflaretest_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/cloudflare/cloudflare-go/v7"
	"github.com/cloudflare/cloudflare-go/v7/dns"
	"github.com/cloudflare/cloudflare-go/v7/rulesets"

	"github.com/assetwiz/assetwiz/provision/cloudflare/cloudflaretest"
)

// cnameOf is a proxied CNAME as the SDK sends it.
func cnameOf(name, target, comment string) dns.CNAMERecordParam {
	return dns.CNAMERecordParam{Name: cloudflare.F(name), Type: cloudflare.F(dns.CNAMERecordTypeCNAME),
		Content: cloudflare.F(target), Proxied: cloudflare.F(true), TTL: cloudflare.F(dns.TTL1), Comment: cloudflare.F(comment)}
}

// TestDNSRecordsThroughTheSDK: the record operations, through cloudflare-go v7 and held to the
// schema both ways (a schema violation fails the test through t.Errorf).
func TestDNSRecordsThroughTheSDK(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	s.AddToken(tok, cloudflaretest.PermZoneRead, cloudflaretest.PermDNSEdit)
	zid := s.AddZone("example.com")
	c := client(s, tok)
	ctx := context.Background()
	rec, err := c.DNS.Records.New(ctx, dns.RecordNewParams{ZoneID: cloudflare.F(zid),
		Body: cnameOf("www-assets.example.com", "bucket.ams3.digitaloceanspaces.com", "assetwiz: test")})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Name != "www-assets.example.com" || rec.Content != "bucket.ams3.digitaloceanspaces.com" || !rec.Proxied || rec.Comment != "assetwiz: test" {
		t.Fatalf("created %+v", rec)
	}
	list, err := c.DNS.Records.List(ctx, dns.RecordListParams{ZoneID: cloudflare.F(zid), Name: cloudflare.F(dns.RecordListParamsName{Exact: cloudflare.F("www-assets.example.com")})})
	if err != nil || len(list.Result) != 1 || list.Result[0].ID != rec.ID {
		t.Fatalf("list: %v %+v", err, list)
	}
	edited, err := c.DNS.Records.Edit(ctx, rec.ID, dns.RecordEditParams{ZoneID: cloudflare.F(zid),
		Body: cnameOf("www-assets.example.com", "bucket.fra1.digitaloceanspaces.com", "assetwiz: test")})
	if err != nil || edited.Content != "bucket.fra1.digitaloceanspaces.com" {
		t.Fatalf("edit: %v %+v", err, edited)
	}
	if got, err := c.DNS.Records.Get(ctx, rec.ID, dns.RecordGetParams{ZoneID: cloudflare.F(zid)}); err != nil || got.Content != edited.Content {
		t.Fatalf("get: %v %+v", err, got)
	}
	if _, err := c.DNS.Records.Delete(ctx, rec.ID, dns.RecordDeleteParams{ZoneID: cloudflare.F(zid)}); err != nil {
		t.Fatal(err)
	}
	if n := len(s.DNSRecords(zid)); n != 0 {
		t.Fatalf("%d records after delete", n)
	}
	_, err = c.DNS.Records.Get(ctx, rec.ID, dns.RecordGetParams{ZoneID: cloudflare.F(zid)})
	apiErr(t, err, http.StatusNotFound)
}

// TestDNSRecordsRefuseWhatCloudflareRefuses: a CNAME beside an A of the same name, a CNAME to
// an address, a proxied TXT; and a token without DNS edit.
func TestDNSRecordsRefuseWhatCloudflareRefuses(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	s.AddToken(tok, cloudflaretest.PermZoneRead, cloudflaretest.PermDNSEdit)
	s.AddToken("read-only", cloudflaretest.PermZoneRead, cloudflaretest.PermDNSRead)
	zid := s.AddZone("example.com")
	s.AddDNSRecord(zid, cloudflaretest.DNSRecord{Name: "taken.example.com", Type: "A", Proxied: true})
	c := client(s, tok)
	ctx := context.Background()
	_, err := c.DNS.Records.New(ctx, dns.RecordNewParams{ZoneID: cloudflare.F(zid), Body: cnameOf("taken.example.com", "b.s3.eu-west-1.amazonaws.com", "")})
	if e := apiErr(t, err, http.StatusBadRequest); code(e) != 81053 {
		t.Errorf("CNAME beside an A: code %d", code(e))
	}
	_, err = c.DNS.Records.New(ctx, dns.RecordNewParams{ZoneID: cloudflare.F(zid), Body: cnameOf("x.example.com", "192.0.2.7", "")})
	apiErr(t, err, http.StatusBadRequest)
	_, err = c.DNS.Records.New(ctx, dns.RecordNewParams{ZoneID: cloudflare.F(zid), Body: dns.TXTRecordParam{Name: cloudflare.F("t.example.com"),
		Type: cloudflare.F(dns.TXTRecordTypeTXT), Content: cloudflare.F(`"v=1"`), Proxied: cloudflare.F(true), TTL: cloudflare.F(dns.TTL1)}})
	if e := apiErr(t, err, http.StatusBadRequest); code(e) != 9041 {
		t.Errorf("proxied TXT: code %d", code(e))
	}
	_, err = client(s, "read-only").DNS.Records.New(ctx, dns.RecordNewParams{ZoneID: cloudflare.F(zid), Body: cnameOf("y.example.com", "b.s3.eu-west-1.amazonaws.com", "")})
	apiErr(t, err, http.StatusForbidden)
	if n := len(s.DNSRecords(zid)); n != 1 {
		t.Errorf("refused writes left %d records", n)
	}
}

// TestDNSRecordSchemaBites: a record body the schema refuses (a CNAME without content) is
// reported as a schema violation and answered 400.
func TestDNSRecordSchemaBites(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var reports []string
	s := cloudflaretest.New(t, cloudflaretest.WithReporter(func(msg string) { mu.Lock(); reports = append(reports, msg); mu.Unlock() }))
	s.AddToken(tok, cloudflaretest.PermZoneRead, cloudflaretest.PermDNSEdit)
	zid := s.AddZone("example.com")
	req, _ := http.NewRequest("POST", s.URL()+"/zones/"+zid+"/dns_records", strings.NewReader(`{"type":"CNAME","name":"a.example.com","proxied":"yes"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	mu.Lock()
	defer mu.Unlock()
	if resp.StatusCode != 400 || len(reports) != 1 || !strings.Contains(reports[0], "dns-records-for-a-zone-create-dns-record") {
		t.Errorf("status %d, reports %v", resp.StatusCode, reports)
	}
}

// TestOriginRuleHostHeaderNeedsEnterprise: an origin rule with host_header is refused, naming
// the setting and the plan, on every plan but Enterprise; it needs Origin Rules edit.
func TestOriginRuleHostHeaderNeedsEnterprise(t *testing.T) {
	t.Parallel()
	s := cloudflaretest.New(t)
	s.AddToken(tok, cloudflaretest.PermZoneRead, cloudflaretest.PermOriginRulesEdit)
	s.AddToken("cache-only", cloudflaretest.PermZoneRead, cloudflaretest.PermCacheRulesEdit)
	zid := s.AddZone("example.com")
	ctx := context.Background()
	put := func(token string) error {
		_, err := client(s, token).Rulesets.Phases.Update(ctx, rulesets.PhaseHTTPRequestOrigin, rulesets.PhaseUpdateParams{
			ZoneID: cloudflare.F(zid),
			Rules: cloudflare.F([]rulesets.PhaseUpdateParamsRuleUnion{rulesets.RouteRuleParam{
				Action:           cloudflare.F(rulesets.RouteRuleActionRoute),
				Expression:       cloudflare.F(`(http.host eq "www-assets.example.com")`),
				Ref:              cloudflare.F("assetwiz-cdn-www-assets-example-com"),
				ActionParameters: cloudflare.F(rulesets.RouteRuleActionParametersParam{HostHeader: cloudflare.F("b.ams3.digitaloceanspaces.com")}),
			}}),
		})
		return err
	}
	for _, plan := range []string{"free", "pro", "business"} {
		s.SetZonePlan(zid, plan)
		e := apiErr(t, put(tok), http.StatusBadRequest)
		if len(e.Errors) == 0 || !strings.Contains(e.Errors[0].Message, "host_header") || !strings.Contains(e.Errors[0].Message, plan) {
			t.Errorf("%s plan: %v", plan, e.Errors)
		}
	}
	s.SetZonePlan(zid, "enterprise")
	apiErr(t, put("cache-only"), http.StatusForbidden)
	if err := put(tok); err != nil {
		t.Fatal(err)
	}
	rules := s.PhaseRules(zid, "http_request_origin")
	if len(rules) != 1 || rules[0]["action"] != "route" || rules[0]["action_parameters"].(map[string]any)["host_header"] != "b.ams3.digitaloceanspaces.com" {
		t.Errorf("origin rules: %v", rules)
	}
}

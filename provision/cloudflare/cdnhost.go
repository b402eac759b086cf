package cloudflare

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cloudflare/cloudflare-go/v7/dns"
	"github.com/cloudflare/cloudflare-go/v7/option"
	"github.com/cloudflare/cloudflare-go/v7/rulesets"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// The CDN host in front of the bucket (technique plugin; CONTRACT.md "CDN in front of the
// bucket"): the plugin links every upload to the bucket, so rules on website_url never see
// them. Instead, cdn.host gets
//   - a proxied CNAME to the bucket's own host (virtual-host addressing),
//   - an origin rule that sends the bucket's host as the Host header (the provider picks the
//     bucket by it; Cloudflare would send cdn.host otherwise),
//   - a cache rule for the whole host.
// The plugin's one bucket is served: every plugin snippet names the first directory's bucket.

// Token permissions the CDN host needs besides Zone Read and Cache Rules Edit.
const (
	PermDNSEdit     = "Zone > DNS > Edit"
	PermOriginRules = "Zone > Origin Rules > Edit"
)

// phaseOrigin is the phase of the origin rules' entry point.
const phaseOrigin = string(rulesets.PhaseHTTPRequestOrigin)

var originKind = ruleKind{rulesets.PhaseHTTPRequestOrigin, "origin rule", "Origin rules", PermOriginRules, originRuleBody, originRuleDiff}

// recordMark starts the comment of the DNS record assetwiz makes: a record without it on
// cdn.host is someone else's, never changed.
const recordMark = "assetwiz: "

// enterpriseOnly are the origin rule settings only the Enterprise plan may use
// (developers.cloudflare.com/rules/origin-rules "Availability": Override Host header, SNI and
// DNS records Enterprise only; destination port every plan). assetwiz sets host_header.
var enterpriseOnly = map[string]string{"host_header": "Override Host header"}

// cdnTarget is the CDN host and what it fronts.
type cdnTarget struct {
	Host, Site, Bucket, Endpoint string
}

func cdnTargetOf(a *steps.Answers) cdnTarget {
	b, _ := a.CDNBucket()
	vh, _ := a.BucketVirtualHost()
	return cdnTarget{Host: a.CDNHost(), Site: a.WebsiteURL, Bucket: b.Name, Endpoint: vh}
}

// cdnRefOf is the ref of the rules of a CDN host (the same in both entry points: a ref is
// unique within one ruleset).
func cdnRefOf(host string) string {
	return RefPrefix + "cdn-" + dashRuns.ReplaceAllString(strings.ReplaceAll(strings.ToLower(host), ".", "-"), "-")
}

// firstRef is the ref r takes unless another site holds it (placeRef).
func firstRef(r Rule) string {
	if r.Directory == "" {
		return cdnRefOf(r.Host)
	}
	return refOf(r.Host, r.Directory)
}

// cdnCacheRule is the cache rule of the CDN host: everything under it.
func cdnCacheRule(a *steps.Answers) Rule {
	t := cdnTargetOf(a)
	return Rule{
		Host:        t.Host,
		Ref:         cdnRefOf(t.Host),
		Description: fmt.Sprintf("%scache everything under %s/", DescriptionPrefix, t.Host),
		Expression:  fmt.Sprintf(`(http.host eq "%s")`, t.Host),
		Target:      t.Host + "/*",
		EdgeTTL:     a.CDN.EdgeTTL,
		Endpoint:    t.Endpoint,
	}
}

// originRule is the origin rule of the CDN host: the bucket's host as the Host header.
func originRule(a *steps.Answers) Rule {
	r := cdnCacheRule(a)
	t := cdnTargetOf(a)
	r.Description = fmt.Sprintf("%sroute %s to bucket %s (Host %s)", DescriptionPrefix, t.Host, t.Bucket, t.Endpoint)
	return r
}

func originRuleBody(r Rule) ruleJSON {
	return ruleJSON{
		"ref":               r.Ref,
		"description":       r.Description,
		"expression":        r.Expression,
		"action":            "route",
		"action_parameters": map[string]any{"host_header": r.Endpoint},
		"enabled":           true,
	}
}

// originRuleDiff says how got differs from the origin rule assetwiz wants.
func originRuleDiff(got ruleJSON, r Rule) []string {
	diff := entryDiff(got, "route", r)
	params, _ := got["action_parameters"].(map[string]any)
	if params["host_header"] != r.Endpoint {
		diff = append(diff, fmt.Sprintf("host_header %v", params["host_header"]))
	}
	for k := range params {
		if k != "host_header" {
			diff = append(diff, "action_parameters."+k)
		}
	}
	return diff
}

// desiredOrigin adds the DNS record and the origin rule of the CDN host, as creates, and says
// why the site's own host gets no rule.
func desiredOrigin(a *steps.Answers, p *provision.Plan) {
	t := cdnTargetOf(a)
	r := originRule(a)
	p.Actions = append(p.Actions,
		provision.Action{Resource: provision.DNSRecord, ID: t.Host, Op: provision.Create, Detail: recordDetail(t, nil)},
		provision.Action{Resource: provision.OriginRule, ID: r.Ref, Op: provision.Create, Detail: originDetail(r, nil)})
	p.Warn("no Cloudflare rule on %s for %s: the plugin links every upload to https://%s/, whose origin is bucket %s, so requests for them never reach %s",
		a.WebsiteURL, strings.Join(a.Directories, ", "), t.Host, t.Bucket, a.WebsiteURL)
	if len(a.Directories) > 1 {
		p.Warn("%s serves bucket %s only: the plugin keeps every upload in that one bucket", t.Host, t.Bucket)
	}
	zone := a.CDN.Zone
	if zone == "" {
		zone = steps.GuessedZone(a.WebsiteURL)
		if a.CDN.Host == "" {
			p.Warn("cdn.host is taken as %s, in zone %s guessed from website_url without asking Cloudflare: set cdn.zone (or cdn.host) if the zone is another",
				t.Host, zone)
		}
	}
	if strings.HasSuffix(t.Host, "."+zone) && strings.Contains(strings.TrimSuffix(t.Host, "."+zone), ".") {
		p.Warn("%s is more than one level below zone %s: Cloudflare's Universal SSL certificate (*.%s) does not cover it; add an Advanced certificate for it, or use a name such as %s",
			t.Host, zone, zone, steps.DefaultCDNHost(a.WebsiteURL, zone))
	}
}

func recordDetail(t cdnTarget, diff []string) string {
	d := fmt.Sprintf("CNAME %s → %s, proxied (the bucket %s)", t.Host, t.Endpoint, t.Bucket)
	if len(diff) > 0 {
		d += " (now: " + strings.Join(diff, ", ") + ")"
	}
	return d
}

func originDetail(r Rule, diff []string) string {
	d := fmt.Sprintf("route, Host header %s: %s", r.Endpoint, r.Expression)
	if len(diff) > 0 {
		d += " (now: " + strings.Join(diff, ", ") + ")"
	}
	return d
}

// dnsRecord is what assetwiz reads of a DNS record.
type dnsRecord struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Type    string `json:"type"`
	Content string `json:"content"`
	Proxied bool   `json:"proxied"`
	TTL     int    `json:"ttl"`
	Comment string `json:"comment"`
}

// records lists the DNS records named host.
func (c *Client) records(ctx context.Context, zoneID, host string, opts ...option.RequestOption) ([]dnsRecord, error) {
	var env struct {
		Result []dnsRecord `json:"result"`
	}
	var params dns.RecordListParams
	params.ZoneID.Value, params.ZoneID.Present = zoneID, true
	var raw json.RawMessage
	opts = append(opts, option.WithQuery("name", host), option.WithQuery("per_page", "100"), option.WithResponseBodyInto(&raw))
	if _, err := c.dns.List(ctx, params, opts...); err != nil {
		return nil, wrap("cloudflare: DNS records of "+host, PermDNSEdit, err)
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, fmt.Errorf("cloudflare: DNS records of %s: %w: %v", host, ErrFaultyAnswer, err)
	}
	var out []dnsRecord
	for _, r := range env.Result {
		if strings.EqualFold(strings.TrimSuffix(r.Name, "."), host) {
			out = append(out, r)
		}
	}
	return out, nil
}

// ownRecord finds assetwiz's record of the CDN host (its comment marks it) and the others.
func ownRecord(list []dnsRecord) (own *dnsRecord, foreign []dnsRecord) {
	for i, r := range list {
		if own == nil && r.Type == "CNAME" && strings.HasPrefix(r.Comment, recordMark) {
			own = &list[i]
			continue
		}
		foreign = append(foreign, r)
	}
	return own, foreign
}

func recordComment(t cdnTarget) string {
	return fmt.Sprintf("%sCDN host of %s in front of bucket %s", recordMark, t.Site, t.Bucket)
}

// recordDiff says how assetwiz's record differs from the one wanted.
func recordDiff(got dnsRecord, t cdnTarget) []string {
	var diff []string
	if !strings.EqualFold(strings.TrimSuffix(got.Content, "."), t.Endpoint) {
		diff = append(diff, "target "+got.Content)
	}
	if !got.Proxied {
		diff = append(diff, "not proxied")
	}
	if got.TTL != 1 {
		diff = append(diff, fmt.Sprintf("TTL %d", got.TTL))
	}
	return diff
}

// recordConflict says that records assetwiz did not make hold the CDN host, and what to do.
func recordConflict(zone string, t cdnTarget, foreign []dnsRecord) string {
	var have []string
	for _, r := range foreign {
		have = append(have, r.Type+" "+r.Content)
	}
	return fmt.Sprintf("cdn.host %s already has DNS records in zone %s that assetwiz did not make (%s): they are left as they are, "+
		"and the CDN host is not pointed at bucket %s; delete them in the dashboard and re-run, or set cdn.host to a free name",
		t.Host, zone, strings.Join(have, "; "), t.Bucket)
}

// writeRecord creates assetwiz's record of the CDN host (id "") or sets record id to it.
func (c *Client) writeRecord(ctx context.Context, zoneID, id string, t cdnTarget) error {
	b, err := json.Marshal(map[string]any{"type": "CNAME", "name": t.Host, "content": t.Endpoint,
		"proxied": true, "ttl": 1, "comment": recordComment(t)})
	if err != nil {
		return err
	}
	var raw json.RawMessage
	opts := []option.RequestOption{option.WithRequestBody("application/json", b), option.WithResponseBodyInto(&raw)}
	if id == "" {
		var params dns.RecordNewParams
		params.ZoneID.Value, params.ZoneID.Present = zoneID, true
		_, err = c.dns.New(ctx, params, opts...)
		return wrapIf(err, "cloudflare: creating the DNS record of "+t.Host, PermDNSEdit)
	}
	var params dns.RecordEditParams
	params.ZoneID.Value, params.ZoneID.Present = zoneID, true
	_, err = c.dns.Edit(ctx, id, params, opts...)
	return wrapIf(err, "cloudflare: updating the DNS record of "+t.Host, PermDNSEdit)
}

func wrapIf(err error, what, perm string) error {
	if err == nil {
		return nil
	}
	return wrap(what, perm, err)
}

// syncRecord re-reads the CDN host's records and writes assetwiz's only when it is missing or
// differs; a record someone else made meanwhile is never overwritten.
func (c *Client) syncRecord(ctx context.Context, z Zone, t cdnTarget) error {
	list, err := c.records(ctx, z.ID, t.Host)
	if err != nil {
		return err
	}
	own, foreign := ownRecord(list)
	switch {
	case own != nil && len(recordDiff(*own, t)) == 0:
		return nil
	case own != nil:
		return c.writeRecord(ctx, z.ID, own.ID, t)
	case len(foreign) > 0:
		return fmt.Errorf("cloudflare: %s", recordConflict(z.Name, t, foreign))
	}
	return c.writeRecord(ctx, z.ID, "", t)
}

// refusedSettings names the settings of the origin rule the zone's plan does not include.
func refusedSettings(z Zone) []string {
	if z.Plan == "" || z.Plan == "enterprise" {
		return nil // unknown: Cloudflare's answer to the write says it
	}
	var out []string
	for key, name := range enterpriseOnly {
		out = append(out, fmt.Sprintf("action_parameters.%s (%s)", key, name))
	}
	return out
}

// planCDNHost reads the CDN host's records and origin rule and fills their actions (the cache
// rule is planned with the other cache rules). A zone whose plan refuses a setting of the
// origin rule is an error before anything is written.
func (c *Client) planCDNHost(ctx context.Context, a *steps.Answers, z Zone, p *provision.Plan) error {
	t := cdnTargetOf(a)
	r := originRule(a)
	if refused := refusedSettings(z); len(refused) > 0 {
		return fmt.Errorf("cloudflare: zone %s is on the %s plan, whose origin rules cannot set %s (Enterprise plans only: developers.cloudflare.com/rules/origin-rules); "+
			"the CDN host %s (cdn.host) needs it to reach bucket %s at %s. Nothing was changed: use a zone on the Enterprise plan, or cdn.provider: none "+
			"(the plugin then links uploads to the bucket itself)", z.Name, z.Plan, strings.Join(refused, ", "), t.Host, t.Bucket, t.Endpoint)
	}
	var list []dnsRecord
	var ep entryPoint
	var dnsErr, epErr error
	both(func() { list, dnsErr = c.records(ctx, z.ID, t.Host, reads()) }, func() { ep, epErr = c.phaseRules(ctx, originKind, z.ID, reads()) })
	if dnsErr != nil {
		return dnsErr
	}
	if epErr != nil {
		return epErr
	}
	for i := range p.Actions {
		act := &p.Actions[i]
		switch act.Resource {
		case provision.DNSRecord:
			own, foreign := ownRecord(list)
			var diff []string
			switch {
			case own == nil && len(foreign) > 0:
				p.Warn("%s", recordConflict(z.Name, t, foreign))
				act.Op = provision.Noop
				act.Detail = recordDetail(t, nil) + " (conflict: the host has DNS records assetwiz did not make; nothing is changed)"
				continue
			case own == nil:
				act.Op = provision.Create
			default:
				diff = recordDiff(*own, t)
				act.Op = opFor(diff)
			}
			act.Detail = recordDetail(t, diff)
			if act.Op == provision.Noop {
				continue
			}
			id := ""
			if own != nil {
				id = own.ID
			}
			act.Do = firstThen(func(ctx context.Context) error { return c.writeRecord(ctx, z.ID, id, t) },
				func(ctx context.Context) error { return c.syncRecord(ctx, z, t) })
		case provision.OriginRule:
			r = placeRef(r, ep.Rules)
			act.ID = r.Ref
			var diff []string
			j := findRule(ep.Rules, r)
			switch {
			case j < 0:
				act.Op = provision.Create
			case len(originRuleDiff(ep.Rules[j], r)) > 0:
				diff = originRuleDiff(ep.Rules[j], r)
				act.Op = provision.Update
			default:
				act.Op = provision.Noop
			}
			act.Detail = originDetail(r, diff)
			again := func(ctx context.Context) error { return c.syncRule(ctx, originKind, z.ID, r) }
			switch {
			case act.Op == provision.Noop:
			case ep.ID == "":
				act.Detail += fmt.Sprintf(" [creates the %s entry point of %s]", phaseOrigin, z.Name)
				act.Do = firstThen(func(ctx context.Context) error { return c.createPhase(ctx, originKind, z.ID, []Rule{r}) }, again)
			case j < 0:
				act.Do = firstThen(func(ctx context.Context) error { return c.writeKindRule(ctx, originKind, z.ID, ep.ID, "", r) }, again)
			default:
				id, _ := ep.Rules[j]["id"].(string)
				act.Do = firstThen(func(ctx context.Context) error { return c.writeKindRule(ctx, originKind, z.ID, ep.ID, id, r) }, again)
			}
		}
	}
	return nil
}

// verifyCDNHost checks the CDN host's record and origin rule.
func (c *Client) verifyCDNHost(ctx context.Context, a *steps.Answers, z Zone) []provision.Check {
	t := cdnTargetOf(a)
	var out []provision.Check
	list, err := c.records(ctx, z.ID, t.Host, reads())
	if err != nil {
		return []provision.Check{{What: "dns_record " + t.Host, Err: err}}
	}
	what := "dns_record " + t.Host
	own, foreign := ownRecord(list)
	switch {
	case own == nil && len(foreign) > 0:
		out = append(out, provision.Fail(what, "conflict: %s", recordConflict(z.Name, t, foreign)))
	case own == nil:
		out = append(out, provision.Fail(what, "missing in zone %s", z.Name))
	case len(recordDiff(*own, t)) > 0:
		out = append(out, provision.Fail(what, "not as planned: %s", strings.Join(recordDiff(*own, t), ", ")))
	default:
		out = append(out, provision.Check{What: what, Detail: "in zone " + z.Name + ", as planned"})
	}
	ep, err := c.phaseRules(ctx, originKind, z.ID, reads())
	if err != nil {
		return append(out, provision.Check{What: "origin_rule " + originRule(a).Ref, Err: err})
	}
	r := placeRef(originRule(a), ep.Rules)
	j := findRule(ep.Rules, r)
	what = "origin_rule " + r.Ref
	switch {
	case j < 0:
		out = append(out, provision.Fail(what, "missing in zone %s", z.Name))
	case len(originRuleDiff(ep.Rules[j], r)) > 0:
		out = append(out, provision.Fail(what, "not as planned: %s", strings.Join(originRuleDiff(ep.Rules[j], r), ", ")))
	default:
		out = append(out, provision.Check{What: what, Detail: "in zone " + z.Name + ", enabled, as planned"})
	}
	return out
}

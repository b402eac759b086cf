package cloudflaretest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// Token permissions understood by the double; "X:edit" implies "X:read".
const (
	PermZoneRead = "zone:read"
	PermDNSRead  = "dns:read"
	PermDNSEdit  = "dns:edit"
	// PermOriginRulesEdit is "Zone > Origin Rules > Edit": the http_request_origin entry point.
	PermOriginRulesEdit = "origin_rules:edit"
	PermCacheRulesRead  = "cache_rules:read"
	PermCacheRulesEdit  = "cache_rules:edit"
	PermPageRulesRead   = "page_rules:read"
	PermPageRulesEdit   = "page_rules:edit"
	// PermZoneRulesetsEdit covers entry points of phases other than cache rules.
	PermZoneRulesetsEdit = "zone_rulesets:edit"
)

// Token statuses, as GET /user/tokens/verify reports them.
const (
	TokenActive   = "active"
	TokenDisabled = "disabled"
	TokenExpired  = "expired"
)

type token struct {
	id, status string
	perms      map[string]bool
}

func (t *token) can(perm string) bool {
	if t.perms[perm] {
		return true
	}
	res, ok := strings.CutSuffix(perm, ":read")
	return ok && t.perms[res+":edit"]
}

type zone struct {
	id, name, plan string
	created        time.Time
	rulesets       map[string]*ruleset // by phase
	pageRules      []*PageRule
	dns            []DNSRecord
}

// pageRuleQuota is the number of page rules per plan (developers.cloudflare.com/rules/page-rules).
var pageRuleQuota = map[string]int{"free": 3, "pro": 20, "business": 50, "enterprise": 125}

type ruleset struct {
	id, name, description, phase string
	version                      int
	lastUpdated                  time.Time
	rules                        []Rule
}

// Rule is a ruleset rule as JSON decodes it (numbers are float64). The double
// stores exactly what clients send plus the fields Cloudflare assigns: id,
// ref (defaults to id), enabled (defaults to true), version, last_updated.
type Rule map[string]any

// PageRule is a stored page rule.
type PageRule struct {
	ID         string           `json:"id"`
	Targets    []map[string]any `json:"targets"`
	Actions    []map[string]any `json:"actions"`
	Priority   int              `json:"priority"`
	Status     string           `json:"status"`
	CreatedOn  time.Time        `json:"created_on"`
	ModifiedOn time.Time        `json:"modified_on"`
}

// DNSRecord is a stored DNS record; Content defaults by Type, TTL to 1 (automatic).
type DNSRecord struct {
	ID      string
	Name    string
	Type    string
	Content string
	Proxied bool
	TTL     int
	Comment string
}

// AddToken registers an active API token with the given permissions.
func (s *Server) AddToken(value string, perms ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := &token{id: newID(), status: TokenActive, perms: map[string]bool{}}
	for _, p := range perms {
		t.perms[p] = true
	}
	s.tokens[value] = t
}

// SetTokenStatus sets a token to TokenActive, TokenDisabled or TokenExpired.
func (s *Server) SetTokenStatus(value, status string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[value]
	if !ok || !slices.Contains([]string{TokenActive, TokenDisabled, TokenExpired}, status) {
		s.t.Fatalf("cloudflaretest: SetTokenStatus(%q, %q): unknown token or status", value, status)
	}
	t.status = status
}

// AddZone adds a zone on the free plan and returns its id.
func (s *Server) AddZone(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	z := &zone{id: newID(), name: name, plan: "free", created: now(), rulesets: map[string]*ruleset{}}
	s.zones[z.id] = z
	return z.id
}

// SetZonePlan sets a zone's plan: "free", "pro", "business" or "enterprise".
func (s *Server) SetZonePlan(zoneID, plan string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := pageRuleQuota[plan]; !ok {
		s.t.Fatalf("cloudflaretest: SetZonePlan: unknown plan %q", plan)
	}
	s.mustZone(zoneID).plan = plan
}

// AddDNSRecord adds a DNS record to a zone and returns its id.
func (s *Server) AddDNSRecord(zoneID string, rec DNSRecord) string {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	z := s.mustZone(zoneID)
	rec.ID = newID()
	if rec.Content == "" {
		rec.Content = map[string]string{"A": "192.0.2.1", "AAAA": "2001:db8::1"}[rec.Type]
		if rec.Content == "" {
			rec.Content = "origin.example.net"
		}
	}
	if rec.TTL == 0 {
		rec.TTL = 1
	}
	z.dns = append(z.dns, rec)
	return rec.ID
}

// DeleteDNSRecordForTest removes a record as someone in the dashboard would.
func (s *Server) DeleteDNSRecordForTest(zoneID, id string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	z := s.mustZone(zoneID)
	z.dns = slices.DeleteFunc(slices.Clone(z.dns), func(d DNSRecord) bool { return d.ID == id })
}

// DNSRecords returns a zone's DNS records, in the order they were made.
func (s *Server) DNSRecords(zoneID string) []DNSRecord {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.mustZone(zoneID).dns)
}

// PhaseRules returns the stored rules of a zone's entry point of phase (such as
// http_request_origin), nil before it exists.
func (s *Server) PhaseRules(zoneID, phase string) []Rule {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.mustZone(zoneID).rulesets[phase]
	if rs == nil {
		return nil
	}
	out := make([]Rule, len(rs.rules))
	for i, r := range rs.rules {
		out[i] = clone(r)
	}
	return out
}

// AddPhaseRule appends one rule to the entry point of phase as another client would
// (creating it when missing), held to the same checks as a POST, plan entitlements aside.
func (s *Server) AddPhaseRule(zoneID, phase string, rule Rule) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	z := s.mustZone(zoneID)
	if z.rulesets[phase] == nil {
		if e := s.putRuleset(z, phase, "", "", nil); e != nil {
			s.t.Fatalf("cloudflaretest: AddPhaseRule: %s", e.Message)
		}
	}
	if e := checkRule("", phase, rule); e != nil {
		s.t.Fatalf("cloudflaretest: AddPhaseRule: %s", e.Message)
	}
	rs := z.rulesets[phase]
	ts := now()
	rs.rules = append(slices.Clone(rs.rules), storeRule(rule, nil, ts))
	rs.version, rs.lastUpdated = rs.version+1, ts
}

// PutRules replaces the http_request_cache_settings entry point rules like a
// PUT would (ids, versions and defaults assigned), e.g. to seed foreign rules.
func (s *Server) PutRules(zoneID string, rules ...Rule) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	in := make([]Rule, len(rules))
	for i, r := range rules {
		in[i] = clone(r)
	}
	if e := s.putRuleset(s.mustZone(zoneID), phaseCache, "", "", in); e != nil {
		s.t.Fatalf("cloudflaretest: PutRules: %s", e.Message)
	}
}

// EndlessZones makes the zone listing never end, as a faulty API might: each page
// has a zone and announces another page.
func (s *Server) EndlessZones() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.endless = true
}

// AddPageRule stores a page rule as a POST would (the quota aside) and returns its id;
// status defaults to active and priority to 1.
func (s *Server) AddPageRule(zoneID string, p PageRule) string {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	z := s.mustZone(zoneID)
	ts := now()
	p.ID, p.CreatedOn, p.ModifiedOn = newID(), ts, ts
	if p.Status == "" {
		p.Status = "active"
	}
	if p.Priority == 0 {
		p.Priority = 1
	}
	p.Targets, p.Actions = cloneList(p.Targets), cloneList(p.Actions)
	z.pageRules = append(z.pageRules, &p)
	return p.ID
}

// AddRule appends one rule to the http_request_cache_settings entry point like a POST
// to its rules endpoint would (creating the entry point when missing), as another client
// of the API adding a rule at any moment.
func (s *Server) AddRule(zoneID string, rule Rule) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	z := s.mustZone(zoneID)
	if z.rulesets[phaseCache] == nil {
		if e := s.putRuleset(z, phaseCache, "", "", nil); e != nil {
			s.t.Fatalf("cloudflaretest: AddRule: %s", e.Message)
		}
	}
	rs := z.rulesets[phaseCache]
	if e := checkRule("", phaseCache, rule); e != nil {
		s.t.Fatalf("cloudflaretest: AddRule: %s", e.Message)
	}
	ts := now()
	rs.rules = append(slices.Clone(rs.rules), storeRule(rule, nil, ts))
	rs.version, rs.lastUpdated = rs.version+1, ts
}

// Rules returns the stored cache rules of a zone, nil before the entry point exists.
func (s *Server) Rules(zoneID string) []Rule {
	s.t.Helper()
	return s.PhaseRules(zoneID, phaseCache)
}

// PageRules returns a zone's page rules in API order (priority, highest first).
func (s *Server) PageRules(zoneID string) []PageRule {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []PageRule
	for _, p := range sortedPageRules(s.mustZone(zoneID).pageRules, "priority", "desc") {
		c := *p
		c.Targets, c.Actions = cloneList(p.Targets), cloneList(p.Actions)
		out = append(out, c)
	}
	return out
}

func (s *Server) mustZone(id string) *zone {
	s.t.Helper()
	z, ok := s.zones[id]
	if !ok {
		s.t.Fatalf("cloudflaretest: unknown zone id %q", id)
	}
	return z
}

// newID returns a random 32-hex-digit identifier, the shape of every Cloudflare id.
func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// now is UTC with microseconds, like Cloudflare timestamps.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// clone deep-copies JSON-shaped data through a JSON round trip.
func clone[T any](v T) T {
	var out T
	b, _ := json.Marshal(v)
	json.Unmarshal(b, &out)
	return out
}

func cloneList(v []map[string]any) []map[string]any { return clone(v) }

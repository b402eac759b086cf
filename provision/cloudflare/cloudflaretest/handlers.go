package cloudflaretest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

const (
	phaseCache  = "http_request_cache_settings"
	phaseOrigin = "http_request_origin"
)

// enterpriseOnly are the origin rule settings only Enterprise zones may use
// (developers.cloudflare.com/rules/origin-rules, "Availability": Override Host header, SNI
// and DNS records: Enterprise; destination port: every plan).
var enterpriseOnly = []string{"host_header", "sni", "origin.host"}

// entitled refuses a rule that uses a setting the zone's plan does not include, naming it.
func entitled(z *zone, phase string, at string, r Rule) *apiError {
	if phase != phaseOrigin || z.plan == "enterprise" {
		return nil
	}
	params, _ := r["action_parameters"].(map[string]any)
	origin, _ := params["origin"].(map[string]any)
	for _, key := range enterpriseOnly {
		_, used := params[key]
		if key == "origin.host" {
			_, used = origin["host"]
		}
		if used {
			return &apiError{Code: 20120, Source: &source{at + "/action_parameters/" + strings.ReplaceAll(key, ".", "/")},
				Message: fmt.Sprintf("not entitled: the use of field %s is not allowed on the %s plan of this zone", key, z.plan)}
		}
	}
	return nil
}

// entitledAll checks each rule of a ruleset write.
func entitledAll(z *zone, phase string, rules []Rule) *apiError {
	for i, r := range rules {
		if e := entitled(z, phase, fmt.Sprintf("/rules/%d", i), r); e != nil {
			return e
		}
	}
	return nil
}

// phaseActions lists the rule actions each phase accepts; phases not listed accept any.
var phaseActions = map[string][]string{
	phaseCache:                        {"set_cache_settings"},
	"http_request_firewall_custom":    {"block", "challenge", "js_challenge", "managed_challenge", "log", "skip"},
	"http_request_dynamic_redirect":   {"redirect"},
	"http_request_redirect":           {"redirect"},
	"http_request_transform":          {"rewrite"},
	"http_request_late_transform":     {"rewrite"},
	"http_response_headers_transform": {"rewrite"},
	"http_config_settings":            {"set_config"},
	"http_request_origin":             {"route"},
	"http_custom_errors":              {"serve_error"},
	"http_response_compression":       {"compress_response"},
}

func (s *Server) routes() {
	s.mux = http.NewServeMux()
	const ep = "/zones/{zone_id}/rulesets/phases/{phase}/entrypoint"
	const pr = "/zones/{zone_id}/pagerules"
	s.handle("GET /user/tokens/verify", "", s.verifyToken)
	s.handle("GET /zones", PermZoneRead, s.listZones)
	s.handle("GET /zones/{zone_id}", PermZoneRead, s.getZone)
	const dr = "/zones/{zone_id}/dns_records"
	s.handle("GET "+dr, PermDNSRead, s.listDNSRecords)
	s.handle("POST "+dr, PermDNSEdit, s.createDNSRecord)
	s.handle("GET "+dr+"/{id}", PermDNSRead, s.getDNSRecord)
	s.handle("PUT "+dr+"/{id}", PermDNSEdit, s.updateDNSRecord)
	s.handle("PATCH "+dr+"/{id}", PermDNSEdit, s.updateDNSRecord)
	s.handle("DELETE "+dr+"/{id}", PermDNSEdit, s.deleteDNSRecord)
	s.handle("GET "+ep, "phase:read", s.getEntrypoint)
	s.handle("PUT "+ep, "phase:edit", s.putEntrypoint)
	const rs = "/zones/{zone_id}/rulesets"
	s.handle("POST "+rs, "ruleset:edit", s.createRuleset)
	s.handle("POST "+rs+"/{ruleset_id}/rules", "ruleset:edit", s.createRule)
	s.handle("PATCH "+rs+"/{ruleset_id}/rules/{rule_id}", "ruleset:edit", s.updateRule)
	s.handle("DELETE "+rs+"/{ruleset_id}/rules/{rule_id}", "ruleset:edit", s.deleteRule)
	s.handle("GET "+pr, PermPageRulesRead, s.listPageRules)
	s.handle("POST "+pr, PermPageRulesEdit, s.createPageRule)
	s.handle("GET "+pr+"/{id}", PermPageRulesRead, s.getPageRule)
	s.handle("PUT "+pr+"/{id}", PermPageRulesEdit, s.updatePageRule)
	s.handle("PATCH "+pr+"/{id}", PermPageRulesEdit, s.updatePageRule)
	s.handle("DELETE "+pr+"/{id}", PermPageRulesEdit, s.deletePageRule)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, apiError{Code: 7000, Message: "No route for that URI"})
	})
}

// permFor resolves "phase:LEVEL" and "ruleset:LEVEL": Cache Rules for the cache phase,
// Zone Rulesets otherwise. A ruleset's phase is that of the ruleset named in the path, or,
// when one is created, the phase in the body (read and put back).
func (s *Server) permFor(need string, r *http.Request) string {
	phase := r.PathValue("phase")
	level, ok := strings.CutPrefix(need, "phase:")
	if !ok {
		if level, ok = strings.CutPrefix(need, "ruleset:"); !ok {
			return need
		}
		if id := r.PathValue("ruleset_id"); id != "" {
			if z := s.zones[r.PathValue("zone_id")]; z != nil {
				rs := z.rulesetByID(id)
				if rs == nil {
					return PermZoneRead // the handler answers 404
				}
				phase = rs.phase
			}
		} else {
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			var body struct {
				Phase string `json:"phase"`
			}
			json.Unmarshal(b, &body)
			phase = body.Phase
		}
	}
	switch phase {
	case phaseCache:
		return "cache_rules:" + level
	case phaseOrigin:
		return "origin_rules:" + level
	}
	return "zone_rulesets:" + level
}

// handle registers a route that, under the state lock, checks the token
// (401/403 like Cloudflare), then the request against the schema, then serves it.
func (s *Server) handle(pattern, need string, h http.HandlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	s.mux.HandleFunc(method+" "+basePath+path, func(w http.ResponseWriter, r *http.Request) {
		// Report after unlocking, so a reporter may call back into the server.
		if msg := s.serveLocked(w, r, need, h); msg != "" {
			s.report(msg)
		}
	})
}

// serveLocked serves one request and returns a schema violation to report, if any.
func (s *Server) serveLocked(w http.ResponseWriter, r *http.Request, need string, h http.HandlerFunc) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	tok := s.tokenFor(r)
	switch {
	case tok == nil:
		writeError(w, http.StatusUnauthorized, errAuth)
		return ""
	case need == "": // token verify reports any status itself
	case tok.status != TokenActive:
		writeError(w, http.StatusUnauthorized, errAuth)
		return ""
	case !tok.can(s.permFor(need, r)):
		writeError(w, http.StatusForbidden, errAuth)
		return ""
	}
	if v := validationFrom(r.Context()); v != nil {
		if err := v.checkRequest(r); err != nil {
			if isDecodeError(err) {
				writeError(w, http.StatusBadRequest, apiError{Code: 6007, Message: "Malformed JSON in request body"})
			} else {
				writeError(w, http.StatusBadRequest, apiError{Code: 10001, Message: "cloudflaretest: request violates the schema: " + err.Error()})
			}
			return fmt.Sprintf("cloudflaretest: %s %s: request does not match the Cloudflare schema (%s): %v",
				r.Method, r.URL.Path, v.operation(), err)
		}
	}
	h(w, r)
	return ""
}

func (s *Server) tokenFor(r *http.Request) *token {
	v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return nil
	}
	return s.tokens[v]
}

type validationKey struct{}

func withValidation(ctx context.Context, v *validation) context.Context {
	return context.WithValue(ctx, validationKey{}, v)
}

func validationFrom(ctx context.Context) *validation {
	v, _ := ctx.Value(validationKey{}).(*validation)
	return v
}

// zoneFor answers 404 code 7003 for an unknown zone, as Cloudflare does.
func (s *Server) zoneFor(w http.ResponseWriter, r *http.Request) *zone {
	if z, ok := s.zones[r.PathValue("zone_id")]; ok {
		return z
	}
	notRoutable(w, r)
	return nil
}

func notRoutable(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, apiError{Code: 7003,
		Message: fmt.Sprintf("Could not route to %s, perhaps your object identifier is invalid?", strings.TrimPrefix(r.URL.Path, basePath))})
}

// decode reads a JSON body; a 400 here only for routes outside the schema,
// since the validator already refused malformed JSON elsewhere.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, apiError{Code: 6007, Message: "Malformed JSON in request body"})
		return false
	}
	return true
}

func (s *Server) verifyToken(w http.ResponseWriter, r *http.Request) {
	tok := s.tokenFor(r)
	res := map[string]any{"id": tok.id, "status": tok.status}
	if tok.status == TokenExpired {
		res["expires_on"] = now().Add(-24 * time.Hour).Format(time.RFC3339)
	}
	var msgs []apiError
	if tok.status == TokenActive {
		msgs = append(msgs, apiError{Code: 10000, Message: "This API Token is valid and active"})
	}
	writeResult(w, res, msgs...)
}

// listZones filters by name (exact, or contains:/starts_with:/ends_with:) and pages by page/per_page.
func (s *Server) listZones(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var out []any
	ids := make([]string, 0, len(s.zones))
	for id := range s.zones {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return s.zones[ids[i]].name < s.zones[ids[j]].name })
	for _, id := range ids {
		if z := s.zones[id]; nameMatches(z.name, q.Get("name")) {
			out = append(out, zoneJSON(z))
		}
	}
	page, perPage := num(q.Get("page"), 1), num(q.Get("per_page"), 20)
	if s.endless {
		// A faulty listing: every page holds one more zone and says one more page follows.
		z := &zone{id: fmt.Sprintf("%032x", page), name: fmt.Sprintf("endless-%d.example", page), plan: "free", created: now()}
		writeJSON(w, http.StatusOK, envelope{Success: true, Result: []any{zoneJSON(z)}, ResultInfo: &resultInfo{
			Page: page, PerPage: perPage, Count: 1, TotalCount: page * perPage * 2, TotalPages: page + 1}})
		return
	}
	writePage(w, out, page, perPage)
}

func nameMatches(name, filter string) bool {
	op, arg, ok := strings.Cut(filter, ":")
	if !ok {
		return filter == "" || name == filter
	}
	switch op {
	case "contains":
		return strings.Contains(name, arg)
	case "starts_with":
		return strings.HasPrefix(name, arg)
	case "ends_with":
		return strings.HasSuffix(name, arg)
	case "not_equal":
		return name != arg
	}
	return name == arg
}

func num(s string, def int) int {
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 1 {
		return int(f)
	}
	return def
}

// writePage answers one page of a list with Cloudflare's result_info.
func writePage(w http.ResponseWriter, all []any, page, perPage int) {
	lo := min((page-1)*perPage, len(all))
	hi := min(lo+perPage, len(all))
	result := append([]any{}, all[lo:hi]...)
	writeJSON(w, http.StatusOK, envelope{Success: true, Result: result, ResultInfo: &resultInfo{
		Page: page, PerPage: perPage, Count: len(result), TotalCount: len(all),
		TotalPages: int(math.Ceil(float64(len(all)) / float64(perPage))),
	}})
}

func zoneJSON(z *zone) map[string]any {
	ts := z.created.Format(time.RFC3339Nano)
	return map[string]any{
		"id": z.id, "name": z.name, "status": "active", "paused": false, "type": "full",
		"development_mode": 0,
		"name_servers":     []string{"ada.ns.cloudflare.com", "bob.ns.cloudflare.com"},
		// Required by the schema but nullable: a zone signed up without a previous DNS host.
		"original_name_servers": nil, "original_registrar": nil, "original_dnshost": nil,
		"created_on": ts, "modified_on": ts, "activated_on": ts,
		"meta": map[string]any{"step": 2, "custom_certificate_quota": 0,
			"page_rule_quota": pageRuleQuota[z.plan], "phishing_detected": false},
		"owner":   map[string]any{"id": "00000000000000000000000000000001", "type": "user", "name": "cloudflaretest"},
		"account": map[string]any{"id": "00000000000000000000000000000002", "name": "cloudflaretest"},
		"plan": map[string]any{"id": z.plan, "name": planNames[z.plan], "legacy_id": z.plan,
			"price": 0, "currency": "USD", "frequency": "", "is_subscribed": z.plan != "free",
			"can_subscribe": false, "legacy_discount": false, "externally_managed": false},
		"permissions": []string{"#zone:read"},
	}
}

var planNames = map[string]string{"free": "Free Website", "pro": "Pro Website",
	"business": "Business Website", "enterprise": "Enterprise Website"}

func (s *Server) getZone(w http.ResponseWriter, r *http.Request) {
	if z := s.zoneFor(w, r); z != nil {
		writeResult(w, zoneJSON(z))
	}
}

func (s *Server) getEntrypoint(w http.ResponseWriter, r *http.Request) {
	z := s.zoneFor(w, r)
	if z == nil {
		return
	}
	phase := r.PathValue("phase")
	rs := z.rulesets[phase]
	if rs == nil {
		writeError(w, http.StatusNotFound, apiError{Code: 10003,
			Message: fmt.Sprintf("could not find entrypoint ruleset in the %s phase", phase)})
		return
	}
	writeResult(w, rs.render(z))
}

func (s *Server) putEntrypoint(w http.ResponseWriter, r *http.Request) {
	z := s.zoneFor(w, r)
	if z == nil {
		return
	}
	var body struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Rules       []Rule `json:"rules"`
	}
	if !decode(w, r, &body) {
		return
	}
	phase := r.PathValue("phase")
	e := entitledAll(z, phase, body.Rules)
	if e == nil {
		e = s.putRuleset(z, phase, body.Name, body.Description, body.Rules)
	}
	if e != nil {
		writeError(w, http.StatusBadRequest, *e)
		return
	}
	writeResult(w, z.rulesets[phase].render(z))
}

// putRuleset replaces all rules of a phase entry point, creating it if
// missing: new rules get an id, rules sent with an id keep it (and their
// version when unchanged), the ruleset version is bumped.
func (s *Server) putRuleset(z *zone, phase, name, description string, rules []Rule) *apiError {
	rs := z.rulesets[phase]
	if rs == nil {
		if name == "" {
			name = "default"
		}
		rs = &ruleset{id: newID(), name: name, phase: phase}
	}
	old := map[string]Rule{}
	for _, r := range rs.rules {
		old[r["id"].(string)] = r
	}
	ts := now()
	out := make([]Rule, 0, len(rules))
	for i, r := range rules {
		if e := checkRule(fmt.Sprintf("/rules/%d", i), phase, r); e != nil {
			return e
		}
		id, _ := r["id"].(string)
		out = append(out, storeRule(r, old[id], ts))
	}
	if e := uniqueRefs(out); e != nil {
		return e
	}
	if description != "" {
		rs.description = description
	}
	rs.rules, rs.version, rs.lastUpdated = out, rs.version+1, ts
	z.rulesets[phase] = rs
	return nil
}

// storeRule is a rule as sent, with what Cloudflare assigns: read-only fields dropped, an
// id (kept when sent), enabled and ref defaults, and a version bumped only when the rule
// differs from prev (nil for a new rule).
func storeRule(r, prev Rule, ts time.Time) Rule {
	r = clone(r)
	for _, k := range []string{"version", "last_updated", "categories", "position"} {
		delete(r, k) // read-only, or where to put the rule rather than part of it
	}
	id, _ := r["id"].(string)
	if id == "" {
		id = newID()
		r["id"] = id
	}
	if _, ok := r["enabled"]; !ok {
		r["enabled"] = true
	}
	if _, ok := r["ref"]; !ok {
		r["ref"] = id
		if prev != nil {
			r["ref"] = prev["ref"]
		}
	}
	r["version"], r["last_updated"] = "1", ts.Format(time.RFC3339Nano)
	if prev != nil {
		v, _ := strconv.Atoi(prev["version"].(string))
		if sameRule(prev, r) {
			r["version"], r["last_updated"] = prev["version"], prev["last_updated"]
		} else {
			r["version"] = strconv.Itoa(v + 1)
		}
	}
	return r
}

// uniqueRefs refuses a ruleset in which two rules share a ref: "The ref field is a
// user-defined external identifier that must be unique for each rule in a ruleset"
// (developers.cloudflare.com/terraform/troubleshooting/rule-id-changes). The error code
// is the double's own; Cloudflare documents none for it.
func uniqueRefs(rules []Rule) *apiError {
	seen := map[string]bool{}
	for i, r := range rules {
		ref, _ := r["ref"].(string)
		if seen[ref] {
			return &apiError{Code: 20100, Source: &source{fmt.Sprintf("/rules/%d/ref", i)},
				Message: fmt.Sprintf("the ref %q is already used by another rule of the ruleset", ref)}
		}
		seen[ref] = true
	}
	return nil
}

func (z *zone) rulesetByID(id string) *ruleset {
	for _, rs := range z.rulesets {
		if rs.id == id {
			return rs
		}
	}
	return nil
}

// createRuleset serves POST /zones/{zone_id}/rulesets for kind "zone", the phase entry
// point: like the live API, a second one of a phase is refused (code 20217, as in
// cloudflare/terraform-provider-cloudflare#2004 and #6273), so concurrent creators cannot
// replace each other's rules.
func (s *Server) createRuleset(w http.ResponseWriter, r *http.Request) {
	z := s.zoneFor(w, r)
	if z == nil {
		return
	}
	var body struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Kind        string `json:"kind"`
		Phase       string `json:"phase"`
		Rules       []Rule `json:"rules"`
	}
	if !decode(w, r, &body) {
		return
	}
	if body.Kind != "zone" {
		writeError(w, http.StatusBadRequest, apiError{Code: 20217, Source: &source{"/kind"},
			Message: fmt.Sprintf("'%s' is not a valid value for kind: cloudflaretest only creates zone entry points", body.Kind)})
		return
	}
	if z.rulesets[body.Phase] != nil {
		writeError(w, http.StatusBadRequest, apiError{Code: 20217, Source: &source{"/kind"},
			Message: "'zone' is not a valid value for kind because exceeded maximum number of zone rulesets for phase " + body.Phase})
		return
	}
	if body.Rules == nil {
		body.Rules = []Rule{}
	}
	e := entitledAll(z, body.Phase, body.Rules)
	if e == nil {
		e = s.putRuleset(z, body.Phase, body.Name, body.Description, body.Rules)
	}
	if e != nil {
		writeError(w, http.StatusBadRequest, *e)
		return
	}
	writeResult(w, z.rulesets[body.Phase].render(z))
}

// rulesetFor answers 404 for a ruleset id the zone does not have.
func (s *Server) rulesetFor(w http.ResponseWriter, r *http.Request) (*zone, *ruleset) {
	z := s.zoneFor(w, r)
	if z == nil {
		return nil, nil
	}
	rs := z.rulesetByID(r.PathValue("ruleset_id"))
	if rs == nil {
		writeError(w, http.StatusNotFound, apiError{Code: 10003, Message: "could not find ruleset " + r.PathValue("ruleset_id")})
	}
	return z, rs
}

// ruleBody is a single rule write: the rule and where to put it.
type ruleBody struct {
	rule     Rule
	position map[string]any
}

func decodeRule(w http.ResponseWriter, r *http.Request) (ruleBody, bool) {
	var rule Rule
	if !decode(w, r, &rule) {
		return ruleBody{}, false
	}
	pos, _ := rule["position"].(map[string]any)
	delete(rule, "position")
	return ruleBody{rule, pos}, true
}

// place puts rule into rules at position (before/after a rule id, "" for the top or the
// bottom; or index, 1 first); at the end when position is nil.
func place(rules []Rule, rule Rule, position map[string]any) ([]Rule, *apiError) {
	at := len(rules)
	indexOf := func(id string) (int, *apiError) {
		i := slices.IndexFunc(rules, func(r Rule) bool { return r["id"] == id })
		if i < 0 {
			return 0, &apiError{Code: 20021, Source: &source{"/position"}, Message: "could not find rule " + id + " to position against"}
		}
		return i, nil
	}
	switch {
	case position == nil:
	case position["before"] != nil:
		if id, _ := position["before"].(string); id == "" {
			at = 0
		} else {
			i, e := indexOf(id)
			if e != nil {
				return nil, e
			}
			at = i
		}
	case position["after"] != nil:
		if id, _ := position["after"].(string); id != "" {
			i, e := indexOf(id)
			if e != nil {
				return nil, e
			}
			at = i + 1
		}
	case position["index"] != nil:
		n, _ := position["index"].(float64)
		at = min(max(int(n)-1, 0), len(rules))
	}
	return slices.Insert(rules, at, rule), nil
}

// createRule serves POST …/rulesets/{ruleset_id}/rules: one rule added, the others untouched.
func (s *Server) createRule(w http.ResponseWriter, r *http.Request) {
	z, rs := s.rulesetFor(w, r)
	if rs == nil {
		return
	}
	body, ok := decodeRule(w, r)
	if !ok {
		return
	}
	e := checkRule("", rs.phase, body.rule)
	if e == nil {
		e = entitled(z, rs.phase, "", body.rule)
	}
	if e != nil {
		writeError(w, http.StatusBadRequest, *e)
		return
	}
	delete(body.rule, "id") // Cloudflare assigns a new rule's id
	ts := now()
	rules, e := place(slices.Clone(rs.rules), storeRule(body.rule, nil, ts), body.position)
	if e == nil {
		e = uniqueRefs(rules)
	}
	if e != nil {
		writeError(w, http.StatusBadRequest, *e)
		return
	}
	rs.rules, rs.version, rs.lastUpdated = rules, rs.version+1, ts
	writeResult(w, rs.render(z))
}

// ruleFor answers 404 for a rule id the ruleset does not have.
func ruleFor(w http.ResponseWriter, r *http.Request, rs *ruleset) int {
	i := slices.IndexFunc(rs.rules, func(x Rule) bool { return x["id"] == r.PathValue("rule_id") })
	if i < 0 {
		writeError(w, http.StatusNotFound, apiError{Code: 10003, Message: "could not find rule " + r.PathValue("rule_id")})
	}
	return i
}

// updateRule serves PATCH …/rules/{rule_id}: the rule becomes the one sent (its id and,
// when none is sent, its ref kept), moved only when a position is given.
func (s *Server) updateRule(w http.ResponseWriter, r *http.Request) {
	z, rs := s.rulesetFor(w, r)
	if rs == nil {
		return
	}
	i := ruleFor(w, r, rs)
	if i < 0 {
		return
	}
	body, ok := decodeRule(w, r)
	if !ok {
		return
	}
	e := checkRule("", rs.phase, body.rule)
	if e == nil {
		e = entitled(z, rs.phase, "", body.rule)
	}
	if e != nil {
		writeError(w, http.StatusBadRequest, *e)
		return
	}
	prev := rs.rules[i]
	body.rule["id"] = prev["id"]
	ts := now()
	rule := storeRule(body.rule, prev, ts)
	rules := slices.Clone(rs.rules)
	if body.position == nil {
		rules[i] = rule
	} else {
		var e *apiError
		if rules, e = place(slices.Delete(rules, i, i+1), rule, body.position); e != nil {
			writeError(w, http.StatusBadRequest, *e)
			return
		}
	}
	if e := uniqueRefs(rules); e != nil {
		writeError(w, http.StatusBadRequest, *e)
		return
	}
	rs.rules, rs.version, rs.lastUpdated = rules, rs.version+1, ts
	writeResult(w, rs.render(z))
}

// deleteRule serves DELETE …/rules/{rule_id}.
func (s *Server) deleteRule(w http.ResponseWriter, r *http.Request) {
	z, rs := s.rulesetFor(w, r)
	if rs == nil {
		return
	}
	i := ruleFor(w, r, rs)
	if i < 0 {
		return
	}
	rs.rules, rs.version, rs.lastUpdated = slices.Delete(slices.Clone(rs.rules), i, i+1), rs.version+1, now()
	writeResult(w, rs.render(z))
}

// sameRule compares two rules ignoring the fields Cloudflare assigns on write.
func sameRule(a, b Rule) bool {
	strip := func(r Rule) string {
		c := clone(r)
		delete(c, "version")
		delete(c, "last_updated")
		j, _ := json.Marshal(c)
		return string(j)
	}
	return strip(a) == strip(b)
}

// checkRule applies the live API's semantic checks the schema cannot express
// (error codes approximate Cloudflare's ruleset errors; source.pointer is real).
func checkRule(at, phase string, r Rule) *apiError {
	action, _ := r["action"].(string)
	// The schema lets a request rule go without an expression; the live API does not
	// (every rule matches on one; "true" matches all).
	if expr, _ := r["expression"].(string); expr == "" {
		return &apiError{Code: 20021, Source: &source{at + "/expression"}, Message: "expression is required"}
	}
	if allowed, ok := phaseActions[phase]; ok && !slices.Contains(allowed, action) {
		return &apiError{Code: 20021, Source: &source{at + "/action"},
			Message: fmt.Sprintf("'%s' is not a valid value for action because it is not allowed in phase %s", action, phase)}
	}
	params, _ := r["action_parameters"].(map[string]any)
	for _, key := range []string{"edge_ttl", "browser_ttl"} {
		ttl, ok := params[key].(map[string]any)
		if !ok || action != "set_cache_settings" {
			continue
		}
		_, hasDefault := ttl["default"]
		ptr := &source{fmt.Sprintf("%s/action_parameters/%s/default", at, key)}
		// The live API wants default exactly with override_origin (terraform-provider-cloudflare#2080).
		if ttl["mode"] == "override_origin" && !hasDefault {
			return &apiError{Code: 20021, Source: ptr, Message: "default must be set when mode is override_origin"}
		}
		if ttl["mode"] != "override_origin" && hasDefault {
			return &apiError{Code: 20021, Source: ptr, Message: fmt.Sprintf("default cannot be set when mode is %v", ttl["mode"])}
		}
	}
	return nil
}

// render is the entry point as the API returns it.
func (rs *ruleset) render(z *zone) map[string]any {
	rules := make([]Rule, len(rs.rules))
	for i, r := range rs.rules {
		rules[i] = fillCacheSettings(clone(r))
	}
	return map[string]any{"id": rs.id, "name": rs.name, "description": rs.description,
		"kind": "zone", "phase": rs.phase, "version": strconv.Itoa(rs.version),
		"last_updated": rs.lastUpdated.Format(time.RFC3339Nano), "rules": rules}
}

// fillCacheSettings adds, in responses only, what the schema requires there
// but clients may omit (the stored rule keeps what the client sent):
//   - edge_ttl.status_code_ttl: [] — Cloudflare lists no per-status TTLs as an empty list;
//   - cache_reserve.min_file_size: 0 — the smallest size, Cloudflare's default;
//   - serve_stale.disable_stale_while_updating: false — the default behaviour.
func fillCacheSettings(r Rule) Rule {
	p, _ := r["action_parameters"].(map[string]any)
	fill := func(obj, key string, v any) {
		if m, ok := p[obj].(map[string]any); ok {
			if _, ok := m[key]; !ok {
				m[key] = v
			}
		}
	}
	if r["action"] == "set_cache_settings" {
		fill("edge_ttl", "status_code_ttl", []any{})
		fill("cache_reserve", "min_file_size", 0)
		fill("serve_stale", "disable_stale_while_updating", false)
	}
	return r
}

type pageRuleBody struct {
	Targets  *[]map[string]any `json:"targets"`
	Actions  *[]map[string]any `json:"actions"`
	Priority *int              `json:"priority"`
	Status   *string           `json:"status"`
}

func (s *Server) listPageRules(w http.ResponseWriter, r *http.Request) {
	z := s.zoneFor(w, r)
	if z == nil {
		return
	}
	q := r.URL.Query()
	out := []any{}
	for _, p := range sortedPageRules(z.pageRules, q.Get("order"), q.Get("direction")) {
		if st := q.Get("status"); st == "" || st == p.Status {
			out = append(out, p)
		}
	}
	writeResult(w, out)
}

// sortedPageRules orders by priority (default) or status, descending by default.
func sortedPageRules(rules []*PageRule, order, direction string) []*PageRule {
	out := slices.Clone(rules)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if direction == "asc" {
			a, b = b, a
		}
		if order == "status" {
			return a.Status > b.Status
		}
		return a.Priority > b.Priority
	})
	return out
}

func (s *Server) createPageRule(w http.ResponseWriter, r *http.Request) {
	z := s.zoneFor(w, r)
	if z == nil {
		return
	}
	var body pageRuleBody
	if !decode(w, r, &body) {
		return
	}
	// Disabled rules count too. Code 1008 as seen in a public report of this error.
	if len(z.pageRules) >= pageRuleQuota[z.plan] {
		writeError(w, http.StatusBadRequest, apiError{Code: 1008, Message: "Page Rule limit has been met"})
		return
	}
	ts := now()
	p := &PageRule{ID: newID(), Priority: 1, Status: "disabled", CreatedOn: ts}
	p.apply(body, ts)
	z.pageRules = append(z.pageRules, p)
	writeResult(w, p)
}

// apply sets the fields present in the body; defaults follow the schema (priority 1, status disabled).
func (p *PageRule) apply(b pageRuleBody, ts time.Time) {
	if b.Targets != nil {
		p.Targets = *b.Targets
	}
	if b.Actions != nil {
		p.Actions = *b.Actions
	}
	if b.Priority != nil {
		p.Priority = *b.Priority
	}
	if b.Status != nil {
		p.Status = *b.Status
	}
	p.ModifiedOn = ts
}

func (s *Server) pageRule(w http.ResponseWriter, r *http.Request) (*zone, int) {
	z := s.zoneFor(w, r)
	if z == nil {
		return nil, -1
	}
	i := slices.IndexFunc(z.pageRules, func(p *PageRule) bool { return p.ID == r.PathValue("id") })
	if i < 0 {
		notRoutable(w, r)
	}
	return z, i
}

func (s *Server) getPageRule(w http.ResponseWriter, r *http.Request) {
	if z, i := s.pageRule(w, r); i >= 0 {
		writeResult(w, z.pageRules[i])
	}
}

// updatePageRule serves PUT (replace: absent fields fall back to defaults) and PATCH (merge).
func (s *Server) updatePageRule(w http.ResponseWriter, r *http.Request) {
	z, i := s.pageRule(w, r)
	if i < 0 {
		return
	}
	var body pageRuleBody
	if !decode(w, r, &body) {
		return
	}
	p := z.pageRules[i]
	if r.Method == http.MethodPut {
		p.Priority, p.Status = 1, "disabled"
	}
	p.apply(body, now())
	writeResult(w, p)
}

func (s *Server) deletePageRule(w http.ResponseWriter, r *http.Request) {
	if z, i := s.pageRule(w, r); i >= 0 {
		id := z.pageRules[i].ID
		z.pageRules = slices.Delete(z.pageRules, i, i+1)
		writeResult(w, map[string]any{"id": id})
	}
}

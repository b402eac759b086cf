package cloudflaretest

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// specJSON is Cloudflare's published OpenAPI schema (2024-08 subset, BSD-3-Clause,
// see testdata/LICENSE-cloudflare-openapi.txt); embedded so tests run offline from any folder.
//
//go:embed testdata/cloudflare-openapi-subset.json
var specJSON []byte

// spec holds two routers over the same schema: requests and responses need
// slightly different fixes (see fixRequired), and kin-openapi reads the
// response schema through the route, so each direction gets its own document.
type spec struct{ req, resp routers.Router }

// loadSpec parses the schema once per test binary; kin-openapi only reads the
// documents while validating, so the routers are shared by all servers.
var loadSpec = sync.OnceValues(func() (*spec, error) {
	req, err := loadRouter(true)
	if err != nil {
		return nil, err
	}
	resp, err := loadRouter(false)
	if err != nil {
		return nil, err
	}
	return &spec{req: req, resp: resp}, nil
})

func loadRouter(forRequests bool) (routers.Router, error) {
	doc, err := openapi3.NewLoader().LoadFromData(specJSON)
	if err != nil {
		return nil, err
	}
	s := doc.Components.Schemas
	// Quirk 2: "^[a-z]+$" rejects set_cache_settings; each rule variant already enums its action.
	s["rulesets_RuleAction"].Value.Pattern = "^[a-z_]+$"
	// Quirk 3: the ruleset id is read-only only inside an allOf, so PUT bodies would need it.
	s["rulesets_Ruleset"].Value.Properties["id"].Value.ReadOnly = true
	// Quirk 4: DELETE page rule declares a required body that no client sends.
	doc.Paths.Find("/zones/{zone_id}/pagerules/{pagerule_id}").Delete.RequestBody.Value.Required = false
	// Quirk 5 (not in the reference's list): a rule's position is oneOf before/after/index,
	// but no branch requires its property, so every position matches all three; anyOf.
	pos := doc.Components.RequestBodies["rulesets_Rule"].Value.Content["application/json"].Schema.Value.AllOf[1].Value.Properties["position"].Value
	pos.AnyOf, pos.OneOf = pos.OneOf, nil
	fixFailureSchemas(doc)
	fixDNSRecords(doc, forRequests)
	fixRequired(s, forRequests)
	// Quirk 1: an upstream example matches two oneOf branches.
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		return nil, err
	}
	// Match on the path only, so the double can listen on any loopback port.
	doc.Servers = openapi3.Servers{{URL: basePath}}
	return gorillamux.NewRouter(doc)
}

// fixFailureSchemas works around 4XX schemas no error body can satisfy (not in
// the reference's list): token verify and all page-rule operations declare
// allOf(success envelope, failure envelope), i.e. success enum [true] AND
// enum [false]; and every ruleset error needs result: null, which neither
// rulesets_Response's result ({}) nor rulesets_Failure's (enum [null]) allow
// without nullable. Each 4XX body is checked against its failure envelope alone.
func fixFailureSchemas(doc *openapi3.T) {
	s := doc.Components.Schemas
	for path, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			r := op.Responses.Value("4XX")
			if r == nil || r.Value == nil || r.Ref != "" {
				continue
			}
			switch {
			case path == "/user/tokens/verify":
				r.Value.Content["application/json"].Schema = s["iam_api-response-common-failure"]
			case strings.Contains(path, "/pagerules"):
				r.Value.Content["application/json"].Schema = s["zones_schemas-api-response-common-failure"]
			}
		}
	}
	s["rulesets_Response"].Value.Properties["result"].Value.Nullable = true
	fail := doc.Components.Responses["rulesets_Failure"].Value.Content["application/json"].Schema.Value
	fail.AllOf[1].Value.Properties["result"].Value.Nullable = true
}

// fixRequired relaxes "required" lists of set_cache_settings that are stricter
// than the live API (not in the reference's list). In requests it follows the
// current API as cloudflare-go v7.9.0 encodes it: edge_ttl needs only mode (the
// live API even refuses default unless mode is override_origin, see
// cloudflare/terraform-provider-cloudflare#2080), a status_code_range may be
// open-ended (from or to), cache_reserve needs only eligible, serve_stale
// nothing. Responses keep the schema's rules except edge_ttl.default and the
// open ranges; the double fills the rest (see fillCacheSettings).
func fixRequired(s openapi3.Schemas, forRequests bool) {
	ap := s["rulesets_SetCacheSettingsRule"].Value.AllOf[1].Value.Properties["action_parameters"].Value.Properties
	edge := ap["edge_ttl"].Value
	edge.Properties["status_code_ttl"].Value.Items.Value.Properties["status_code_range"].Value.Required = nil
	edge.Required = []string{"mode", "status_code_ttl"}
	if forRequests {
		edge.Required = []string{"mode"}
		ap["cache_reserve"].Value.Required = []string{"eligible"}
		ap["serve_stale"].Value.Required = nil
	}
}

// fixDNSRecords applies the fixes testdata/README.md lists for the DNS record operations:
// API tokens are accepted as everywhere else; a request need not carry the read-only fields
// the record oneOf requires at its top; DELETE needs no body; and the 4xx answers (spelled
// "4xx", which kin-openapi does not read as a range) are held to the failure envelope alone,
// since allOf(success, failure) no body can satisfy.
func fixDNSRecords(doc *openapi3.T, forRequests bool) {
	s := doc.Components.Schemas
	token := openapi3.SecurityRequirement{"api_token": []string{}}
	for path, item := range doc.Paths.Map() {
		if !strings.HasPrefix(path, "/zones/{zone_id}/dns_records") {
			continue
		}
		for method, op := range item.Operations() {
			if op.Security != nil {
				sec := append(openapi3.SecurityRequirements{token}, *op.Security...)
				op.Security = &sec
			}
			if method == http.MethodDelete && op.RequestBody != nil {
				op.RequestBody.Value.Required = false
			}
			if r := op.Responses.Value("4xx"); r != nil {
				op.Responses.Delete("4xx")
				r.Value.Content["application/json"].Schema = s["dns-records_api-response-common-failure"]
				op.Responses.Set("4XX", r)
			}
		}
	}
	if forRequests {
		s["dns-records_dns-record"].Value.Required = []string{"type", "name", "content"}
	}
}

// validation is the schema context of one request to a schema-covered route.
type validation struct {
	req  *openapi3filter.RequestValidationInput
	resp *openapi3filter.RequestValidationInput
}

var filterOptions = &openapi3filter.Options{
	AuthenticationFunc: bearerOnly,
	// Defaults are applied by the double itself, as Cloudflare does, not written into the body.
	SkipSettingDefaults: true,
	MultiError:          true,
}

// bearerOnly asserts the security requirement: this double (like the tool)
// speaks API tokens only, so the legacy X-Auth-Email/X-Auth-Key schemes fail.
func bearerOnly(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if in.SecuritySchemeName != "api_token" {
		return fmt.Errorf("scheme %s not supported by the double", in.SecuritySchemeName)
	}
	h := in.RequestValidationInput.Request.Header.Get("Authorization")
	if tok, ok := strings.CutPrefix(h, "Bearer "); !ok || tok == "" {
		return errors.New("missing Authorization: Bearer <token>")
	}
	return nil
}

// find returns the schema context for r, or nil when the route is not in the
// schema (such as dns_records), which is then served unvalidated.
func (sp *spec) find(r *http.Request) *validation {
	route, params, err := sp.req.FindRoute(r)
	if err != nil {
		return nil
	}
	rRoute, rParams, err := sp.resp.FindRoute(r)
	if err != nil {
		return nil
	}
	return &validation{
		req:  &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: filterOptions},
		resp: &openapi3filter.RequestValidationInput{Request: r, PathParams: rParams, Route: rRoute, Options: filterOptions},
	}
}

func (v *validation) operation() string { return v.req.Route.Operation.OperationID }

// checkRequest validates the request; ValidateRequest puts the body back afterwards.
func (v *validation) checkRequest(r *http.Request) error {
	v.req.Request = r
	return openapi3filter.ValidateRequest(r.Context(), v.req)
}

func (v *validation) checkResponse(r *http.Request, status int, h http.Header, body []byte) error {
	v.resp.Request = r
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: v.resp,
		Status: status, Header: h, Options: filterOptions}
	out.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(r.Context(), out)
}

// isDecodeError tells a body that is not JSON at all from one that breaks the schema.
func isDecodeError(err error) bool {
	var re *openapi3filter.RequestError
	return errors.As(err, &re) && re.RequestBody != nil && re.Reason == "failed to decode request body"
}

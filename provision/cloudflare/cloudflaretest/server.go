// Package cloudflaretest is an httptest double of the Cloudflare v4 API for
// tests of other packages: tokens, zones, the phase entry point rulesets (cache rules,
// and origin rules with the plan entitlements of their settings), page rules and DNS
// records (list, create, get, update, delete). Every request to, and every response from,
// a route covered by Cloudflare's published OpenAPI schema is validated
// against it; a violation is reported as a test error and answered with 400.
package cloudflaretest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// basePath is where the real API lives on api.cloudflare.com.
const basePath = "/client/v4"

// Server is a fake Cloudflare API. All methods are safe for concurrent use.
type Server struct {
	t      testing.TB
	srv    *httptest.Server
	mux    *http.ServeMux
	spec   *spec
	report func(string)

	mu       sync.Mutex
	tokens   map[string]*token
	zones    map[string]*zone
	requests []Request
	faults   []fault
	hook     func(*http.Request) (int, bool)
	endless  bool
}

// Option configures New.
type Option func(*Server)

// WithReporter replaces t.Errorf as the sink for schema violations, so a test
// can provoke one on purpose and assert on it.
func WithReporter(report func(msg string)) Option {
	return func(s *Server) { s.report = report }
}

// Request is one request the server received, path relative to URL().
type Request struct {
	Method, Path, Query string
}

type fault struct{ status, retryAfter int }

// New starts a server that is closed when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	sp, err := loadSpec()
	if err != nil {
		t.Fatalf("cloudflaretest: load OpenAPI schema: %v", err)
	}
	s := &Server{t: t, spec: sp, tokens: map[string]*token{}, zones: map[string]*zone{}}
	s.report = func(msg string) { t.Errorf("%s", msg) }
	for _, o := range opts {
		o(s)
	}
	s.routes()
	s.srv = httptest.NewServer(s)
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the API base URL for option.WithBaseURL, like https://api.cloudflare.com/client/v4.
func (s *Server) URL() string { return s.srv.URL + basePath }

// Requests lists every request received so far, faults included.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Writes counts the PUT, POST, PATCH and DELETE requests received so far.
func (s *Server) Writes() int {
	n := 0
	for _, r := range s.Requests() {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			n++
		}
	}
	return n
}

// ResetRequests forgets the requests received so far.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// FailNext answers the next n requests with status and a Cloudflare error
// body, plus a Retry-After header when retryAfterSeconds > 0.
func (s *Server) FailNext(n, status, retryAfterSeconds int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, fault{status, retryAfterSeconds})
	}
}

// OnRequest installs a hook called before each request is handled; when it
// returns ok, the request is answered with status and a Cloudflare error body
// (no Retry-After: use FailNext for that). nil removes the hook.
func (s *Server) OnRequest(hook func(r *http.Request) (status int, ok bool)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = hook
}

// ServeHTTP records the request, injects faults, then serves and validates it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, Request{r.Method, strings.TrimPrefix(r.URL.Path, basePath), r.URL.RawQuery})
	hook := s.hook
	var f *fault
	if len(s.faults) > 0 {
		f, s.faults = &s.faults[0], s.faults[1:]
	}
	s.mu.Unlock()
	if f == nil && hook != nil {
		if status, ok := hook(r); ok {
			f = &fault{status: status}
		}
	}
	// Faults stand for Cloudflare's edge (rate limiter, origin errors), whose
	// bodies the schema does not describe, so they skip validation.
	if f != nil {
		if f.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter))
		}
		writeError(w, f.status, faultError(f.status))
		return
	}
	v := s.spec.find(r)
	rec := httptest.NewRecorder()
	s.mux.ServeHTTP(rec, r.WithContext(withValidation(r.Context(), v)))
	if v != nil {
		if err := v.checkResponse(r, rec.Code, rec.Header(), rec.Body.Bytes()); err != nil {
			s.report(fmt.Sprintf("cloudflaretest: %s response %d does not match the Cloudflare schema: %v\nbody: %s",
				v.operation(), rec.Code, err, rec.Body.Bytes()))
			rec = httptest.NewRecorder()
			writeError(rec, http.StatusBadRequest, apiError{Code: 10001, Message: "cloudflaretest: response violates the schema: " + err.Error()})
		}
	}
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

// faultError is the body Cloudflare sends with an injected status.
func faultError(status int) apiError {
	switch {
	case status == http.StatusTooManyRequests:
		return apiError{Code: 971, Message: "Please wait and consider throttling your request speed"}
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return errAuth
	default:
		return apiError{Code: 10001, Message: http.StatusText(status)}
	}
}

// apiError is one entry of the envelope's errors list.
type apiError struct {
	Code    int     `json:"code"`
	Message string  `json:"message"`
	Source  *source `json:"source,omitempty"`
}

type source struct {
	Pointer string `json:"pointer"`
}

var errAuth = apiError{Code: 10000, Message: "Authentication error"}

// envelope is Cloudflare's response wrapper, result_info only on lists.
type envelope struct {
	Success    bool        `json:"success"`
	Errors     []apiError  `json:"errors"`
	Messages   []apiError  `json:"messages"`
	Result     any         `json:"result"`
	ResultInfo *resultInfo `json:"result_info,omitempty"`
}

type resultInfo struct {
	Page       int `json:"page"`
	PerPage    int `json:"per_page"`
	Count      int `json:"count"`
	TotalCount int `json:"total_count"`
	TotalPages int `json:"total_pages"`
}

func writeJSON(w http.ResponseWriter, status int, env envelope) {
	if env.Errors == nil {
		env.Errors = []apiError{}
	}
	if env.Messages == nil {
		env.Messages = []apiError{}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(env)
}

func writeResult(w http.ResponseWriter, result any, msgs ...apiError) {
	writeJSON(w, http.StatusOK, envelope{Success: true, Result: result, Messages: msgs})
}

func writeError(w http.ResponseWriter, status int, errs ...apiError) {
	writeJSON(w, status, envelope{Errors: errs})
}

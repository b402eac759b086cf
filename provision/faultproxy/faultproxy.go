// Package faultproxy is a loopback HTTP proxy for tests that injects the faults real
// providers have: 503 SlowDown, 429 with Retry-After, 5xx, connection resets (before the
// request reaches the server, or after it was carried out), and latency, at a set rate.
package faultproxy

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Fault is one kind of injected failure.
type Fault string

// The faults the proxy can inject.
const (
	SlowDown    Fault = "503-slowdown"   // 503 with S3's SlowDown error
	TooMany     Fault = "429"            // 429 with Retry-After: 1 and Cloudflare's envelope
	BadGateway  Fault = "502"            // 502 from a broken gateway
	Reset       Fault = "reset"          // connection reset before the server sees the request
	ResetAfter  Fault = "reset-after"    // the server carries the request out, the client sees a reset
	Unavailable Fault = "503-cloudflare" // 503 with Cloudflare's envelope
)

// Options set what the proxy does.
type Options struct {
	Rate    float64       // share of requests that get a fault, 0..1
	Faults  []Fault       // the faults to choose from, evenly
	Latency time.Duration // added to every request
	Seed    uint64        // for a repeatable sequence
	// Tamper, when set, may change every answer the target gave before the client gets it:
	// a provider that answers wrongly rather than failing (see ReverseListings, Chunked, Endless).
	Tamper func(*http.Request, *http.Response) error
	// Deny, when set, answers the requests it matches 403 AccessDenied without passing them
	// on, as a provider does for keys that lack the permission.
	Deny func(*http.Request) bool
}

// Proxy forwards to a target, injecting faults.
type Proxy struct {
	srv      *httptest.Server
	opt      Options
	mu       sync.Mutex
	rng      *rand.Rand
	requests atomic.Int64
	injected map[Fault]int
}

// New starts a proxy to target on 127.0.0.1, closed when the test ends.
func New(t testing.TB, target string, opt Options) *Proxy {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatalf("faultproxy: target %q: %v", target, err)
	}
	p := &Proxy{opt: opt, rng: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15)), injected: map[Fault]int{}}
	// The Host header is kept as the client sent it: SigV4 signs it.
	forward := httputil.NewSingleHostReverseProxy(u)
	forward.ErrorHandler = func(w http.ResponseWriter, _ *http.Request, err error) {
		http.Error(w, err.Error(), http.StatusBadGateway)
	}
	if opt.Tamper != nil {
		forward.ModifyResponse = func(resp *http.Response) error { return opt.Tamper(resp.Request, resp) }
	}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.requests.Add(1)
		if p.opt.Latency > 0 {
			time.Sleep(p.opt.Latency)
		}
		if p.opt.Deny != nil && p.opt.Deny(r) {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`)
			return
		}
		switch fault := p.pick(); fault {
		case SlowDown:
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`)
		case TooMany:
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"success":false,"errors":[{"code":971,"message":"Please wait and consider throttling your request speed"}],"messages":[],"result":null}`)
		case Unavailable:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"success":false,"errors":[{"code":10001,"message":"service temporarily unavailable"}],"messages":[],"result":null}`)
		case BadGateway:
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, "<html><body>502 Bad Gateway</body></html>")
		case Reset:
			reset(w)
		case ResetAfter:
			forward.ServeHTTP(httptest.NewRecorder(), r)
			reset(w)
		default:
			forward.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// URL is the proxy's base URL, to give the client in place of the target's.
func (p *Proxy) URL() string { return p.srv.URL }

// Requests counts the requests the proxy received.
func (p *Proxy) Requests() int64 { return p.requests.Load() }

// Injected counts the faults injected, by kind.
func (p *Proxy) Injected() map[Fault]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[Fault]int{}
	for k, v := range p.injected {
		out[k] = v
	}
	return out
}

// SetRate changes the fault rate, for a fault-free phase after a faulty one.
func (p *Proxy) SetRate(rate float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.opt.Rate = rate
}

func (p *Proxy) pick() Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.opt.Faults) == 0 || p.rng.Float64() >= p.opt.Rate {
		return ""
	}
	f := p.opt.Faults[p.rng.IntN(len(p.opt.Faults))]
	p.injected[f]++
	return f
}

// reset closes the client's connection with a TCP RST, as a dropped connection looks.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("faultproxy: connection cannot be hijacked")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	conn.Close()
}

// IsListObjectsV2 reports whether r lists a bucket's objects (GET /bucket?list-type=2).
func IsListObjectsV2(r *http.Request) bool {
	return r.Method == http.MethodGet && r.URL.Query().Get("list-type") == "2"
}

// IsGetObject reports whether r reads an object's content (GET /bucket/key, path-style).
func IsGetObject(r *http.Request) bool {
	if r.Method != http.MethodGet {
		return false
	}
	q := r.URL.Query()
	for _, sub := range []string{"list-type", "versions", "uploads", "uploadId", "acl", "tagging", "policy", "versioning", "lifecycle", "cors", "location"} {
		if q.Has(sub) {
			return false
		}
	}
	return strings.Count(strings.Trim(r.URL.Path, "/"), "/") >= 1
}

var (
	contentsBlock = regexp.MustCompile(`(?s)<Contents>.*?</Contents>`)
	etagElement   = regexp.MustCompile(`<ETag>[^<]*</ETag>`)
)

// ReverseListings is a Tamper that gives every ListObjectsV2 page's objects in reverse key
// order, as a provider that does not sort would (the keys are all there, out of order).
func ReverseListings(r *http.Request, resp *http.Response) error {
	if !IsListObjectsV2(r) || resp.StatusCode != http.StatusOK {
		return nil
	}
	return rewriteBody(resp, func(body []byte) []byte {
		blocks := contentsBlock.FindAll(body, -1)
		if len(blocks) < 2 {
			return body
		}
		i := len(blocks)
		return contentsBlock.ReplaceAllFunc(body, func([]byte) []byte { i--; return blocks[i] })
	})
}

// RepeatListings is a Tamper that lists every ListObjectsV2 page's first object twice, the
// second time with another ETag, as a provider listing a key it is still writing might.
func RepeatListings(r *http.Request, resp *http.Response) error {
	if !IsListObjectsV2(r) || resp.StatusCode != http.StatusOK {
		return nil
	}
	return rewriteBody(resp, func(body []byte) []byte {
		first := contentsBlock.Find(body)
		if first == nil {
			return body
		}
		twin := etagElement.ReplaceAll(first, []byte(`<ETag>&#34;00000000000000000000000000000000&#34;</ETag>`))
		i := bytes.Index(body, first) + len(first)
		return append(body[:i:i], append(twin, body[i:]...)...)
	})
}

// Chunked is a Tamper that sends object contents without Content-Length (chunked), as some
// gateways and CDNs in front of a provider do.
func Chunked(r *http.Request, resp *http.Response) error {
	if IsGetObject(r) && resp.StatusCode/100 == 2 {
		resp.Header.Del("Content-Length")
		resp.ContentLength = -1
		resp.TransferEncoding = []string{"chunked"}
	}
	return nil
}

// Endless is a Tamper that sends every object's content as a body that never ends (chunked,
// after the object's own bytes comes an endless stream of zeros).
func Endless(r *http.Request, resp *http.Response) error {
	if IsGetObject(r) && resp.StatusCode/100 == 2 {
		resp.Header.Del("Content-Length")
		resp.ContentLength = -1
		resp.TransferEncoding = []string{"chunked"}
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(resp.Body, zeros{}), resp.Body}
	}
	return nil
}

type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

func rewriteBody(resp *http.Response, f func([]byte) []byte) error {
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	body = f(body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return nil
}

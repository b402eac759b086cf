// Package faultproxy is a loopback HTTP proxy for tests that injects the faults real
// providers have: 503 SlowDown, 429 with Retry-After, 5xx, connection resets (before the
// request reaches the server, or after it was carried out), and latency, at a set rate.
package faultproxy

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
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
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.requests.Add(1)
		if p.opt.Latency > 0 {
			time.Sleep(p.opt.Latency)
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

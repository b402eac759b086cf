package s3test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Quirks are ways of other S3 servers, reproduced by a proxy in front of versitygw. Each was
// seen on a widely used S3 implementation (real-paths issue).
type Quirks struct {
	// PolicyNormalForm: a bucket policy comes back in the server's own normal form: Principal
	// "*" as {"AWS":["*"]}, Action and Resource as arrays, keys in another order.
	PolicyNormalForm bool
	// NoCORS: the server offers no bucket CORS: GET ?cors answers NoSuchCORSConfiguration (as
	// if none were set) and PUT ?cors answers NotImplemented.
	NoCORS bool
	// LoseConcurrentWrites: the server keeps a bucket's configuration as one record, last
	// writer wins: of configuration writes to one bucket that overlap in time, only the first
	// is carried out; the others are acknowledged (200) and lost.
	LoseConcurrentWrites bool
	// Hold keeps each configuration write this long before it goes on, as a slow server
	// would, so that writes sent at once do overlap.
	Hold time.Duration
	// Together holds each request for this sub-resource (or these, separated by spaces) until
	// TogetherN of them are held at once, then lets them all go: it tells requests sent at once
	// from requests sent one after another without timing them. One still held after
	// TogetherWait goes on, counted by Apart.
	Together  string
	TogetherN int
	// Lifecycle: the proxy answers ?lifecycle itself, keeping each bucket's configuration as
	// it was sent (versitygw offers none), as a provider with lifecycle rules does.
	Lifecycle bool
	// DropRuleIDs: with Lifecycle, the configuration read back has no rule ids, as some
	// servers answer.
	DropRuleIDs bool
	// ForeignBucket is a bucket name another account owns, answered as Ceph RGW answers it:
	// a bare 403 to HEAD, AccessDenied to every other request.
	ForeignBucket string
	// Redirect answers every request with a 301 to this URL, as a provider that moved (or a
	// misconfigured gateway) does; with RedirectRegion, also naming the bucket's region as S3
	// does for a bucket of another region.
	Redirect       string
	RedirectRegion string
	// Fail answers every request for this sub-resource ("versions": the version listing)
	// with 500 InternalError, as a provider in trouble does; the rest go through.
	Fail string
	// ConditionalCopy: the proxy honours If-None-Match: * on CopyObject (412 when the key is
	// taken), as AWS does; versitygw 1.8 ignores it there. (A HEAD, then the copy: a stand-in
	// for a provider, not atomic.)
	ConditionalCopy bool
}

// TogetherWait is how long Quirks.Together holds a request that the others never join.
const TogetherWait = 5 * time.Second

// Request is one request the proxy received.
type Request struct {
	Method string
	Bucket string
	// Sub is the sub-resource: versioning, lifecycle, cors, policy, acl, tagging, list-type,
	// versions, location, "" for the bucket or an object itself.
	Sub string
	Key string
	// VersionID is the versionId the request names, "" for none.
	VersionID string
	// CopySource is the x-amz-copy-source header: the request is a CopyObject or an
	// UploadPartCopy, and the server reads no body from the client.
	CopySource string
	// Query is the request's query string, as sent.
	Query string
}

// Quirky is a running proxy with quirks.
type Quirky struct {
	URL string

	mu       sync.Mutex
	inFlight map[string]int // configuration writes under way, by bucket
	lost     []Request
	log      []Request
	held     int               // requests Quirks.Together has held so far
	gate     chan struct{}     // closed when Quirks.TogetherN were held at once
	apart    int               // requests that went on after TogetherWait
	rules    map[string][]byte // Quirks.Lifecycle: each bucket's configuration as sent
	direct   *s3.Client        // Quirks.ConditionalCopy: the server itself
}

// subresources are the query keys that name what a request is about.
var subresources = []string{"versioning", "lifecycle", "cors", "policy", "acl", "tagging", "list-type", "versions", "location", "uploads", "delete"}

func parse(r *http.Request) Request {
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, _ := strings.Cut(path, "/")
	q := r.URL.Query()
	req := Request{Method: r.Method, Bucket: bucket, Key: key, VersionID: q.Get("versionId"), CopySource: r.Header.Get("X-Amz-Copy-Source"), Query: r.URL.RawQuery}
	for _, s := range subresources {
		if q.Has(s) {
			req.Sub = s
			break
		}
	}
	return req
}

// StartQuirky starts the proxy in front of srv, closed when the test ends. Give its URL to
// the client in place of srv.Endpoint (path-style): the Host header is kept, so SigV4 holds.
func StartQuirky(t testing.TB, srv *Server, q Quirks) *Quirky {
	t.Helper()
	target, err := url.Parse(srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	p := &Quirky{inFlight: map[string]int{}, gate: make(chan struct{}), rules: map[string][]byte{}, direct: srv.Client(t)}
	forward := httputil.NewSingleHostReverseProxy(target)
	forward.ModifyResponse = func(resp *http.Response) error {
		if !q.PolicyNormalForm || resp.StatusCode != http.StatusOK || parse(resp.Request).Sub != "policy" || resp.Request.Method != http.MethodGet {
			return nil
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		body = normalForm(body)
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := parse(r)
		p.mu.Lock()
		p.log = append(p.log, req)
		p.mu.Unlock()
		if q.Together != "" && req.Sub != "" && slices.Contains(strings.Fields(q.Together), req.Sub) {
			p.together(q.TogetherN)
		}
		if q.Fail != "" && req.Sub == q.Fail {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>`)
			return
		}
		if q.Redirect != "" {
			w.Header().Set("Location", q.Redirect+r.URL.Path)
			if q.RedirectRegion != "" {
				w.Header().Set("X-Amz-Bucket-Region", q.RedirectRegion)
			}
			w.WriteHeader(http.StatusMovedPermanently)
			return
		}
		if q.ForeignBucket != "" && req.Bucket == q.ForeignBucket {
			if r.Method == http.MethodHead {
				w.WriteHeader(http.StatusForbidden)
				return
			}
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><BucketName>%s</BucketName></Error>`, req.Bucket)
			return
		}
		if q.ConditionalCopy && req.CopySource != "" && r.Header.Get("If-None-Match") == "*" && !r.URL.Query().Has("uploadId") && p.exists(r) {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusPreconditionFailed)
			fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>`)
			return
		}
		if q.Lifecycle && req.Sub == "lifecycle" {
			p.lifecycle(w, r, req.Bucket, q.DropRuleIDs)
			return
		}
		if q.NoCORS && req.Sub == "cors" {
			w.Header().Set("Content-Type", "application/xml")
			code, status := "NoSuchCORSConfiguration", http.StatusNotFound
			if r.Method != http.MethodGet {
				code, status = "NotImplemented", http.StatusNotImplemented
			}
			w.WriteHeader(status)
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><BucketName>%s</BucketName></Error>`, code, code, req.Bucket)
			return
		}
		isWrite := (r.Method == http.MethodPut || r.Method == http.MethodDelete) && slices.Contains([]string{"versioning", "lifecycle", "cors", "policy", "tagging"}, req.Sub)
		if isWrite && q.LoseConcurrentWrites {
			p.mu.Lock()
			p.inFlight[req.Bucket]++
			overlapping := p.inFlight[req.Bucket] > 1
			if overlapping {
				p.lost = append(p.lost, req)
			}
			p.mu.Unlock()
			defer func() {
				p.mu.Lock()
				p.inFlight[req.Bucket]--
				p.mu.Unlock()
			}()
			if q.Hold > 0 {
				time.Sleep(q.Hold)
			}
			if overlapping { // acknowledged, and lost
				_, _ = io.Copy(io.Discard, r.Body)
				w.WriteHeader(http.StatusOK)
				return
			}
		}
		forward.ServeHTTP(w, r)
	})
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	p.URL = s.URL
	return p
}

// exists asks the server (with its root keys) whether the object a copy would write is there.
func (p *Quirky) exists(r *http.Request) bool {
	req := parse(r)
	_, err := p.direct.HeadObject(r.Context(), &s3.HeadObjectInput{Bucket: aws.String(req.Bucket), Key: aws.String(req.Key)})
	return err == nil
}

// together holds a request until n are held (see Quirks.Together).
func (p *Quirky) together(n int) {
	p.mu.Lock()
	p.held++
	if p.held == n {
		close(p.gate)
	}
	p.mu.Unlock()
	select {
	case <-p.gate:
	case <-time.After(TogetherWait):
		p.mu.Lock()
		p.apart++
		p.mu.Unlock()
	}
}

// Apart counts the requests Quirks.Together let go alone, after TogetherWait: 0 when they were
// all sent at once.
func (p *Quirky) Apart() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.apart
}

// Lost lists the writes that were acknowledged and not carried out.
func (p *Quirky) Lost() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.lost)
}

// Requests lists the requests received, in order of arrival.
func (p *Quirky) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.log)
}

// Reset forgets the requests received so far.
func (p *Quirky) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.log, p.lost = nil, nil
}

// normalForm rewrites a policy the way such a server stores it: principals as {"AWS":[...]},
// Action and Resource as arrays, keys in reverse order.
func normalForm(policy []byte) []byte {
	var doc map[string]any
	if json.Unmarshal(policy, &doc) != nil {
		return policy
	}
	stmts, _ := doc["Statement"].([]any)
	var out []string
	for _, s := range stmts {
		m, ok := s.(map[string]any)
		if !ok {
			continue
		}
		if p, ok := m["Principal"].(string); ok {
			m["Principal"] = map[string]any{"AWS": []string{p}}
		}
		for _, k := range []string{"Action", "Resource"} {
			if v, ok := m[k].(string); ok {
				m[k] = []string{v}
			}
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		slices.Reverse(keys)
		var fields []string
		for _, k := range keys {
			kb, _ := json.Marshal(k)
			vb, _ := json.Marshal(m[k])
			fields = append(fields, string(kb)+":"+string(vb))
		}
		out = append(out, "{"+strings.Join(fields, ",")+"}")
	}
	return []byte(`{"Statement":[` + strings.Join(out, ",") + `],"Version":"2012-10-17"}`)
}

// ruleID is a lifecycle rule's id element, for Quirks.DropRuleIDs.
var ruleID = regexp.MustCompile(`<ID>[^<]*</ID>`)

// lifecycle serves ?lifecycle of a bucket from the proxy's own store (Quirks.Lifecycle).
func (p *Quirky) lifecycle(w http.ResponseWriter, r *http.Request, bucket string, dropIDs bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	w.Header().Set("Content-Type", "application/xml")
	switch r.Method {
	case http.MethodPut:
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		p.rules[bucket] = body
	case http.MethodGet:
		doc, ok := p.rules[bucket]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchLifecycleConfiguration</Code><Message>none</Message><BucketName>%s</BucketName></Error>`, bucket)
			return
		}
		if dropIDs {
			doc = ruleID.ReplaceAll(doc, nil)
		}
		_, _ = w.Write(doc)
	case http.MethodDelete:
		delete(p.rules, bucket)
		w.WriteHeader(http.StatusNoContent)
	}
}

// LifecycleRules is the lifecycle configuration of a bucket as last written (Quirks.Lifecycle).
func (p *Quirky) LifecycleRules(bucket string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return string(p.rules[bucket])
}

// Command latencyproxy is a loopback HTTP proxy for the benchmarks (bench/run): it holds every
// request for a fixed delay before passing it on to one S3 server, to model a real provider's
// round trip, and logs one line per request so the requests of each tool can be counted.
//
//	latencyproxy -target http://127.0.0.1:7070 -delay 50ms -log requests.tsv -addr-file addr
//
// It listens on 127.0.0.1 only and forwards to a loopback target only. The Host header is
// passed on as the client sent it, so signed requests (SigV4 signs the host) stay valid.
//
// The log is tab-separated, one line per finished request:
//
//	start_ms  end_ms  method  bucket  subresource  status
//
// start_ms and end_ms are milliseconds since the proxy started; subresource is the first query
// key that names an S3 sub-resource (versioning, lifecycle, list-type, ...) or "-".
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "loopback address to listen on")
	target := flag.String("target", "", "the S3 server, a loopback URL such as http://127.0.0.1:7070")
	delay := flag.Duration("delay", 50*time.Millisecond, "delay added to each request before it is passed on")
	logPath := flag.String("log", "", "append one line per request to this file (default: none)")
	addrFile := flag.String("addr-file", "", "write the address listened on to this file once listening")
	lifecycle := flag.Bool("lifecycle", false, "answer bucket lifecycle requests itself, keeping the documents in memory (versitygw offers no lifecycle rules), so the benchmark is of a provider that has them")
	conditionalCopy := flag.Bool("conditional-copy", false, "honour If-None-Match: * on CopyObject (412 when the key is taken), as AWS does and versitygw 1.8 does not: the destination is asked with a HEAD signed with S3_ACCESS_KEY and S3_SECRET_KEY (not atomic: a stand-in for such a provider)")
	flag.Parse()

	tu, err := url.Parse(*target)
	if err != nil || tu.Host == "" {
		log.Fatalf("latencyproxy: -target must be a URL such as http://127.0.0.1:7070")
	}
	if !loopback(tu.Hostname()) {
		log.Fatalf("latencyproxy: -target %s is not a loopback address", tu.Host)
	}
	host, _, err := net.SplitHostPort(*listen)
	if err != nil || !loopback(host) {
		log.Fatalf("latencyproxy: -listen %s is not a loopback address", *listen)
	}

	var logw *requestLog
	if *logPath != "" {
		f, err := os.OpenFile(*logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			log.Fatal(err)
		}
		logw = &requestLog{f: f}
	}

	rp := httputil.NewSingleHostReverseProxy(tu)
	rp.Transport = &http.Transport{
		Proxy:               nil,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     90 * time.Second,
		// bench/run restarts the S3 server between runs: a kept connection would be stale.
		DisableKeepAlives: true,
	}
	rp.ErrorLog = log.New(os.Stderr, "latencyproxy: ", 0)
	began := time.Now()
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Since(began)
		time.Sleep(*delay)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		if *lifecycle && r.URL.Query().Has("lifecycle") {
			lifecycles.serve(sw, r)
		} else if *conditionalCopy && r.Method == http.MethodPut && r.Header.Get("X-Amz-Copy-Source") != "" &&
			r.Header.Get("If-None-Match") == "*" && !r.URL.Query().Has("uploadId") && taken(*target, r.URL.EscapedPath()) {
			sw.Header().Set("Content-Type", "application/xml")
			sw.WriteHeader(http.StatusPreconditionFailed)
			fmt.Fprint(sw, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>`)
		} else {
			rp.ServeHTTP(sw, r)
		}
		if logw != nil {
			logw.write(start, time.Since(began), r, sw.status)
		}
	})

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	if *addrFile != "" {
		if err := os.WriteFile(*addrFile, []byte(ln.Addr().String()+"\n"), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}

// taken asks the target whether an object is there: a HEAD signed with the bench's keys.
func taken(target, path string) bool {
	req, err := http.NewRequest(http.MethodHead, target+path, nil)
	if err != nil {
		return false
	}
	const empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	req.Header.Set("X-Amz-Content-Sha256", empty)
	creds := aws.Credentials{AccessKeyID: os.Getenv("S3_ACCESS_KEY"), SecretAccessKey: os.Getenv("S3_SECRET_KEY")}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, empty, "s3", "us-east-1", time.Now()); err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// lifecycleStore holds each bucket's lifecycle configuration as it was sent: the S3
// lifecycle API of a provider that has one, after the same delay as every other request.
type lifecycleStore struct {
	mu   sync.Mutex
	docs map[string][]byte
}

var lifecycles = &lifecycleStore{docs: map[string][]byte{}}

func (l *lifecycleStore) serve(w http.ResponseWriter, r *http.Request) {
	bucket := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 2)[0]
	l.mu.Lock()
	defer l.mu.Unlock()
	switch r.Method {
	case http.MethodPut:
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		l.docs[bucket] = body
		w.WriteHeader(http.StatusOK)
	case http.MethodGet:
		doc, ok := l.docs[bucket]
		if !ok {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchLifecycleConfiguration</Code><Message>The lifecycle configuration does not exist</Message><BucketName>%s</BucketName></Error>`, bucket)
			return
		}
		w.Header().Set("Content-Type", "application/xml")
		_, _ = w.Write(doc)
	case http.MethodDelete:
		delete(l.docs, bucket)
		w.WriteHeader(http.StatusNoContent)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// requestLog writes the log lines one at a time.
type requestLog struct {
	mu sync.Mutex
	f  *os.File
}

func (l *requestLog) write(start, end time.Duration, r *http.Request, status int) {
	bucket := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 2)[0]
	if bucket == "" {
		bucket = "-"
	}
	line := fmt.Sprintf("%d\t%d\t%s\t%s\t%s\t%d\n", start.Milliseconds(), end.Milliseconds(), r.Method, bucket, subresource(r.URL.Query()), status)
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = l.f.WriteString(line)
}

// subresource names what a request is about beyond its method: the S3 sub-resource in the
// query ("versioning", "lifecycle", "list-type", ...), "-" when there is none.
func subresource(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		if !strings.HasPrefix(strings.ToLower(k), "x-amz-") {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return "-"
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

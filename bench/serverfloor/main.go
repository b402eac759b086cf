// Command serverfloor measures what the S3 server itself needs for a site's new buckets on this
// machine, with no added latency and no assetwiz: a bare client (net/http and the SDK's SigV4
// signer, nothing else) sends the work of a new versioned bucket in waves, every bucket at
// once within a wave — HEAD, create, versioning (and lifecycle) — and prints the wall time of
// each wave; with -chains, each bucket's requests follow one another and no bucket waits for
// another, the least any client can take.
//
//	serverfloor -endpoint http://127.0.0.1:7070 -buckets 200 -prefix floor-
//
// With -noop, on the buckets a run with the same -prefix made, it is the bare client of a no-op
// re-apply: per bucket GET ?versioning (the bucket exists), then each document of -reads at
// once, every bucket at once; it prints the total.
//
//	serverfloor -endpoint http://127.0.0.1:7070 -buckets 200 -prefix floor- -noop
//
// With -put DIR, it is the bare client of a sync instead: every file under DIR/<directory>/
// is PUT as <prefix><directory>/<path>, -inflight at once (Content-MD5, unsigned payload, as
// assetwiz sends them), and it prints the total.
//
//	serverfloor -endpoint http://127.0.0.1:7070 -put ./site -prefix www-example-com-assets- -inflight 64
//
// With -sdk, the same requests (-chains, -noop) go through the AWS SDK's S3 client configured as
// assetwiz's is (path-style, no retry in the SDK, checksums only where required) but with the
// SDK's whole middleware stack (assetwiz takes the inert ones out: provision/buckets leanStack),
// instead of bare signed requests: what any client built on the SDK costs, with no plan and no file.
//
//	serverfloor -endpoint http://127.0.0.1:7070 -buckets 200 -prefix floor- -chains -sdk
//
// bench/run adds these times to the work floor (round trips × delay) to show how much of a
// large apply's time the server and this machine's CPU take, whatever the client. The keys are
// read from S3_ACCESS_KEY and S3_SECRET_KEY. Loopback endpoints only.
package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const lifecycleRule = `<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ID>assetwiz-noncurrent</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>30</NoncurrentDays></NoncurrentVersionExpiration></Rule></LifecycleConfiguration>`

const versioningOn = `<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>`

func main() {
	endpoint := flag.String("endpoint", "", "the S3 server, a loopback URL such as http://127.0.0.1:7070")
	buckets := flag.Int("buckets", 200, "how many buckets, all at once in each wave")
	prefix := flag.String("prefix", "serverfloor-", "bucket name prefix")
	region := flag.String("region", "us-east-1", "signing region")
	chains := flag.Bool("chains", false, "no waves: each bucket's requests one after another, every bucket at once; prints only the total")
	lifecycle := flag.Bool("lifecycle", false, "add a fourth wave, the lifecycle rule (for an endpoint that offers lifecycle rules, such as bench/latencyproxy -lifecycle)")
	lifecycleStatus := flag.Int("lifecycle-status", http.StatusOK, "the lifecycle PUT's expected status (501 for versitygw as it is, which refuses it)")
	noop := flag.Bool("noop", false, "the bare client of a no-op (see above), on buckets made before with the same -prefix; prints only the total")
	reads := flag.String("reads", "lifecycle,cors,policy", "with -noop: the documents read at once after GET ?versioning")
	putDir := flag.String("put", "", "PUT every file under this folder's directories (see above) instead of making buckets")
	inflight := flag.Int("inflight", 64, "with -put: requests at once")
	only := flag.String("only", "", "with -put: only the directories whose name starts with this")
	useSDK := flag.Bool("sdk", false, "send the bucket requests through the AWS SDK's S3 client, as assetwiz does (see above)")
	flag.Parse()
	u, err := url.Parse(*endpoint)
	if err != nil || u.Host == "" {
		log.Fatal("serverfloor: -endpoint must be a URL such as http://127.0.0.1:7070")
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		log.Fatalf("serverfloor: %s is not a loopback address", u.Host)
	}
	c := client{
		base:   *endpoint,
		region: *region,
		creds:  aws.Credentials{AccessKeyID: os.Getenv("S3_ACCESS_KEY"), SecretAccessKey: os.Getenv("S3_SECRET_KEY")},
		signer: v4.NewSigner(),
		http: &http.Client{Transport: &http.Transport{
			MaxIdleConnsPerHost: *buckets + 1, // the next wave reuses the connections, as any client would
		}},
	}
	var send sender = c
	if *useSDK {
		send = newSDKClient(c)
	}
	if *putDir != "" {
		c.http.Transport.(*http.Transport).MaxIdleConnsPerHost = *inflight
		began := time.Now()
		n, err := c.putAll(*putDir, *prefix, *only, *inflight)
		if err != nil {
			log.Fatalf("serverfloor: %v", err)
		}
		fmt.Printf("put\t%.1f\t%d\n", ms(time.Since(began)), n)
		return
	}
	names := make([]string, *buckets)
	for i := range names {
		names[i] = fmt.Sprintf("%s%04d", *prefix, i)
	}
	waves := []wave{
		{"head", http.MethodHead, "", "", http.StatusNotFound},
		{"create", http.MethodPut, "", "", http.StatusOK},
		{"versioning", http.MethodPut, "versioning=", versioningOn, http.StatusOK},
	}
	if *lifecycle {
		waves = append(waves, wave{"lifecycle", http.MethodPut, "lifecycle=", lifecycleRule, *lifecycleStatus})
	}
	began := time.Now()
	if *noop {
		// Any answer but a failure: a document that is set (200), not set (404) or not offered (501).
		first := wave{"versioning", http.MethodGet, "versioning=", "", http.StatusOK}
		var then []wave
		for _, r := range strings.Split(*reads, ",") {
			if r = strings.TrimSpace(r); r != "" {
				then = append(then, wave{r, http.MethodGet, r + "=", "", anyAnswer})
			}
		}
		err := eachBucket(names, func(name string) error {
			if err := send.send(first, name); err != nil {
				return fmt.Errorf("%s: %w", first.name, err)
			}
			errs := make([]error, len(then))
			var wg sync.WaitGroup
			for i, w := range then {
				wg.Go(func() { errs[i] = send.send(w, name) })
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			log.Fatalf("serverfloor: %v", err)
		}
		fmt.Printf("noop\t%.1f\n", ms(time.Since(began)))
		return
	}
	if *chains {
		// Every bucket on its own: each request follows the bucket's previous answer, no bucket
		// waits for another. The least any client can take here.
		err := eachBucket(names, func(name string) error {
			for _, w := range waves {
				if err := send.send(w, name); err != nil {
					return fmt.Errorf("%s: %w", w.name, err)
				}
			}
			return nil
		})
		if err != nil {
			log.Fatalf("serverfloor: %v", err)
		}
		fmt.Printf("chains\t%.1f\n", ms(time.Since(began)))
		return
	}
	for _, w := range waves {
		t0 := time.Now()
		if err := eachBucket(names, func(name string) error { return send.send(w, name) }); err != nil {
			log.Fatalf("serverfloor: %s: %v", w.name, err)
		}
		fmt.Printf("%s\t%.1f\n", w.name, ms(time.Since(t0)))
	}
	fmt.Printf("total\t%.1f\n", ms(time.Since(began)))
}

// wave is one request of the work, sent to every bucket.
type wave struct {
	name, method, query, body string
	want                      int // the status that means it worked (anyAnswer: 200, 404 or 501)
}

// anyAnswer is a wave's want when a document set, not set or not offered are all answers.
const anyAnswer = -1

// eachBucket runs do for every bucket at once and returns the first error.
func eachBucket(names []string, do func(name string) error) error {
	errs := make(chan error, len(names))
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- do(name)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

type client struct {
	base, region string
	creds        aws.Credentials
	signer       *v4.Signer
	http         *http.Client
}

// putAll PUTs every file under dir/<directory>/ as bucket prefix+<directory>, key its path
// below, inflight at once; it returns how many.
func (c client) putAll(dir, prefix, only string, inflight int) (int, error) {
	type file struct{ path, bucket, key string }
	files := make(chan file)
	errs := make(chan error, inflight)
	var wg sync.WaitGroup
	for range inflight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range files {
				if err := c.put(f.path, f.bucket, f.key); err != nil {
					errs <- err
					for range files { // drain
					}
					return
				}
			}
		}()
	}
	n := 0
	dirs, err := os.ReadDir(dir)
	if err == nil {
		for _, d := range dirs {
			if !d.IsDir() || !strings.HasPrefix(d.Name(), only) {
				continue
			}
			root := filepath.Join(dir, d.Name())
			err = filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
				if err != nil || !e.Type().IsRegular() {
					return err
				}
				rel, _ := filepath.Rel(root, path)
				n++
				files <- file{path, prefix + d.Name(), filepath.ToSlash(rel)}
				return nil
			})
			if err != nil {
				break
			}
		}
	}
	close(files)
	wg.Wait()
	close(errs)
	for e := range errs {
		return n, e
	}
	return n, err
}

// put sends one file as bucket/key: unsigned payload, Content-MD5 (the server checks the bytes).
func (c client) put(path, bucket, key string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPut, c.base+"/"+bucket+"/"+(&url.URL{Path: key}).EscapedPath(), bytes.NewReader(data))
	if err != nil {
		return err
	}
	md := md5.Sum(data)
	req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(md[:]))
	req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	if err := c.signer.SignHTTP(context.Background(), c.creds, req, "UNSIGNED-PAYLOAD", "s3", c.region, time.Now()); err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("PUT %s/%s: %s %s", bucket, key, resp.Status, msg)
	}
	return nil
}

// sender sends one wave's request for a bucket and checks the answer's status.
type sender interface {
	send(w wave, bucket string) error
}

// statusOK says whether an answer's status is what the wave wants.
func (w wave) statusOK(status int) bool {
	if w.want == anyAnswer {
		return status == http.StatusOK || status == http.StatusNotFound || status == http.StatusNotImplemented
	}
	return status == w.want
}

// send sends one wave's signed request for a bucket and checks the answer's status.
func (c client) send(w wave, bucket string) error {
	method, query, body := w.method, w.query, w.body
	target := c.base + "/" + bucket
	if query != "" {
		target += "?" + query
	}
	req, err := http.NewRequest(method, target, bytes.NewReader([]byte(body)))
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(body))
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", hash)
	if body != "" {
		md := md5.Sum([]byte(body)) // S3 asks for it on configuration documents such as lifecycle
		req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(md[:]))
	}
	if err := c.signer.SignHTTP(context.Background(), c.creds, req, hash, "s3", c.region, time.Now()); err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if !w.statusOK(resp.StatusCode) {
		return fmt.Errorf("%s %s: %s %s", method, bucket, resp.Status, msg)
	}
	return nil
}

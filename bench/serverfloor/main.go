// Command serverfloor measures what the S3 server itself needs for a site's new buckets on this
// machine, with no added latency and no assetwiz: a bare client (net/http and the SDK's SigV4
// signer, nothing else) sends the work of a new versioned bucket in waves, every bucket at
// once within a wave — HEAD, create, versioning (and lifecycle) — and prints the wall time of
// each wave; with -chains, each bucket's requests follow one another and no bucket waits for
// another, the least any client can take.
//
//	serverfloor -endpoint http://127.0.0.1:7070 -buckets 200 -prefix floor-
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
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
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
		waves = append(waves, wave{"lifecycle", http.MethodPut, "lifecycle=", lifecycleRule, http.StatusOK})
	}
	began := time.Now()
	if *chains {
		// Every bucket on its own: each request follows the bucket's previous answer, no bucket
		// waits for another. The least any client can take here.
		err := eachBucket(names, func(name string) error {
			for _, w := range waves {
				if err := c.send(w, name); err != nil {
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
		if err := eachBucket(names, func(name string) error { return c.send(w, name) }); err != nil {
			log.Fatalf("serverfloor: %s: %v", w.name, err)
		}
		fmt.Printf("%s\t%.1f\n", w.name, ms(time.Since(t0)))
	}
	fmt.Printf("total\t%.1f\n", ms(time.Since(began)))
}

// wave is one request of the work, sent to every bucket.
type wave struct {
	name, method, query, body string
	want                      int // the status that means it worked
}

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

// send sends one wave's signed request for a bucket and checks the answer's status.
func (c client) send(w wave, bucket string) error {
	method, query, body, want := w.method, w.query, w.body, w.want
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
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %s %s", method, bucket, resp.Status, msg)
	}
	return nil
}

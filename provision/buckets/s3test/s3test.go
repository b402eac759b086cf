// Package s3test starts a real S3 server, versitygw, for tests: on a free loopback port, with
// temporary folders and versioning enabled, stopped when the test ends.
//
//	srv := s3test.Start(t)
//	client := srv.Client(t)         // path-style aws-sdk-go-v2 client with the server's keys
//	// srv.Endpoint is "http://127.0.0.1:PORT"; srv.Dir holds the buckets as plain folders.
//
// The versitygw binary is taken from PATH, then from $(go env GOPATH)/bin. When it is missing
// the test fails with the command that installs it (see Install).
package s3test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Install is the command that installs the versitygw version these tests are written for.
const Install = "go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"

// Region is the region versitygw answers for.
const Region = "us-east-1"

// Server is a running versitygw.
type Server struct {
	// Endpoint is the server's URL, http://127.0.0.1:PORT.
	Endpoint string
	// AccessKey and SecretKey are the root account's keys.
	AccessKey string
	SecretKey string
	// Dir is the posix root: each bucket is a folder in it, each object a file.
	Dir string
	// VersionsDir holds the old versions of objects in versioned buckets.
	VersionsDir string
	// Region is the region the server answers for.
	Region string
	// VirtualDomain, when set, is the base domain of virtual-host addressing: a request whose
	// Host is <bucket>.<VirtualDomain> is for that bucket; any other Host is path-style.
	VirtualDomain string
}

// Binary finds versitygw: on PATH, then in $(go env GOPATH)/bin.
func Binary() (string, error) {
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	var dirs []string
	if gp := os.Getenv("GOPATH"); gp != "" {
		dirs = append(dirs, filepath.SplitList(gp)...)
	} else if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		dirs = append(dirs, filepath.SplitList(strings.TrimSpace(string(out)))...)
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, "bin", "versitygw")
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", errors.New("versitygw not found on PATH or in $(go env GOPATH)/bin; install it with: " + Install)
}

// Start runs versitygw for the test and stops it in t.Cleanup. The keys are fresh for every
// server, so tests can check that no key is ever printed.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartRegion(t, Region)
}

// StartRegion is Start for a server that answers for region (versitygw refuses requests
// signed for another region), so a provider's own region can be tested.
func StartRegion(t testing.TB, region string) *Server {
	t.Helper()
	return start(t, region, "")
}

// StartVirtualHosted is StartRegion for a server that also serves each bucket under the host
// <bucket>.<domain> (versitygw's --virtual-domain), so a provider's virtual-host form (say
// <bucket>.ams3.digitaloceanspaces.com) can be played on loopback with a Host header.
func StartVirtualHosted(t testing.TB, region, domain string) *Server {
	t.Helper()
	return start(t, region, domain)
}

func start(t testing.TB, region, domain string) *Server {
	t.Helper()
	bin, err := Binary()
	if err != nil {
		t.Fatal(err)
	}
	srv := &Server{
		AccessKey:     "AKTEST" + randomHex(t, 7),
		SecretKey:     "sk" + randomHex(t, 16),
		Dir:           t.TempDir(),
		VersionsDir:   t.TempDir(),
		Region:        region,
		VirtualDomain: domain,
	}
	// A port taken between closing this listener and versitygw binding it makes versitygw
	// exit; the start is then tried again on another port.
	for attempt := 0; attempt < 5; attempt++ {
		addr := freeAddr(t)
		srv.Endpoint = "http://" + addr
		if err = srv.run(t, bin, addr); err == nil {
			return srv
		}
	}
	t.Fatalf("versitygw did not start: %v", err)
	return nil
}

func (s *Server) run(t testing.TB, bin, addr string) error {
	args := []string{"--port", addr, "--region", s.Region, "--quiet"}
	if s.VirtualDomain != "" {
		args = append(args, "--virtual-domain", s.VirtualDomain)
	}
	cmd := exec.Command(bin, append(args, "posix", "--versioning-dir", s.VersionsDir, s.Dir)...)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+s.AccessKey, "ROOT_SECRET_KEY="+s.SecretKey)
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	stop := func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("versitygw exited: %s", strings.TrimSpace(out.String()))
		default:
		}
		// Any HTTP answer (an unsigned request gets 403) means something is serving.
		resp, err := http.Get(s.Endpoint + "/")
		if err == nil {
			resp.Body.Close()
			// It may be another server: freeAddr's port can be taken by a test running in
			// parallel before versitygw binds it (versitygw then exits). Only this server
			// knows these keys.
			if err := s.ours(t); err != nil {
				stop()
				return fmt.Errorf("another server answers on %s: %v", addr, err)
			}
			t.Cleanup(stop)
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	return fmt.Errorf("versitygw did not answer on %s within 15s: %s", addr, strings.TrimSpace(out.String()))
}

// ours checks that the server answering is this one: a request signed with its keys is served.
func (s *Server) ours(t testing.TB) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := s.Client(t).ListBuckets(ctx, &s3.ListBucketsInput{})
	return err
}

// Client is an aws-sdk-go-v2 S3 client for the server, path-style, checksums only when
// required (cloud-apis.md §3.4), with the root keys.
func (s *Server) Client(t testing.TB) *s3.Client {
	t.Helper()
	return s3.New(s3.Options{
		Region:                     s.Region,
		BaseEndpoint:               aws.String(s.Endpoint),
		UsePathStyle:               true,
		Credentials:                credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
}

// Getenv returns an environment with the server's keys as S3_ACCESS_KEY and S3_SECRET_KEY,
// falling back to extra (name, value pairs) and then to nothing.
func (s *Server) Getenv(extra ...string) func(string) string {
	env := map[string]string{"S3_ACCESS_KEY": s.AccessKey, "S3_SECRET_KEY": s.SecretKey}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	return func(name string) string { return env[name] }
}

// PutObject writes an object into a bucket, for tests that need a bucket holding something.
func (s *Server) PutObject(t testing.TB, bucket, key, body string) {
	t.Helper()
	_, err := s.Client(t).PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body),
	})
	if err != nil {
		t.Fatalf("put %s/%s: %v", bucket, key, err)
	}
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func randomHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return strings.ToUpper(hex.EncodeToString(b))
}

// syncBuffer collects the server's output for error messages.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

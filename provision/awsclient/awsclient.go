// Package awsclient holds what the AWS SDK clients (S3, EFS) share: an HTTP client with
// bounded waits and answers that sends no credentials to another origin, and the AWS
// credential chain resolved within a bound.
package awsclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"
	"github.com/aws/smithy-go/logging"

	"github.com/assetwiz/assetwiz/internal/safefile"
)

const (
	// DefaultAnswerTimeout bounds the wait for an answer's headers: a server that accepts a
	// request and never answers fails that try instead of hanging the run.
	DefaultAnswerTimeout = 30 * time.Second
	// CredentialsTimeout bounds the AWS credential chain, whose last link asks the EC2
	// metadata endpoint: off EC2 that address may swallow packets instead of refusing them.
	CredentialsTimeout = 5 * time.Second
	// MaxAnswerBytes bounds every answer but an object's content: the largest document
	// assetwiz reads (a listing of 1000 versions, a policy of 20 KB) is far below it.
	MaxAnswerBytes = 16 << 20
)

// CredentialChain resolves the standard AWS credential chain (environment, shared files,
// AWS_PROFILE, SSO, the EC2 instance role) once, within CredentialsTimeout, so that a missing
// key is a clear error before any request rather than a wait on the metadata endpoint. The
// shared config and credentials files are read only when they are regular files of at most
// safefile.MaxSize (a FIFO or /dev/zero there must neither hang the run nor fill the memory), and a
// profile's credential_process runs in a process group of its own, killed whole when the time
// limit passes.
func CredentialChain(ctx context.Context, region, keys string) (aws.CredentialsProvider, error) {
	for _, f := range sharedFiles(os.Getenv) {
		if err := checkSharedFile(f.path); err != nil {
			return nil, fmt.Errorf("the AWS %s file (%s): %w", f.what, f.from, err)
		}
	}
	bounded, cancel := context.WithTimeout(ctx, credentialsTimeout)
	defer cancel() // ends a credential_process still running, with its process group
	type result struct {
		creds aws.CredentialsProvider
		err   error
	}
	done := make(chan result, 1)
	go func() {
		creds, err := resolveChain(bounded, region, keys)
		done <- result{creds, err}
	}()
	select {
	case r := <-done:
		return r.creds, r.err
	case <-bounded.Done(): // a link of the chain that does not watch the context
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, noKeys(keys)
	}
}

// credentialsTimeout is CredentialsTimeout, shorter in tests.
var credentialsTimeout = CredentialsTimeout

func resolveChain(ctx context.Context, region, keys string) (aws.CredentialsProvider, error) {
	// The SDK's own logger writes to stderr (the instance-metadata client's "falling back to
	// IMDSv1" among others), across the wizard's screen: assetwiz says what matters itself.
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region), config.WithLogger(logging.Nop{}),
		config.WithProcessCredentialOptions(func(o *processcreds.Options) { o.Timeout = credentialsTimeout }))
	if err != nil {
		return nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	if command := profileProcess(ctx); command != "" {
		// The SDK's own runner kills the shell alone at the limit, and then waits for
		// whatever the shell started, which still holds its output.
		cfg.Credentials = aws.NewCredentialsCache(processcreds.NewProviderCommand(groupCommand(command),
			func(o *processcreds.Options) { o.Timeout = credentialsTimeout }))
	}
	if cfg.Credentials == nil {
		return nil, noKeys(keys)
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, ctx.Err()
		}
		return nil, noKeys(keys)
	}
	return cfg.Credentials, nil
}

// profileProcess is the credential_process the chain would run for the profile in use, when
// nothing before it in the chain answers (no keys in the environment, none in the profile,
// no role, SSO or web identity); "" otherwise, and the SDK's own chain is used.
func profileProcess(ctx context.Context) string {
	if os.Getenv("AWS_ACCESS_KEY_ID") != "" || os.Getenv("AWS_WEB_IDENTITY_TOKEN_FILE") != "" {
		return ""
	}
	profile := os.Getenv("AWS_PROFILE")
	if profile == "" {
		profile = os.Getenv("AWS_DEFAULT_PROFILE")
	}
	if profile == "" {
		profile = "default"
	}
	shared := sharedFiles(os.Getenv)
	sc, err := config.LoadSharedConfigProfile(ctx, profile, func(o *config.LoadSharedConfigOptions) {
		o.ConfigFiles, o.CredentialsFiles = []string{shared[0].path}, []string{shared[1].path}
	})
	if err != nil || sc.CredentialProcess == "" || sc.Credentials.HasKeys() || sc.Source != nil || sc.SourceProfileName != "" ||
		sc.RoleARN != "" || sc.CredentialSource != "" || sc.WebIdentityTokenFile != "" || sc.SSOStartURL != "" || sc.SSOSession != nil {
		return ""
	}
	return sc.CredentialProcess
}

// groupCommand runs a credential_process through the shell in a process group of its own,
// killed whole when the context ends. It gets no terminal input: a process group that is not
// the terminal's would be stopped reading it.
func groupCommand(command string) processcreds.NewCommandBuilder {
	return processcreds.NewCommandBuilderFunc(func(ctx context.Context) (*exec.Cmd, error) {
		cmd := exec.CommandContext(ctx, "sh", "-c", command)
		if runtime.GOOS == "windows" {
			cmd = exec.CommandContext(ctx, "cmd.exe", "/C", command)
		}
		cmd.Env = os.Environ()
		cmd.Stderr = os.Stderr
		cmd.WaitDelay = time.Second // the output pipe is not waited for past this once killed
		ownGroup(cmd)
		return cmd, nil
	})
}

// sharedFile is one of the AWS shared files the chain reads.
type sharedFile struct{ what, from, path string }

// sharedFiles are the shared config and credentials files, where the SDK looks for them.
func sharedFiles(getenv func(string) string) []sharedFile {
	conf := sharedFile{"config", "AWS_CONFIG_FILE", getenv("AWS_CONFIG_FILE")}
	if conf.path == "" {
		conf.from, conf.path = config.DefaultSharedConfigFilename(), config.DefaultSharedConfigFilename()
	}
	creds := sharedFile{"credentials", "AWS_SHARED_CREDENTIALS_FILE", getenv("AWS_SHARED_CREDENTIALS_FILE")}
	if creds.path == "" {
		creds.from, creds.path = config.DefaultSharedCredentialsFilename(), config.DefaultSharedCredentialsFilename()
	}
	return []sharedFile{conf, creds}
}

// checkSharedFile refuses, before the SDK opens it, a shared file that is not a regular file
// (following links, as the SDK does) or is larger than safefile.MaxSize. A missing one is fine.
func checkSharedFile(path string) error {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case !st.Mode().IsRegular():
		return fmt.Errorf("%s %w; give the path of a regular file", path, safefile.ErrNotRegular)
	case st.Size() > safefile.MaxSize:
		return fmt.Errorf("%s %w (%d bytes)", path, safefile.ErrTooLarge, st.Size())
	}
	return nil
}

// noKeys says which keys to set; keys names the variables of the caller.
func noKeys(keys string) error {
	return errors.New("no AWS keys found: set " + keys + ", or AWS_PROFILE for a profile of ~/.aws; " +
		"on EC2 the instance role is used when the metadata endpoint answers within " + CredentialsTimeout.String())
}

// HTTPClient is the HTTP client of the S3 (and EFS) clients: a bounded wait for an answer
// (naming the provider when it runs out), no credentials sent to another origin on a redirect,
// and bounded answers.
func HTTPClient(provider string, answerTimeout time.Duration) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = answerTimeout
	tr.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	tr.MaxIdleConnsPerHost = 256 // buckets go in parallel (provision.DefaultParallel); keep their connections for the next request of each chain
	// No total cap below the per-host one: the default (100) closes the 101st idle connection, and
	// net/http may then fail the HEAD whose answer came on it ("putIdleConn: too many idle connections").
	tr.MaxIdleConns = 0
	// At most as many connections to one host as actions run at once: a 200-bucket no-op reads
	// 400 documents at once; queueing the excess on 256 connections keeps its peak memory below
	// 60 MB (62 -> 57 MB) and its CPU 10 % lower, for about 10 ms more.
	tr.MaxConnsPerHost = 256
	return &http.Client{
		Transport:     boundedTransport{next: tr, provider: provider, timeout: answerTimeout},
		CheckRedirect: sameOriginOnly,
	}
}

// sameOriginOnly follows a redirect only within the origin (scheme, host and port) of the
// first request: a SigV4 Authorization header must never reach another server. Elsewhere the
// redirect answer itself is returned, and the SDK reports it as an error.
func sameOriginOnly(req *http.Request, via []*http.Request) error {
	first := via[0].URL
	if req.URL.Scheme != first.Scheme || req.URL.Host != first.Host {
		return http.ErrUseLastResponse
	}
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	return nil
}

// boundedTransport limits the answers' size and names the provider when an answer is late.
type boundedTransport struct {
	next     http.RoundTripper
	provider string
	timeout  time.Duration
}

func (t boundedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil, &lateAnswer{provider: t.provider, host: req.URL.Host, timeout: t.timeout, err: err}
		}
		return nil, err
	}
	// An object's content is read by its caller, with its own bound; every other answer is a
	// small document the SDK reads whole, so it is cut off at MaxAnswerBytes.
	if op := awsmiddleware.GetOperationName(req.Context()); op != "GetObject" || resp.StatusCode >= 300 {
		resp.Body = &limitedBody{rc: resp.Body, left: MaxAnswerBytes, op: op, provider: t.provider}
	}
	return resp, nil
}

// lateAnswer is a request the provider did not answer in time; it stays a timeout (retried).
type lateAnswer struct {
	provider, host string
	timeout        time.Duration
	err            error
}

func (e *lateAnswer) Error() string {
	if e.provider == "" {
		return fmt.Sprintf("no answer from %s within %s", e.host, e.timeout)
	}
	return fmt.Sprintf("no answer from %s (%s) within %s", e.provider, e.host, e.timeout)
}

// Host is the host that did not answer.
func (e *lateAnswer) Host() string    { return e.host }
func (e *lateAnswer) Unwrap() error   { return e.err }
func (e *lateAnswer) Timeout() bool   { return true }
func (e *lateAnswer) Temporary() bool { return true }

// limitedBody fails the read past its limit instead of buffering a body without end.
type limitedBody struct {
	rc           io.ReadCloser
	left         int64
	op, provider string
}

// ErrAnswerTooLarge is the error of an answer longer than MaxAnswerBytes.
var ErrAnswerTooLarge = fmt.Errorf("the answer is larger than %d MiB, more than any S3 document assetwiz reads; refused", MaxAnswerBytes>>20)

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, fmt.Errorf("%s from %s: %w", b.op, b.provider, ErrAnswerTooLarge)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

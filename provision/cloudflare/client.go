package cloudflare

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	// Only the service packages are imported: the root package links every Cloudflare
	// service (about 15 MB of the binary, issue 15).
	"github.com/cloudflare/cloudflare-go/v7/dns"
	"github.com/cloudflare/cloudflare-go/v7/option"
	"github.com/cloudflare/cloudflare-go/v7/page_rules"
	"github.com/cloudflare/cloudflare-go/v7/rulesets"
	"github.com/cloudflare/cloudflare-go/v7/user"
	"github.com/cloudflare/cloudflare-go/v7/zones"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// DefaultBaseURL is Cloudflare's public API.
const DefaultBaseURL = "https://api.cloudflare.com/client/v4/"

// The environment variables the backend reads (CONTRACT.md "Secrets").
const (
	EnvToken   = steps.ExportCloudflareToken
	EnvBaseURL = "CLOUDFLARE_BASE_URL"
)

// The token permissions, as Cloudflare's dashboard names them.
const (
	PermZoneRead   = "Zone > Zone > Read"
	PermCacheRules = "Zone > Cache Rules > Edit"
	PermPageRules  = "Zone > Page Rules > Edit"
	PermDNSRead    = "Zone > DNS > Read"
)

// readRetries is how often the SDK retries a read itself; writes are retried by the
// executor, which re-reads first, so the SDK does not retry them.
const readRetries = 3

// apiError is the SDK's error for an answer with an HTTP error status.
type apiError = zones.Error

// Client talks to the Cloudflare API for one token.
type Client struct {
	tokens    *user.TokenService
	zones     *zones.ZoneService
	phases    *rulesets.PhaseService
	rulesets  *rulesets.RulesetService
	rules     *rulesets.RuleService
	pageRules *page_rules.PageRuleService
	dns       *dns.RecordService
}

// CleanToken is the token as it must be sent: surrounding white space (a trailing newline
// from `cat token.txt` or a here-doc) is dropped; a token with anything else outside
// printable ASCII cannot be sent in a header and is bad input naming CLOUDFLARE_API_TOKEN.
func CleanToken(token string) (string, error) {
	if msg := steps.TokenProblem(token); msg != "" {
		return "", fmt.Errorf("%s: %s", EnvToken, msg) // the table's check of the token
	}
	return strings.TrimSpace(token), nil
}

// NewClient makes a client for the token, against baseURL ("" for the public API). The
// SDK's own environment defaults (CLOUDFLARE_API_KEY, CLOUDFLARE_EMAIL, ...) are not used:
// assetwiz speaks API tokens only and reads its environment through getenv.
func NewClient(token, baseURL string) *Client {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	token = strings.TrimSpace(token)
	opts := []option.RequestOption{
		option.WithBaseURL(baseURL),
		option.WithHTTPClient(&http.Client{CheckRedirect: sameOriginOnly}),
		option.WithAPIToken(token),
		option.WithHeaderDel("X-Auth-Key"),
		option.WithHeaderDel("X-Auth-Email"),
		option.WithHeaderDel("X-Auth-User-Service-Key"),
		option.WithMaxRetries(0),
		option.WithRequestTimeout(30 * time.Second),
		option.WithMiddleware(checkAnswer),
	}
	return &Client{
		tokens:    user.NewTokenService(opts...),
		zones:     zones.NewZoneService(opts...),
		phases:    rulesets.NewPhaseService(opts...),
		rulesets:  rulesets.NewRulesetService(opts...),
		rules:     rulesets.NewRuleService(opts...),
		pageRules: page_rules.NewPageRuleService(opts...),
		dns:       dns.NewRecordService(opts...),
	}
}

// NewClientFromEnv makes a client from CLOUDFLARE_API_TOKEN and CLOUDFLARE_BASE_URL;
// a missing token is an error that says where to put one.
func NewClientFromEnv(getenv func(string) string, a *steps.Answers) (*Client, error) {
	token := a.Secrets.CloudflareToken
	if strings.TrimSpace(token) == "" {
		token = getenv(EnvToken)
	}
	token, err := CleanToken(token)
	if err != nil {
		return nil, err
	}
	if token == "" {
		return nil, fmt.Errorf("cloudflare: no API token: set %s to a token with %q and %q (or %q with cdn.method page-rules)",
			EnvToken, PermZoneRead, PermCacheRules, PermPageRules)
	}
	return NewClient(token, strings.TrimSpace(getenv(EnvBaseURL))), nil
}

func reads() option.RequestOption { return option.WithMaxRetries(readRetries) }

// ErrToken is the cause of a token that Cloudflare refuses outright.
var ErrToken = errors.New("the Cloudflare API token is not valid")

// VerifyToken checks the token before anything else: an invalid, expired or disabled
// token is a clear error.
func (c *Client) VerifyToken(ctx context.Context) error {
	res, err := c.tokens.Verify(ctx, reads())
	if err != nil {
		var apiErr *apiError
		if errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusForbidden ||
			apiErr.StatusCode == http.StatusBadRequest) {
			return fmt.Errorf("cloudflare: %w: Cloudflare refused it (%s); check %s: create a token at https://dash.cloudflare.com/profile/api-tokens",
				ErrToken, errorText(apiErr), EnvToken)
		}
		return wrap("cloudflare: token check", "", err)
	}
	switch res.Status {
	case user.TokenVerifyResponseStatusActive:
		return nil
	case user.TokenVerifyResponseStatusExpired:
		return fmt.Errorf("cloudflare: %w: it expired%s; create a new one and set %s", ErrToken, since(res.ExpiresOn), EnvToken)
	case user.TokenVerifyResponseStatusDisabled:
		return fmt.Errorf("cloudflare: %w: it is disabled; enable it in the Cloudflare dashboard or set %s to another", ErrToken, EnvToken)
	default:
		return fmt.Errorf("cloudflare: %w: its status is %q", ErrToken, res.Status)
	}
}

func since(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return " on " + t.UTC().Format(time.DateOnly)
}

// wrap explains an SDK error: what was being done, Cloudflare's own message and code, the
// permission to add on a 403, and the HTTP status and Retry-After for the executor's
// retries. The message holds no token (the SDK never puts it in a URL or body).
func wrap(what, perm string, err error) error {
	var apiErr *apiError
	if !errors.As(err, &apiErr) {
		return fmt.Errorf("%s: %w", what, err)
	}
	msg := fmt.Sprintf("%s: Cloudflare answered %d %s: %s", what, apiErr.StatusCode, http.StatusText(apiErr.StatusCode), errorText(apiErr))
	switch apiErr.StatusCode {
	case http.StatusForbidden:
		if perm != "" {
			msg += fmt.Sprintf("; the API token lacks the permission %q: add it to the token (dash.cloudflare.com/profile/api-tokens)", perm)
		}
	case http.StatusUnauthorized:
		msg += "; the API token was refused: check " + EnvToken
	}
	return &provision.StatusError{Status: apiErr.StatusCode, RetryAfter: retryAfter(apiErr.Response), Err: &explained{msg, err}}
}

// errorText is Cloudflare's error list as "message (code N)".
func errorText(e *apiError) string {
	var parts []string
	for _, d := range e.Errors {
		parts = append(parts, fmt.Sprintf("%s (code %d)", d.Message, d.Code))
	}
	if len(parts) == 0 {
		return "no error message"
	}
	return strings.Join(parts, "; ")
}

// hasCode reports whether err is a Cloudflare answer carrying the error code.
func hasCode(err error, code int64) bool {
	var apiErr *apiError
	if !errors.As(err, &apiErr) {
		return false
	}
	for _, d := range apiErr.Errors {
		if d.Code == code {
			return true
		}
	}
	return false
}

func retryAfter(res *http.Response) time.Duration {
	if res == nil {
		return 0
	}
	v := res.Header.Get("Retry-After")
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// explained is an error message in the user's words over the SDK's error.
type explained struct {
	msg string
	err error
}

func (e *explained) Error() string { return e.msg }
func (e *explained) Unwrap() error { return e.err }

// isStatus reports whether err is an API answer with that status.
func isStatus(err error, status int) bool {
	var apiErr *apiError
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}

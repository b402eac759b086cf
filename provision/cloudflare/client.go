package cloudflare

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	cf "github.com/cloudflare/cloudflare-go/v7"
	"github.com/cloudflare/cloudflare-go/v7/option"
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

// Client talks to the Cloudflare API for one token.
type Client struct {
	api *cf.Client
}

// NewClient makes a client for the token, against baseURL ("" for the public API). The
// SDK's own environment defaults (CLOUDFLARE_API_KEY, CLOUDFLARE_EMAIL, ...) are not used:
// assetwiz speaks API tokens only and reads its environment through getenv.
func NewClient(token, baseURL string) *Client {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	return &Client{api: cf.NewClient(
		option.WithBaseURL(baseURL),
		option.WithAPIToken(token),
		option.WithHeaderDel("X-Auth-Key"),
		option.WithHeaderDel("X-Auth-Email"),
		option.WithHeaderDel("X-Auth-User-Service-Key"),
		option.WithMaxRetries(0),
		option.WithRequestTimeout(30*time.Second),
	)}
}

// NewClientFromEnv makes a client from CLOUDFLARE_API_TOKEN and CLOUDFLARE_BASE_URL;
// a missing token is an error that says where to put one.
func NewClientFromEnv(getenv func(string) string, a *steps.Answers) (*Client, error) {
	token := a.Secrets.CloudflareToken
	if token == "" {
		token = strings.TrimSpace(getenv(EnvToken))
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
	res, err := c.api.User.Tokens.Verify(ctx, reads())
	if err != nil {
		var apiErr *cf.Error
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

// Zone is the Cloudflare zone of the site.
type Zone struct {
	ID, Name string
	// PageRuleQuota is how many page rules the zone's plan allows.
	PageRuleQuota int
	Plan          string
}

// pageRuleQuota per plan, when the zone does not say (developers.cloudflare.com/rules/page-rules).
var pageRuleQuota = map[string]int{"free": 3, "pro": 20, "business": 50, "enterprise": 125}

// FindZone finds the zone of host: the zone named want when given, else the longest zone
// name in the account that host ends with (shop.eu.example.co.uk → example.co.uk).
func (c *Client) FindZone(ctx context.Context, host, want string) (Zone, error) {
	params := zones.ZoneListParams{PerPage: cf.F(50.0)}
	if want != "" {
		params.Name = cf.F(want)
	}
	var best *zones.Zone
	iter := c.api.Zones.ListAutoPaging(ctx, params, reads())
	for iter.Next() {
		z := iter.Current()
		name := strings.ToLower(strings.TrimSuffix(z.Name, "."))
		switch {
		case want != "":
			if name != want {
				continue
			}
		case host != name && !strings.HasSuffix(host, "."+name):
			continue
		}
		if best == nil || len(name) > len(best.Name) {
			best = &z
		}
	}
	if err := iter.Err(); err != nil {
		return Zone{}, wrap("cloudflare: zone lookup", PermZoneRead, err)
	}
	if best == nil {
		if want != "" {
			return Zone{}, fmt.Errorf("cloudflare: zone %s (cdn.zone) is not in the account of the API token, or the token lacks %q on it",
				want, PermZoneRead)
		}
		return Zone{}, fmt.Errorf("cloudflare: no zone in the account of the API token holds %s: add the site's domain to Cloudflare, "+
			"give the token %q on it, or set cdn.zone", host, PermZoneRead)
	}
	z := Zone{ID: best.ID, Name: strings.ToLower(best.Name), Plan: strings.ToLower(best.Plan.LegacyID), PageRuleQuota: int(best.Meta.PageRuleQuota)}
	if z.Plan == "" {
		z.Plan = strings.ToLower(best.Plan.ID)
	}
	if z.PageRuleQuota == 0 {
		z.PageRuleQuota = pageRuleQuota[z.Plan]
	}
	return z, nil
}

// Proxied reports whether the DNS records of host are proxied (orange-cloud). known is
// false when it could not tell: the token cannot read DNS, or there is no record.
func (c *Client) Proxied(ctx context.Context, zoneID, host string) (proxied, known bool, err error) {
	var env struct {
		Result []struct {
			Name    string `json:"name"`
			Type    string `json:"type"`
			Proxied bool   `json:"proxied"`
		} `json:"result"`
	}
	path := fmt.Sprintf("zones/%s/dns_records?name=%s&per_page=100", zoneID, host)
	if err := c.api.Get(ctx, path, nil, &env, reads()); err != nil {
		var apiErr *cf.Error
		if errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusForbidden || apiErr.StatusCode == http.StatusUnauthorized) {
			return false, false, nil
		}
		return false, false, wrap("cloudflare: DNS records of "+host, "", err)
	}
	found := false
	for _, r := range env.Result {
		if !strings.EqualFold(strings.TrimSuffix(r.Name, "."), host) {
			continue
		}
		switch r.Type {
		case "A", "AAAA", "CNAME":
		default:
			continue
		}
		if !r.Proxied {
			return false, true, nil
		}
		found = true
	}
	return found, found, nil
}

// wrap explains an SDK error: what was being done, Cloudflare's own message and code, the
// permission to add on a 403, and the HTTP status and Retry-After for the executor's
// retries. The message holds no token (the SDK never puts it in a URL or body).
func wrap(what, perm string, err error) error {
	var apiErr *cf.Error
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
func errorText(e *cf.Error) string {
	var parts []string
	for _, d := range e.Errors {
		parts = append(parts, fmt.Sprintf("%s (code %d)", d.Message, d.Code))
	}
	if len(parts) == 0 {
		return "no error message"
	}
	return strings.Join(parts, "; ")
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
	var apiErr *cf.Error
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}

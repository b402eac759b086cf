package cloudflare

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/cloudflare/cloudflare-go/v7/dns"
	"github.com/cloudflare/cloudflare-go/v7/option"
	"github.com/cloudflare/cloudflare-go/v7/zones"
)

// Zone is the Cloudflare zone of the site.
type Zone struct {
	ID, Name string
	// PageRuleQuota is how many page rules the zone's plan allows.
	PageRuleQuota int
	Plan          string
}

// pageRuleQuota per plan, when the zone does not say (developers.cloudflare.com/rules/page-rules).
var pageRuleQuota = map[string]int{"free": 3, "pro": 20, "business": 50, "enterprise": 125}

// Zone listing bounds: 50 is the API's largest page; 100 pages (5000 zones) is more than
// any account assetwiz was seen with, and a listing that goes on past it is an error that
// names cdn.zone (which lists one zone by name) rather than a loop.
const (
	zonesPerPage = 50
	maxZonePages = 100
)

// zoneJSON is what assetwiz reads of a zone.
type zoneJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Plan struct {
		ID       string `json:"id"`
		LegacyID string `json:"legacy_id"`
	} `json:"plan"`
	Meta struct {
		PageRuleQuota int `json:"page_rule_quota"`
	} `json:"meta"`
}

// FindZone finds the zone of host: the zone named want when given, else the longest zone
// name in the account that host ends with (shop.eu.example.co.uk → example.co.uk). Every
// page is read with the run's context, and at most maxZonePages of them.
func (c *Client) FindZone(ctx context.Context, host, want string) (Zone, error) {
	var best *zoneJSON
	for page := 1; ; page++ {
		if page > maxZonePages {
			return Zone{}, fmt.Errorf("cloudflare: zone lookup: the account lists more than %d pages of zones; set cdn.zone to the zone of %s",
				maxZonePages, host)
		}
		var params zones.ZoneListParams
		opts := []option.RequestOption{reads(), option.WithQuery("page", strconv.Itoa(page)),
			option.WithQuery("per_page", strconv.Itoa(zonesPerPage))}
		if want != "" {
			opts = append(opts, option.WithQuery("name", want))
		}
		var env struct {
			Result     []zoneJSON `json:"result"`
			ResultInfo struct {
				TotalPages int `json:"total_pages"`
			} `json:"result_info"`
		}
		var raw json.RawMessage
		if _, err := c.zones.List(ctx, params, append(opts, option.WithResponseBodyInto(&raw))...); err != nil {
			return Zone{}, wrap("cloudflare: zone lookup", PermZoneRead, err)
		}
		if err := json.Unmarshal(raw, &env); err != nil {
			return Zone{}, fmt.Errorf("cloudflare: zone lookup: %w: %v", ErrFaultyAnswer, err)
		}
		for i := range env.Result {
			z := &env.Result[i]
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
				best = z
			}
		}
		if len(env.Result) == 0 || page >= env.ResultInfo.TotalPages {
			break
		}
	}
	if best == nil {
		if want != "" {
			return Zone{}, fmt.Errorf("cloudflare: zone %s (cdn.zone) is not in the account of the API token, or the token lacks %q on it",
				want, PermZoneRead)
		}
		return Zone{}, fmt.Errorf("cloudflare: no zone in the account of the API token holds %s: add the site's domain to Cloudflare, "+
			"give the token %q on it, or set cdn.zone", host, PermZoneRead)
	}
	z := Zone{ID: best.ID, Name: strings.ToLower(best.Name), Plan: strings.ToLower(best.Plan.LegacyID), PageRuleQuota: best.Meta.PageRuleQuota}
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
	var params dns.RecordListParams
	params.ZoneID.Value, params.ZoneID.Present = zoneID, true
	var raw json.RawMessage
	_, err = c.dns.List(ctx, params, reads(), option.WithQuery("name", host), option.WithQuery("per_page", "100"),
		option.WithResponseBodyInto(&raw))
	if err != nil {
		var apiErr *apiError
		if errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusForbidden || apiErr.StatusCode == http.StatusUnauthorized) {
			return false, false, nil
		}
		return false, false, wrap("cloudflare: DNS records of "+host, "", err)
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return false, false, fmt.Errorf("cloudflare: DNS records of %s: %w: %v", host, ErrFaultyAnswer, err)
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

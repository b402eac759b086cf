package cloudflare

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// maxBody bounds every answer read from the API: the largest real one (a page of 50 zones,
// or an entry point with a zone's whole quota of rules) is a few hundred KiB.
const maxBody = 8 << 20

// ErrFaultyAnswer is the cause of an answer that cannot be trusted: success false, no
// result, a body that is not the API's JSON envelope, or one over the size limit.
var ErrFaultyAnswer = errors.New("a faulty answer")

// checkAnswer reads each answer with a limit and, for a 2xx status, checks Cloudflare's
// envelope before the SDK decodes it: an answer with "success": false, or without a
// "result", is an error whatever its status, so nothing is planned or written from it.
// Error statuses are left to the SDK, which reads their error list.
func checkAnswer(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	res, err := next(req)
	if err != nil || res == nil {
		return res, err
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, maxBody+1))
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(body))
	// The response goes back with the error, so that the SDK does not retry a faulty answer.
	fail := func(format string, args ...any) (*http.Response, error) {
		return res, fmt.Errorf("%w to %s %s (HTTP %d): %s", ErrFaultyAnswer, req.Method, apiPath(req), res.StatusCode, fmt.Sprintf(format, args...))
	}
	switch {
	case err != nil:
		return res, err
	case len(body) > maxBody:
		return fail("the body is over %d MiB", maxBody>>20)
	case res.StatusCode < 200 || res.StatusCode > 299:
		return res, nil
	}
	var env struct {
		Success *bool           `json:"success"`
		Errors  json.RawMessage `json:"errors"`
		Result  json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return fail("the body is not Cloudflare's JSON envelope: %v", err)
	}
	switch {
	case env.Success == nil:
		return fail(`the body has no "success"`)
	case !*env.Success:
		return fail(`"success": false: %s`, envelopeErrors(env.Errors))
	case len(env.Result) == 0 || string(env.Result) == "null":
		return fail(`the body has no "result"`)
	}
	return res, nil
}

// envelopeErrors is an envelope's error list as "message (code N)".
func envelopeErrors(raw json.RawMessage) string {
	var list []struct {
		Code    int64  `json:"code"`
		Message string `json:"message"`
	}
	json.Unmarshal(raw, &list)
	var parts []string
	for _, e := range list {
		parts = append(parts, fmt.Sprintf("%s (code %d)", e.Message, e.Code))
	}
	if len(parts) == 0 {
		return "no error message"
	}
	return strings.Join(parts, "; ")
}

// apiPath is the request's path without the query (which can hold a host name, no secret).
func apiPath(req *http.Request) string {
	return req.URL.Path
}

// sameOriginOnly refuses a redirect to another origin (scheme, host or port), which Go's
// client would follow with the bearer token when only the port differs; the Cloudflare API
// does not redirect, so any redirect elsewhere is refused rather than followed.
func sameOriginOnly(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	from := via[0].URL
	if !strings.EqualFold(req.URL.Scheme, from.Scheme) || !strings.EqualFold(req.URL.Host, from.Host) {
		req.Header.Del("Authorization")
		return fmt.Errorf("refused a redirect from %s://%s to another origin %s://%s: the API token is only sent to %s",
			from.Scheme, from.Host, req.URL.Scheme, req.URL.Host, from.Host)
	}
	return nil
}

// Package explain turns a provider's error into one line a newcomer can act on: what
// failed (the resource, the provider's request and where it went), why, and the fix where
// one is known. The wizard and the commands both show errors through it; the SDK's chain
// of wrapped errors is kept for --debug.
package explain

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/url"
	"regexp"
	"strings"
	"syscall"

	"github.com/aws/smithy-go"
)

// Line is err in one line. With debug, the whole chain follows, as the SDK wrote it.
func Line(err error, debug bool) string {
	if err == nil {
		return ""
	}
	line := short(err)
	if debug && line != err.Error() {
		line += "\n  debug: " + strings.ReplaceAll(err.Error(), "\n", "\n  debug: ")
	}
	return line
}

// The SDKs' wording around the cause, which says nothing to a newcomer.
var noise = []string{
	"operation error ", "exceeded maximum number of attempts", "https response error", "http response error",
	"request send failed", "failed to get rate limit token", "retry quota exceeded",
}

var spaces = regexp.MustCompile(`\s*\n\s*`)

func short(err error) string {
	cause, fix := transport(err)
	if cause == "" {
		return err.Error() // our own words already (a list of problems keeps its lines)
	}
	msg := spaces.ReplaceAllString(strings.TrimSpace(err.Error()), " ")
	// What failed: the words of our own wrapping, before the SDK's.
	head := msg
	var ue *url.Error
	hasURL := errors.As(err, &ue)
	cut := len(head)
	for _, n := range noise {
		if i := strings.Index(head, n); i >= 0 && i < cut {
			cut = i
		}
	}
	if hasURL {
		if i := strings.Index(head, ue.Op+" \""); i >= 0 && i < cut {
			cut = i
		}
	}
	head = strings.TrimRight(strings.TrimSpace(head[:cut]), ":, ")
	request := ""
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		request = oe.Service() + " " + oe.Operation()
		head = strings.TrimRight(strings.TrimSuffix(head, oe.Operation()), ": ")
	} else if hasURL {
		request = ue.Op
	}
	if hasURL {
		if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
			request += " to " + u.Scheme + "://" + u.Host
		}
	}
	var b strings.Builder
	if head != "" {
		b.WriteString(head + ": ")
	}
	if request = strings.TrimSpace(request); request != "" {
		b.WriteString(request + ": ")
	}
	b.WriteString(cause)
	if fix != "" {
		b.WriteString("; " + fix)
	}
	return b.String()
}

// transport names a failure to reach the server, and its fix.
func transport(err error) (cause, fix string) {
	host := ""
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			host = u.Host
		}
	}
	var dns *net.DNSError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var netErr net.Error
	switch {
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return "the server speaks plain HTTP, not HTTPS",
			"write the endpoint with http:// in front (storage.endpoint: http://" + host + ")"
	case errors.As(err, &dns):
		return "the name " + dns.Name + " does not resolve",
			"check the host name (storage.endpoint, or the provider and region)"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "nothing listens at " + host, "check the port in the endpoint, and that the server runs"
	case errors.As(err, &unknownAuthority), errors.As(err, &hostname):
		return "the TLS certificate of " + host + " is not trusted",
			"use the name the certificate is for, or http:// for a server without TLS"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		var late interface{ Host() string }
		if host == "" && errors.As(err, &late) {
			host = late.Host()
		}
		if host == "" { // the time ran out between requests, or before one was sent
			return "no answer in time", "check the endpoint's host and port, and any firewall between"
		}
		return "no answer from " + host + " in time", "check the endpoint's host and port, and any firewall between"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF) && host != "":
		return "the connection to " + host + " was closed", "check the scheme (http:// or https://) and the port"
	}
	return "", ""
}

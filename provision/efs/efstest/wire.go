package efstest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// apiPrefix is the EFS API version every route lives under.
const apiPrefix = "/2015-02-01"

// errorTypeSuffix imitates the Coral namespace AWS appends to
// X-Amzn-Errortype ("Code:namespace"); the SDK keeps only the part before
// ':', so this exercises its sanitizer. The namespace itself is a placeholder.
const errorTypeSuffix = ":http://internal.amazon.com/coral/com.amazonaws.efstest/"

// apiError is an EFS error response.
type apiError struct {
	status       int
	code         string
	message      string
	fileSystemID string // only FileSystemAlreadyExists carries it
}

func errf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *apiError {
	return errf(http.StatusBadRequest, "BadRequest", format, args...)
}

// handler serves one operation with s.mu held and returns a status plus a
// JSON-encodable body (nil for no body), or an error.
type handler func(r *http.Request) (int, any, *apiError)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	s.route(mux, "POST "+apiPrefix+"/file-systems", "CreateFileSystem", s.createFileSystem)
	s.route(mux, "GET "+apiPrefix+"/file-systems", "DescribeFileSystems", s.describeFileSystems)
	s.route(mux, "PUT "+apiPrefix+"/file-systems/{id}/lifecycle-configuration", "PutLifecycleConfiguration", s.putLifecycleConfiguration)
	s.route(mux, "POST "+apiPrefix+"/mount-targets", "CreateMountTarget", s.createMountTarget)
	s.route(mux, "GET "+apiPrefix+"/mount-targets", "DescribeMountTargets", s.describeMountTargets)
	s.route(mux, "GET "+apiPrefix+"/mount-targets/{id}/security-groups", "DescribeMountTargetSecurityGroups", s.describeMountTargetSecurityGroups)
	s.route(mux, "POST "+apiPrefix+"/resource-tags/{id}", "TagResource", s.tagResource)
	s.route(mux, "GET "+apiPrefix+"/resource-tags/{id}", "ListTagsForResource", s.listTagsForResource)
	s.route(mux, "POST "+apiPrefix+"/create-tags/{id}", "CreateTags", s.createTags)
	s.route(mux, "/", "", func(r *http.Request) (int, any, *apiError) {
		return 0, nil, errf(http.StatusNotFound, "UnknownOperationException", "%s %s is not supported by efstest", r.Method, r.URL.Path)
	})
	return mux
}

// route wraps h with what every call shares: recording, the SigV4 presence
// check, fault injection and response encoding.
func (s *Server) route(mux *http.ServeMux, pattern, op string, h handler) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		status, body, aerr := s.serve(r, h)
		if aerr != nil {
			status = aerr.status
		} else if r.Method != http.MethodGet {
			s.writes++
		}
		s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Op: op, Status: status})
		reqID := fmt.Sprintf("efstest-%08d", len(s.requests))
		s.mu.Unlock()

		w.Header().Set("X-Amzn-Requestid", reqID)
		if aerr != nil {
			writeError(w, aerr)
			return
		}
		writeJSON(w, status, body)
	})
}

func (s *Server) serve(r *http.Request, h handler) (int, any, *apiError) {
	if aerr := checkSigV4(r.Header.Get("Authorization")); aerr != nil {
		return 0, nil, aerr
	}
	if s.fault.left > 0 {
		s.fault.left--
		return 0, nil, errf(s.fault.status, s.fault.code, "injected fault")
	}
	return h(r)
}

// checkSigV4 checks only that a SigV4 header scoped to EFS is present; the
// signature itself is not verified. Codes match what AWS returns for each case.
func checkSigV4(auth string) *apiError {
	if auth == "" {
		return errf(http.StatusForbidden, "MissingAuthenticationTokenException", "Missing Authentication Token")
	}
	rest, ok := strings.CutPrefix(auth, "AWS4-HMAC-SHA256 ")
	if !ok || !strings.Contains(rest, "Signature=") {
		return errf(http.StatusForbidden, "IncompleteSignatureException", "Authorization header is not a complete AWS4-HMAC-SHA256 signature")
	}
	scope := strings.Split(credentialScope(auth), "/") // AKID/date/region/service/aws4_request
	if len(scope) != 5 || scope[3] != "elasticfilesystem" || scope[4] != "aws4_request" {
		return errf(http.StatusForbidden, "InvalidSignatureException", "Credential should be scoped to correct service: 'elasticfilesystem'.")
	}
	return nil
}

// credentialScope extracts the Credential=... value of a SigV4 header.
func credentialScope(auth string) string {
	_, after, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return ""
	}
	cred, _, _ := strings.Cut(after, ",")
	return strings.TrimSpace(cred)
}

// signingRegion is the region from the credential scope, used for ARNs.
func signingRegion(r *http.Request) string {
	if scope := strings.Split(credentialScope(r.Header.Get("Authorization")), "/"); len(scope) == 5 {
		return scope[2]
	}
	return "us-east-1"
}

// writeError emits the code twice, like EFS: in X-Amzn-Errortype, which is
// what the SDK dispatches on (its generic body probe only reads "code"/"__type",
// not "ErrorCode"), and as "ErrorCode" in the body, which the typed error
// deserializer copies together with "Message" and "FileSystemId".
func writeError(w http.ResponseWriter, e *apiError) {
	w.Header().Set("X-Amzn-Errortype", e.code+errorTypeSuffix)
	body := map[string]string{"ErrorCode": e.code, "Message": e.message}
	if e.fileSystemID != "" {
		body["FileSystemId"] = e.fileSystemID
	}
	writeJSON(w, e.status, body)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	if body == nil {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body) // the client may have gone away; nothing to do
}

// decode reads a JSON request body; an empty body counts as {}.
func decode(r *http.Request, v any) *apiError {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return badRequest("malformed JSON body: %v", err)
	}
	return nil
}

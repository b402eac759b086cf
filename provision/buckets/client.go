package buckets

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/assetwiz/assetwiz/presets"
	"github.com/assetwiz/assetwiz/provision/awsclient"
	"github.com/assetwiz/assetwiz/steps"
)

// EnvEndpointS3 is the AWS SDK's standard endpoint override for S3, honoured for every provider.
const EnvEndpointS3 = "AWS_ENDPOINT_URL_S3"

// Bounds of one S3 request. The executor retries (provision.RetryPolicy); the SDK does not.
const (
	// DefaultAnswerTimeout bounds the wait for an answer's headers: a server that accepts a
	// request and never answers fails that try instead of hanging the run.
	DefaultAnswerTimeout = awsclient.DefaultAnswerTimeout
	// MaxAnswerBytes bounds every answer but an object's content.
	MaxAnswerBytes = awsclient.MaxAnswerBytes
)

// ErrAnswerTooLarge is the error of an answer longer than MaxAnswerBytes.
var ErrAnswerTooLarge = awsclient.ErrAnswerTooLarge

// NewClient builds the S3 client for the answers. AWS gets virtual-host addressing, the region
// of the answers and, when no keys are given, the standard credential chain (AWS_PROFILE, ...).
// Every other provider gets path-style addressing at the endpoint of the answers, checksums
// only when an operation requires them (cloud-apis.md §3.4), and the keys of the answers.
// getenv reads the environment (nil: os.Getenv); AWS_ENDPOINT_URL_S3 there overrides the endpoint.
// The client waits DefaultAnswerTimeout at most for an answer, follows no redirect to another
// origin, and reads at most MaxAnswerBytes of any answer but GetObject's. It retries as the
// SDK does (5 tries in all) for callers with no retry of their own (the key check); sync and
// backup turn that off per call and retry through provision.Retry (transfer's store), and
// the plan and apply of the buckets use a client that does not retry at all (Live).
func NewClient(ctx context.Context, a *steps.Answers, getenv func(string) string) (*s3.Client, error) {
	return newClient(ctx, a, getenv, 0, 5)
}

// newClient is NewClient with the wait for an answer (0: DefaultAnswerTimeout) and the SDK's
// tries (1: none beyond the first, for calls the executor or Live.read retries).
func newClient(ctx context.Context, a *steps.Answers, getenv func(string) string, answerTimeout time.Duration, sdkTries int) (*s3.Client, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if answerTimeout <= 0 {
		answerTimeout = DefaultAnswerTimeout
	}
	prov, _ := presets.FindProvider(a.Storage.Provider)
	region := a.Storage.Region
	if region == "" {
		region = "us-east-1"
	}
	opts := s3.Options{
		Region:                     region,
		Retryer:                    aws.NopRetryer{},
		HTTPClient:                 awsclient.HTTPClient(prov.Title, answerTimeout),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
	ak, sk := a.Secrets.S3AccessKey, a.Secrets.S3SecretKey
	if ak != "" && sk != "" {
		token := ""
		if ak == getenv("AWS_ACCESS_KEY_ID") {
			token = getenv("AWS_SESSION_TOKEN") // temporary keys need their session token
		}
		opts.Credentials = credentials.NewStaticCredentialsProvider(ak, sk, token)
	}
	if sdkTries > 1 {
		opts.Retryer, opts.RetryMaxAttempts = nil, sdkTries // the SDK's standard retryer
	}
	opts.APIOptions = append(opts.APIOptions, leanStack(sdkTries > 1))
	override := strings.TrimSpace(getenv(EnvEndpointS3))
	if prov.Name == "aws" {
		if opts.Credentials == nil {
			creds, err := awsclient.CredentialChain(ctx, region, "S3_ACCESS_KEY and S3_SECRET_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
			if err != nil {
				return nil, err
			}
			opts.Credentials = creds
		}
		// AWS checks checksums itself; the SDK's defaults suit it.
		opts.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenSupported
		opts.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenSupported
		if override == "" && a.EndpointOverridden() {
			// storage.endpoint in place of AWS's own: the snippets and exports point there, so
			// the buckets are made there too, never at AWS behind the user's back.
			override = a.EndpointURL()
		}
		if override != "" {
			// An override points at a gateway or a test server: path-style reaches both.
			opts.BaseEndpoint, opts.UsePathStyle = aws.String(override), true
		}
		return s3.New(opts), nil
	}
	if opts.Credentials == nil {
		return nil, errors.New("no storage keys: set S3_ACCESS_KEY and S3_SECRET_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
	}
	endpoint := a.EndpointURL()
	if override != "" {
		endpoint = override
	}
	if endpoint == "" {
		return nil, errors.New("storage.endpoint is not set")
	}
	opts.BaseEndpoint, opts.UsePathStyle = aws.String(endpoint), true
	return s3.New(opts), nil
}

// UserAgent is the User-Agent of assetwiz's S3 requests: made once, where the SDK's own
// middleware builds its longer one for every request.
const UserAgent = "assetwiz aws-sdk-go-v2/" + aws.SDKVersion

// The SDK middlewares that do nothing for assetwiz's requests, by step: the bucket ARNs
// (assetwiz's bucket names are never ARNs), S3 Express's user-agent mark, the Lambda trace
// header, the per-call invocation id (for the SDK's own retries and metrics), the SDK's user
// agent (setUserAgent puts UserAgent in its place), and the answer's timing and logging (no
// logger is set); and the retry loop with its interceptor hooks (none is set), which does
// nothing where the SDK does not retry (Retryer NopRetryer). S3:ProcessResponseFor200Error
// stays: it turns a 200 answer holding an <Error> into an error, which a read-modify-write of a
// bucket's lifecycle rules must never take for "no rules".
var (
	inertInitialize  = []string{"S3Shared:ARNLookup"}
	inertSerialize   = []string{"S3:ProcessARNResource", "S3:ObjectLambdaEndpoint", "isExpressUserAgent"}
	inertBuild       = []string{"ClientRequestID", "UserAgent", "RecursionDetection"}
	inertDeserialize = []string{"RecordResponseTiming", "RequestResponseLogger"}
	retryLoop        = []string{"InterceptBeforeRetryLoop", "Retry", "InterceptAttempt"}
)

// leanStack takes the inert middlewares out of every call (and the retry loop when the SDK
// does not retry): together a tenth of the client's CPU for a request (BenchmarkOneRequest),
// on a 200-bucket apply's 800 requests that share 2 CPUs with the provider in the benchmark.
// A name this SDK version does not have is skipped.
func leanStack(sdkRetries bool) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		for _, id := range inertInitialize {
			_, _ = st.Initialize.Remove(id)
		}
		for _, id := range inertSerialize {
			_, _ = st.Serialize.Remove(id)
		}
		for _, id := range inertBuild {
			_, _ = st.Build.Remove(id)
		}
		if !sdkRetries {
			for _, id := range retryLoop {
				_, _ = st.Finalize.Remove(id)
			}
		}
		for _, id := range inertDeserialize {
			_, _ = st.Deserialize.Remove(id)
		}
		return st.Build.Add(setUserAgent, middleware.After)
	}
}

// setUserAgent names assetwiz in each request, in the SDK's user agent's place.
var setUserAgent = middleware.BuildMiddlewareFunc("assetwiz:UserAgent", func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
	if req, ok := in.Request.(*smithyhttp.Request); ok {
		req.Header.Set("User-Agent", UserAgent)
	}
	return next.HandleBuild(ctx, in)
})

// CheckAccess tests the keys of the answers against the provider: HeadBucket of the first
// asset bucket (a missing bucket is fine once ListBuckets accepted the keys), or ListBuckets
// when the answers make no bucket. The error says what to do; it never holds a key.
func CheckAccess(ctx context.Context, a *steps.Answers) error {
	client, err := NewClient(ctx, a, nil)
	if err != nil {
		return err
	}
	for _, b := range a.Buckets() {
		if a.BucketNameProblem(b.Directory) != "" {
			continue // a name no bucket can have is never sent: the provider's BadRequest would read as a key problem
		}
		exists, err := bucketExists(ctx, client, b.Name)
		if err != nil || exists {
			return err
		}
		break
	}
	return checkKeys(ctx, client)
}

// checkKeys asks ListBuckets whether the provider knows the keys: some servers (versitygw)
// answer HeadBucket with a bodiless 404 for an unknown access key, which cannot be told from
// a missing bucket. One request per run, beside the buckets' HEADs rather than after each.
// A key that may not list buckets (AccessDenied) is known: only key problems are errors.
func checkKeys(ctx context.Context, c *s3.Client) error {
	// One bucket is enough to tell the keys work: an account may hold thousands, and the whole
	// list is XML to parse (a server that ignores max-buckets sends them all, as before).
	_, err := c.ListBuckets(ctx, &s3.ListBucketsInput{MaxBuckets: aws.Int32(1)})
	switch code := errorCode(err); {
	case err == nil, code == "AccessDenied", code == "Forbidden":
		return nil
	case keyProblemCodes[code] != "":
		return explain("", err)
	case code == "" && httpStatus(err) == 0:
		return explain("", err) // no answer at all (refused, unresolved, timed out): nothing was checked
	}
	return nil // any other answer says nothing about the keys; the buckets' own calls will tell
}

// bucketExists asks HeadBucket. A 404 is a missing bucket (checkKeys tells an unknown key
// from it); a bare 403 is asked about once more (which403); any other error is explained.
func bucketExists(ctx context.Context, c *s3.Client, bucket string) (bool, error) {
	_, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil:
		return true, nil
	case isNotFound(err):
		return false, nil
	case httpStatus(err) == http.StatusForbidden && (errorCode(err) == "" || errorCode(err) == "Forbidden"):
		return which403(ctx, c, bucket, err)
	}
	return false, explain(bucket, err)
}

// which403 tells a bare 403 to HEAD apart (a HEAD answer has no body, so no error code): one
// GET ?location, which servers answer with a code, says whether the keys are wrong
// (InvalidAccessKeyId, SignatureDoesNotMatch) or the name belongs to another account
// (AccessDenied), or that the bucket is missing after all.
func which403(ctx context.Context, c *s3.Client, bucket string, head error) (bool, error) {
	_, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket)})
	code := errorCode(err)
	switch {
	case err == nil:
		return false, explain(bucket, head)
	case isNotFound(err):
		return false, nil
	case code == "AccessDenied" || code == "AllAccessDisabled":
		return false, &explained{err: head, msg: fmt.Sprintf("bucket %s: another account owns this bucket name, or the key may not manage it (403 to HEAD, %s to GET ?location); "+
			"bucket names are global across the provider: choose another website_url or rename the directory so the name differs", bucket, code)}
	case keyProblemCodes[code] != "" && code != "Forbidden":
		return false, &explained{err: head, msg: fmt.Sprintf("bucket %s: %s (403 to HEAD, %s to GET ?location); check S3_ACCESS_KEY and S3_SECRET_KEY",
			bucket, keyProblemCodes[code], code)}
	}
	return false, explain(bucket, head)
}

// errorCode is the S3 error code of err ("" when it is not an S3 answer).
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// httpStatus is the HTTP status of an S3 answer, 0 when there was none.
func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func isNotFound(err error) bool {
	var nf *types.NotFound
	var nb *types.NoSuchBucket
	if errors.As(err, &nf) || errors.As(err, &nb) {
		return true
	}
	switch errorCode(err) {
	case "NotFound", "NoSuchBucket":
		return true
	}
	return httpStatus(err) == http.StatusNotFound && errorCode(err) == ""
}

// isUnsupported reports whether the provider does not offer the feature at all.
func isUnsupported(err error) bool {
	switch errorCode(err) {
	case "NotImplemented", "NotSupported", "UnsupportedOperation":
		return true
	}
	return httpStatus(err) == http.StatusNotImplemented
}

// keyProblemCodes are the answers that mean the keys are wrong or lack permission.
var keyProblemCodes = map[string]string{
	"AccessDenied":          "access denied",
	"InvalidAccessKeyId":    "the access key is not known to the provider",
	"XAdminUserNotFound":    "the access key is not known to the provider", // versitygw's InvalidAccessKeyId
	"SignatureDoesNotMatch": "the secret key does not match the access key",
	"InvalidToken":          "the session token is invalid",
	"ExpiredToken":          "the session token has expired",
	"Forbidden":             "access denied",
}

// explain turns an S3 error into a message a user can act on, naming the bucket. Messages
// are built from the error code, never from what the provider echoed back, so no key leaks.
// The SDK's error stays underneath, so the executor can still tell a throttle from a refusal.
func explain(bucket string, err error) error {
	if err == nil {
		return nil
	}
	var done *explained
	if errors.As(err, &done) {
		return err // explained already, perhaps from more than the error code says (which403)
	}
	return &explained{msg: explainText(bucket, err).Error(), err: err}
}

type explained struct {
	msg string
	err error
}

func (e *explained) Error() string { return e.msg }
func (e *explained) Unwrap() error { return e.err }

func explainText(bucket string, err error) error {
	where := "storage"
	if bucket != "" {
		where = "bucket " + bucket
	}
	code := errorCode(err)
	var exists *types.BucketAlreadyExists
	switch {
	case errors.As(err, &exists) || code == "BucketAlreadyExists":
		return fmt.Errorf("%s: the name is taken by another account (bucket names are global across the provider); "+
			"choose another website_url or rename the directory so the bucket name differs", where)
	case keyProblemCodes[code] != "" || (code == "" && httpStatus(err) == http.StatusForbidden):
		what := keyProblemCodes[code]
		if what == "" {
			what, code = "access denied", "403 Forbidden"
		}
		hint := "check S3_ACCESS_KEY and S3_SECRET_KEY, and that the key may manage buckets"
		if bucket != "" && (code == "AccessDenied" || code == "403 Forbidden" || code == "Forbidden") {
			hint += " (or another account owns this bucket name)"
		}
		return fmt.Errorf("%s: %s (%s); %s", where, what, code, hint)
	case isRedirect(httpStatus(err)) || code == "PermanentRedirect" || code == "AuthorizationHeaderMalformed":
		return redirected(where, code, err)
	case code == "InvalidLocationConstraint" || code == "IllegalLocationConstraintException":
		return fmt.Errorf("%s: the provider refused the region (%s); check storage.region", where, code)
	case code == "TooManyBuckets":
		return fmt.Errorf("%s: the account has reached its bucket limit (TooManyBuckets); delete unused buckets or ask the provider for more", where)
	case code != "":
		var ae smithy.APIError
		errors.As(err, &ae)
		return fmt.Errorf("%s: %s: %s", where, code, ae.ErrorMessage())
	}
	var oe *smithy.OperationError
	if errors.As(err, &oe) && oe.Err != nil {
		return fmt.Errorf("%s: %s: %w", where, oe.Operation(), oe.Err)
	}
	return fmt.Errorf("%s: %w", where, err)
}

func isRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// redirected says where a redirect points: another region when the server names one
// (x-amz-bucket-region), else the other server it sent the request to, which assetwiz does
// not follow (the signed request would go there). Only a region mismatch blames the region.
func redirected(where, code string, err error) error {
	var header http.Header
	status := httpStatus(err)
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		header = re.Response.Header
	}
	if code == "" {
		code = fmt.Sprintf("%d %s", status, http.StatusText(status))
	}
	if region := header.Get("X-Amz-Bucket-Region"); region != "" {
		return fmt.Errorf("%s: the bucket lives in region %s, not in storage.region (%s); set storage.region: %s", where, region, code, region)
	}
	if loc := header.Get("Location"); loc != "" {
		target := loc
		if u, perr := url.Parse(loc); perr == nil && u.Host != "" {
			target = u.Scheme + "://" + u.Host
		}
		return fmt.Errorf("%s: the server redirected the request to %s (%s), which assetwiz does not follow (the signed request would go to another server); "+
			"check storage.endpoint, or give that address as the endpoint if it is the provider's", where, target, code)
	}
	if code == "AuthorizationHeaderMalformed" || code == "PermanentRedirect" {
		return fmt.Errorf("%s: the bucket lives in another region than storage.region (%s)", where, code)
	}
	return fmt.Errorf("%s: the server answered with a redirect (%s) that names neither a region nor an address; check storage.endpoint and storage.region", where, code)
}

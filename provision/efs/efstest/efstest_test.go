package efstest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/efs/types"
	"github.com/aws/smithy-go"

	"github.com/assetwiz/assetwiz/provision/efs/efstest"
)

var fsIDPattern = regexp.MustCompile(`^fs-[0-9a-f]{8,17}$`)

// newClient builds the real SDK client against s. The retryer is the SDK's
// standard one; only its backoff is capped so retry tests stay fast.
func newClient(s *efstest.Server, optFns ...func(*efs.Options)) *efs.Client {
	opts := efs.Options{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(s.URL()),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxBackoff = 5 * time.Millisecond
		}),
	}
	return efs.New(opts, optFns...)
}

func createFS(t *testing.T, c *efs.Client, token string) *efs.CreateFileSystemOutput {
	t.Helper()
	out, err := c.CreateFileSystem(context.Background(), &efs.CreateFileSystemInput{
		CreationToken:   aws.String(token),
		Encrypted:       aws.Bool(true),
		PerformanceMode: types.PerformanceModeGeneralPurpose,
		ThroughputMode:  types.ThroughputModeElastic,
		Tags:            []types.Tag{{Key: aws.String("Name"), Value: aws.String("site-" + token)}},
	})
	if err != nil {
		t.Fatalf("CreateFileSystem(%q): %v", token, err)
	}
	return out
}

// waitFS polls DescribeFileSystems like a real client must and returns the
// number of polls it took.
func waitFS(t *testing.T, c *efs.Client, id string) int {
	t.Helper()
	for polls := 1; polls <= 10; polls++ {
		out, err := c.DescribeFileSystems(context.Background(), &efs.DescribeFileSystemsInput{FileSystemId: aws.String(id)})
		if err != nil {
			t.Fatalf("DescribeFileSystems: %v", err)
		}
		if out.FileSystems[0].LifeCycleState == types.LifeCycleStateAvailable {
			return polls
		}
	}
	t.Fatalf("file system %s never became available", id)
	return 0
}

func waitMT(t *testing.T, c *efs.Client, fsID string) int {
	t.Helper()
	for polls := 1; polls <= 10; polls++ {
		out, err := c.DescribeMountTargets(context.Background(), &efs.DescribeMountTargetsInput{FileSystemId: aws.String(fsID)})
		if err != nil {
			t.Fatalf("DescribeMountTargets: %v", err)
		}
		ready := true
		for _, mt := range out.MountTargets {
			ready = ready && mt.LifeCycleState == types.LifeCycleStateAvailable
		}
		if ready {
			return polls
		}
	}
	t.Fatalf("mount targets of %s never became available", fsID)
	return 0
}

// availableFS creates a file system and polls it to available.
func availableFS(t *testing.T, c *efs.Client, token string) string {
	t.Helper()
	id := aws.ToString(createFS(t, c, token).FileSystemId)
	waitFS(t, c, id)
	return id
}

func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestCreateFileSystemStoresFields(t *testing.T) {
	t.Parallel()
	s := efstest.New(t)
	out := createFS(t, newClient(s), "assetwiz-site1")

	if !fsIDPattern.MatchString(aws.ToString(out.FileSystemId)) {
		t.Errorf("FileSystemId = %q, want fs-<hex>", aws.ToString(out.FileSystemId))
	}
	if out.LifeCycleState != types.LifeCycleStateCreating {
		t.Errorf("LifeCycleState = %q, want creating", out.LifeCycleState)
	}
	if aws.ToString(out.Name) != "site-assetwiz-site1" || out.ThroughputMode != types.ThroughputModeElastic || !aws.ToBool(out.Encrypted) {
		t.Errorf("response = name %q, throughput %q, encrypted %v", aws.ToString(out.Name), out.ThroughputMode, aws.ToBool(out.Encrypted))
	}
	if arn := aws.ToString(out.FileSystemArn); !strings.HasPrefix(arn, "arn:aws:elasticfilesystem:eu-west-1:") {
		t.Errorf("FileSystemArn = %q, want region from the signing scope", arn)
	}
	if out.CreationTime == nil || time.Since(*out.CreationTime) > time.Minute {
		t.Errorf("CreationTime = %v, want about now", out.CreationTime)
	}

	fss := s.FileSystems()
	if len(fss) != 1 {
		t.Fatalf("stored %d file systems, want 1", len(fss))
	}
	fs := fss[0]
	if fs.ID != aws.ToString(out.FileSystemId) || fs.CreationToken != "assetwiz-site1" || !fs.Encrypted ||
		fs.ThroughputMode != "elastic" || fs.PerformanceMode != "generalPurpose" || fs.Tags["Name"] != "site-assetwiz-site1" {
		t.Errorf("stored %+v", fs)
	}
	if got := s.Requests(); len(got) != 1 || got[0].Op != "CreateFileSystem" || got[0].Method != "POST" ||
		got[0].Path != "/2015-02-01/file-systems" || got[0].Status != http.StatusCreated {
		t.Errorf("Requests() = %+v", got)
	}
	if s.Writes() != 1 {
		t.Errorf("Writes() = %d, want 1", s.Writes())
	}
}

func TestDescribeByCreationToken(t *testing.T) {
	t.Parallel()
	s := efstest.New(t)
	c := newClient(s)
	createFS(t, c, "a")
	b := createFS(t, c, "b")

	out, err := c.DescribeFileSystems(context.Background(), &efs.DescribeFileSystemsInput{CreationToken: aws.String("b")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.FileSystems) != 1 || aws.ToString(out.FileSystems[0].FileSystemId) != aws.ToString(b.FileSystemId) {
		t.Fatalf("by token b: %+v", out.FileSystems)
	}
	if got := s.Requests()[2]; got.Op != "DescribeFileSystems" || got.Query != "CreationToken=b" {
		t.Errorf("request = %+v", got)
	}

	// An unknown token is an empty list, not an error (how "does it exist?" is asked).
	out, err = c.DescribeFileSystems(context.Background(), &efs.DescribeFileSystemsInput{CreationToken: aws.String("nope")})
	if err != nil || len(out.FileSystems) != 0 {
		t.Fatalf("unknown token: %v, %d results", err, len(out.FileSystems))
	}
	// An unknown id, however, is FileSystemNotFound.
	_, err = c.DescribeFileSystems(context.Background(), &efs.DescribeFileSystemsInput{FileSystemId: aws.String("fs-0123456789abcdef0")})
	var nf *types.FileSystemNotFound
	if !errors.As(err, &nf) {
		t.Fatalf("unknown id: err = %v, want FileSystemNotFound", err)
	}
}

func TestPollingUntilAvailable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opts []efstest.Option
		want int
	}{
		{nil, 2},
		{[]efstest.Option{efstest.WithFileSystemReadyAfter(5)}, 5},
	} {
		s := efstest.New(t, tc.opts...)
		c := newClient(s)
		id := aws.ToString(createFS(t, c, "poll").FileSystemId)
		if got := waitFS(t, c, id); got != tc.want {
			t.Errorf("available after %d polls, want %d", got, tc.want)
		}
		if st := s.FileSystems()[0].LifeCycleState; st != efstest.StateAvailable {
			t.Errorf("stored state %q", st)
		}
	}
}

func TestFileSystemAlreadyExistsCarriesID(t *testing.T) {
	t.Parallel()
	s := efstest.New(t)
	c := newClient(s)
	first := createFS(t, c, "same-token")

	_, err := c.CreateFileSystem(context.Background(), &efs.CreateFileSystemInput{CreationToken: aws.String("same-token")})
	var exists *types.FileSystemAlreadyExists
	if !errors.As(err, &exists) {
		t.Fatalf("err = %v (%T), want *types.FileSystemAlreadyExists", err, err)
	}
	if aws.ToString(exists.FileSystemId) != aws.ToString(first.FileSystemId) {
		t.Errorf("FileSystemId = %q, want %q", aws.ToString(exists.FileSystemId), aws.ToString(first.FileSystemId))
	}
	if aws.ToString(exists.ErrorCode_) != "FileSystemAlreadyExists" || exists.ErrorMessage() == "" {
		t.Errorf("ErrorCode_ = %q, Message = %q", aws.ToString(exists.ErrorCode_), exists.ErrorMessage())
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusConflict {
		t.Errorf("want HTTP 409, got %v", err)
	}
	if len(s.FileSystems()) != 1 || s.Writes() != 1 {
		t.Errorf("file systems = %d, writes = %d; want 1, 1", len(s.FileSystems()), s.Writes())
	}
}

func TestConcurrentCreateSameTokenMakesOne(t *testing.T) {
	t.Parallel()
	s := efstest.New(t)
	c := newClient(s)
	ids := make(chan string, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := c.CreateFileSystem(context.Background(), &efs.CreateFileSystemInput{CreationToken: aws.String("race")})
			var exists *types.FileSystemAlreadyExists
			switch {
			case err == nil:
				ids <- aws.ToString(out.FileSystemId)
			case errors.As(err, &exists):
				ids <- aws.ToString(exists.FileSystemId)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	close(ids)
	want := s.FileSystems()
	if len(want) != 1 {
		t.Fatalf("%d file systems for one token", len(want))
	}
	for id := range ids {
		if id != want[0].ID {
			t.Errorf("caller saw %q, want %q", id, want[0].ID)
		}
	}
}

func TestPagingWithSDKPaginator(t *testing.T) {
	t.Parallel()
	s := efstest.New(t)
	c := newClient(s)
	for _, tok := range []string{"p1", "p2", "p3", "p4", "p5"} {
		createFS(t, c, tok)
	}
	p := efs.NewDescribeFileSystemsPaginator(c, &efs.DescribeFileSystemsInput{MaxItems: aws.Int32(2)})
	var got []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, fs := range out.FileSystems {
			got = append(got, aws.ToString(fs.CreationToken))
		}
	}
	if pages != 3 || strings.Join(got, ",") != "p1,p2,p3,p4,p5" {
		t.Errorf("pages = %d, tokens = %v", pages, got)
	}
}

func TestMountTargetCreateAndDescribe(t *testing.T) {
	t.Parallel()
	s := efstest.New(t)
	s.AddSubnet("subnet-a", "eu-west-1a")
	s.AddSecurityGroup("sg-nfs")
	c := newClient(s)
	fsID := availableFS(t, c, "mt")

	out, err := c.CreateMountTarget(context.Background(), &efs.CreateMountTargetInput{
		FileSystemId:   aws.String(fsID),
		SubnetId:       aws.String("subnet-a"),
		SecurityGroups: []string{"sg-nfs"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(aws.ToString(out.MountTargetId), "fsmt-") || out.LifeCycleState != types.LifeCycleStateCreating ||
		aws.ToString(out.AvailabilityZoneName) != "eu-west-1a" || aws.ToString(out.IpAddress) == "" {
		t.Errorf("CreateMountTarget = %+v", out)
	}
	if got := waitMT(t, c, fsID); got != 2 {
		t.Errorf("mount target available after %d polls, want 2", got)
	}

	sgs, err := c.DescribeMountTargetSecurityGroups(context.Background(), &efs.DescribeMountTargetSecurityGroupsInput{MountTargetId: out.MountTargetId})
	if err != nil || len(sgs.SecurityGroups) != 1 || sgs.SecurityGroups[0] != "sg-nfs" {
		t.Errorf("security groups = %v, %v", sgs, err)
	}
	fsOut, err := c.DescribeFileSystems(context.Background(), &efs.DescribeFileSystemsInput{FileSystemId: aws.String(fsID)})
	if err != nil {
		t.Fatal(err)
	}
	if n := fsOut.FileSystems[0].NumberOfMountTargets; n != 1 {
		t.Errorf("NumberOfMountTargets = %d, want 1", n)
	}

	mts := s.MountTargets(fsID)
	if len(mts) != 1 || mts[0].ID != aws.ToString(out.MountTargetId) || mts[0].SubnetID != "subnet-a" ||
		mts[0].LifeCycleState != efstest.StateAvailable || mts[0].SecurityGroups[0] != "sg-nfs" {
		t.Errorf("MountTargets() = %+v", mts)
	}
}

func TestMountTargetConflictSameAZ(t *testing.T) {
	t.Parallel()
	s := efstest.New(t)
	s.AddSubnet("subnet-a1", "eu-west-1a")
	s.AddSubnet("subnet-a2", "eu-west-1a")
	s.AddSubnet("subnet-b", "eu-west-1b")
	c := newClient(s)
	fsID := availableFS(t, c, "conflict")
	create := func(subnet string) error {
		_, err := c.CreateMountTarget(context.Background(), &efs.CreateMountTargetInput{FileSystemId: aws.String(fsID), SubnetId: aws.String(subnet)})
		return err
	}
	if err := create("subnet-a1"); err != nil {
		t.Fatal(err)
	}
	var conflict *types.MountTargetConflict
	if err := create("subnet-a2"); !errors.As(err, &conflict) {
		t.Fatalf("second mount target in eu-west-1a: err = %v, want MountTargetConflict", err)
	}
	if err := create("subnet-b"); err != nil {
		t.Fatalf("another AZ should be fine: %v", err)
	}
	if n := len(s.MountTargets(fsID)); n != 2 {
		t.Errorf("%d mount targets, want 2", n)
	}
}

func TestCreateMountTargetErrors(t *testing.T) {
	t.Parallel()
	s := efstest.New(t)
	s.AddSubnet("subnet-a", "eu-west-1a")
	s.AddSecurityGroup("sg-ok")
	c := newClient(s)
	ready := availableFS(t, c, "ready")
	creating := aws.ToString(createFS(t, c, "creating").FileSystemId)

	for _, tc := range []struct {
		name   string
		in     efs.CreateMountTargetInput
		target any
		status int
	}{
		{"unknown subnet", efs.CreateMountTargetInput{FileSystemId: &ready, SubnetId: aws.String("subnet-x")}, new(*types.SubnetNotFound), 400},
		{"unknown sg", efs.CreateMountTargetInput{FileSystemId: &ready, SubnetId: aws.String("subnet-a"), SecurityGroups: []string{"sg-ok", "sg-x"}}, new(*types.SecurityGroupNotFound), 400},
		{"fs not available", efs.CreateMountTargetInput{FileSystemId: &creating, SubnetId: aws.String("subnet-a")}, new(*types.IncorrectFileSystemLifeCycleState), 409},
		{"unknown fs", efs.CreateMountTargetInput{FileSystemId: aws.String("fs-00000000"), SubnetId: aws.String("subnet-a")}, new(*types.FileSystemNotFound), 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.CreateMountTarget(context.Background(), &tc.in)
			if !errors.As(err, tc.target) {
				t.Fatalf("err = %v (%T), want %T", err, err, tc.target)
			}
			var re *awshttp.ResponseError
			if !errors.As(err, &re) || re.HTTPStatusCode() != tc.status {
				t.Errorf("status: want %d, got %v", tc.status, err)
			}
		})
	}
	if n := len(s.MountTargets(ready)) + len(s.MountTargets(creating)); n != 0 {
		t.Errorf("failed calls created %d mount targets", n)
	}
}

func TestTaggingAndLifecycle(t *testing.T) {
	t.Parallel()
	s := efstest.New(t)
	c := newClient(s)
	fsID := availableFS(t, c, "tags")

	if _, err := c.TagResource(context.Background(), &efs.TagResourceInput{
		ResourceId: aws.String(fsID),
		Tags:       []types.Tag{{Key: aws.String("owner"), Value: aws.String("assetwiz")}},
	}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTagsForResource(context.Background(), &efs.ListTagsForResourceInput{ResourceId: aws.String(fsID)})
	if err != nil || len(tags.Tags) != 2 {
		t.Fatalf("tags = %+v, %v", tags, err)
	}
	if _, err := c.PutLifecycleConfiguration(context.Background(), &efs.PutLifecycleConfigurationInput{
		FileSystemId:      aws.String(fsID),
		LifecyclePolicies: []types.LifecyclePolicy{{TransitionToIA: types.TransitionToIARulesAfter30Days}},
	}); err != nil {
		t.Fatal(err)
	}
	fs := s.FileSystems()[0]
	if fs.Tags["owner"] != "assetwiz" || fs.Tags["Name"] != "site-tags" ||
		len(fs.LifecyclePolicies) != 1 || fs.LifecyclePolicies[0].TransitionToIA != "AFTER_30_DAYS" {
		t.Errorf("stored %+v", fs)
	}
}

func TestMissingAuthIsRejected(t *testing.T) {
	t.Parallel()
	s := efstest.New(t)
	// Anonymous credentials make the SDK skip SigV4 signing entirely.
	c := newClient(s, func(o *efs.Options) { o.Credentials = aws.AnonymousCredentials{} })
	_, err := c.CreateFileSystem(context.Background(), &efs.CreateFileSystemInput{CreationToken: aws.String("x")})
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusForbidden || errorCode(err) != "MissingAuthenticationTokenException" {
		t.Fatalf("err = %v, want 403 MissingAuthenticationTokenException", err)
	}
	if len(s.FileSystems()) != 0 || s.Writes() != 0 {
		t.Error("unauthenticated call changed state")
	}
}

func TestInjectedFaultsUseSDKRetryer(t *testing.T) {
	t.Parallel()
	s := efstest.New(t)
	c := newClient(s)

	s.FailNext(2, http.StatusServiceUnavailable, "ThrottlingException")
	if _, err := c.DescribeFileSystems(context.Background(), &efs.DescribeFileSystemsInput{}); err != nil {
		t.Fatalf("two 503s should be retried away: %v", err)
	}
	var statuses []int
	for _, r := range s.Requests() {
		statuses = append(statuses, r.Status)
	}
	if len(statuses) != 3 || statuses[0] != 503 || statuses[1] != 503 || statuses[2] != 200 {
		t.Errorf("statuses = %v, want [503 503 200]", statuses)
	}

	// A 500 on a write is retried too, and the retry creates exactly one file system.
	s.FailNext(1, http.StatusInternalServerError, "InternalServerError")
	createFS(t, c, "retried")
	if len(s.FileSystems()) != 1 || s.Writes() != 1 {
		t.Errorf("file systems = %d, writes = %d", len(s.FileSystems()), s.Writes())
	}

	// More faults than the default 3 attempts surface the error.
	s.FailNext(5, http.StatusServiceUnavailable, "ThrottlingException")
	before := len(s.Requests())
	_, err := c.DescribeFileSystems(context.Background(), &efs.DescribeFileSystemsInput{})
	if errorCode(err) != "ThrottlingException" {
		t.Fatalf("err = %v, want ThrottlingException after retries", err)
	}
	if n := len(s.Requests()) - before; n != 3 {
		t.Errorf("%d attempts, want the SDK default of 3", n)
	}
}

// rawRequest bypasses the SDK to reach cases it cannot produce.
func rawRequest(t *testing.T, s *efstest.Server, method, path, body, auth string) (*http.Response, map[string]string) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp, m
}

const fakeSig = "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/eu-west-1/elasticfilesystem/aws4_request, SignedHeaders=host, Signature=00"

func TestWireFormat(t *testing.T) {
	t.Parallel()
	s := efstest.New(t)

	// Missing CreationToken: the SDK would auto-fill a random one, so only raw HTTP gets here.
	resp, body := rawRequest(t, s, "POST", "/2015-02-01/file-systems", `{}`, fakeSig)
	if resp.StatusCode != 400 || body["ErrorCode"] != "BadRequest" {
		t.Errorf("missing token: %d %v", resp.StatusCode, body)
	}

	resp, body = rawRequest(t, s, "POST", "/2015-02-01/file-systems", `{"CreationToken":"t"}`, fakeSig)
	if resp.StatusCode != 201 || !fsIDPattern.MatchString(body["FileSystemId"]) {
		t.Fatalf("create: %d %v", resp.StatusCode, body)
	}
	id := body["FileSystemId"]

	// The error code travels in X-Amzn-Errortype ("Code:namespace") and as "ErrorCode" in the body.
	resp, body = rawRequest(t, s, "POST", "/2015-02-01/file-systems", `{"CreationToken":"t"}`, fakeSig)
	if resp.StatusCode != 409 || !strings.HasPrefix(resp.Header.Get("X-Amzn-Errortype"), "FileSystemAlreadyExists:") ||
		body["ErrorCode"] != "FileSystemAlreadyExists" || body["FileSystemId"] != id || body["Message"] == "" {
		t.Errorf("already exists: %d %v %v", resp.StatusCode, resp.Header, body)
	}

	// A signature scoped to another service is refused.
	resp, body = rawRequest(t, s, "GET", "/2015-02-01/file-systems", "", strings.Replace(fakeSig, "elasticfilesystem", "s3", 1))
	if resp.StatusCode != 403 || body["ErrorCode"] != "InvalidSignatureException" {
		t.Errorf("wrong scope: %d %v", resp.StatusCode, body)
	}
	if got := s.Requests(); got[len(got)-1].Op != "DescribeFileSystems" || got[len(got)-1].Status != 403 {
		t.Errorf("last request = %+v", got[len(got)-1])
	}
}

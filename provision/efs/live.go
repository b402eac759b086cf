package efs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsefs "github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/efs/types"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/awsclient"
	"github.com/assetwiz/assetwiz/steps"
)

// Tags assetwiz puts on the file systems it makes.
const (
	TagMadeBy    = "made-by"
	TagSite      = "assetwiz:site"
	TagDirectory = "assetwiz:directory"
	// TagSkippedPrefix + subnet id marks a subnet given in the answers that got no mount
	// target because its zone already has one: EFS allows one per zone, and without this
	// mark the next plan could not tell (the EFS API does not say which zone a subnet is in).
	TagSkippedPrefix = "assetwiz:skipped:"
)

// EndpointEnv is the AWS SDK's own variable for the EFS endpoint.
const EndpointEnv = "AWS_ENDPOINT_URL_EFS"

// Wait bounds the polling for a file system or mount target to become available.
type Wait struct {
	First   time.Duration // first pause between Describe calls, doubled each time
	Max     time.Duration // longest pause
	Timeout time.Duration // give up after this long
}

// DefaultWait suits EFS: file systems are ready in seconds, mount targets in a minute or two.
var DefaultWait = Wait{First: 250 * time.Millisecond, Max: 10 * time.Second, Timeout: 10 * time.Minute}

// Live plans, applies and verifies the file systems against the EFS API.
type Live struct {
	Client *awsefs.Client
	Wait   Wait
}

// NewClient builds the EFS client for the answers' region: the keys of the answers when set,
// else the standard AWS credential chain (resolved within awsclient.CredentialsTimeout, so a
// missing key is a clear error, not a wait on the EC2 metadata endpoint);
// AWS_ENDPOINT_URL_EFS (read with getenv) overrides the endpoint. Like the S3 client it does
// not retry (apply's executor and Live.read do, under one policy), waits a bounded time for
// each answer and sends no credentials to another origin.
func NewClient(ctx context.Context, a *steps.Answers, getenv func(string) string) (*awsefs.Client, error) {
	opts := awsefs.Options{
		Region:     a.EFS.Region,
		Retryer:    aws.NopRetryer{},
		HTTPClient: awsclient.HTTPClient("Amazon EFS", awsclient.DefaultAnswerTimeout),
	}
	if ak, sk := a.Secrets.S3AccessKey, a.Secrets.S3SecretKey; ak != "" && sk != "" {
		token := ""
		if ak == getenv("AWS_ACCESS_KEY_ID") {
			token = getenv("AWS_SESSION_TOKEN") // temporary keys need their session token
		}
		opts.Credentials = credentials.NewStaticCredentialsProvider(ak, sk, token)
	} else {
		creds, err := awsclient.CredentialChain(ctx, a.EFS.Region, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
		if err != nil {
			return nil, fmt.Errorf("AWS keys for EFS: %w", err)
		}
		opts.Credentials = creds
	}
	if ep := strings.TrimSpace(getenv(EndpointEnv)); ep != "" {
		opts.BaseEndpoint = aws.String(ep)
	}
	return awsefs.New(opts), nil
}

// NewLive is the live backend for the answers.
func NewLive(ctx context.Context, a *steps.Answers, getenv func(string) string) (*Live, error) {
	c, err := NewClient(ctx, a, getenv)
	if err != nil {
		return nil, err
	}
	return &Live{Client: c, Wait: DefaultWait}, nil
}

// fileSystemIDs are the ids of the file systems by creation token, as the plan found them
// or apply made them; the mount targets and snippets read them.
type fileSystemIDs struct {
	mu  sync.Mutex
	ids map[string]string
}

func (f *fileSystemIDs) set(token, id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ids[token] = id
}

func (f *fileSystemIDs) get(token string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ids[token]
}

func (f *fileSystemIDs) mounts(fss []FileSystem) ([]Mount, error) {
	out := make([]Mount, 0, len(fss))
	for _, fs := range fss {
		id := f.get(fs.CreationToken)
		if id == "" {
			return nil, fmt.Errorf("the file system for /%s (%s) was not made", fs.Directory, fs.CreationToken)
		}
		out = append(out, Mount{Directory: fs.Directory, FileSystemID: id})
	}
	return out, nil
}

// Plan reads the file systems (by creation token) and their mount targets: create what is
// missing, leave what exists.
func (l *Live) Plan(ctx context.Context, a *steps.Answers) (provision.Plan, error) {
	var p provision.Plan
	fss := FileSystems(a)
	if len(fss) == 0 {
		return p, nil
	}
	ids := &fileSystemIDs{ids: map[string]string{}}
	allFound := true
	for _, fs := range fss {
		key := fileSystemKey(fs.CreationToken)
		var desc *types.FileSystemDescription
		err := l.read(ctx, func(ctx context.Context) (err error) { desc, err = l.findFileSystem(ctx, fs.CreationToken); return err })
		if err != nil {
			return provision.Plan{}, fmt.Errorf("efs_file_system %s: %w", fs.CreationToken, err)
		}
		act := provision.Action{Resource: provision.EFSFileSystem, ID: fs.CreationToken}
		var mts []types.MountTargetDescription
		tags := map[string]string{}
		if desc != nil {
			id := aws.ToString(desc.FileSystemId)
			switch desc.LifeCycleState {
			case types.LifeCycleStateDeleting, types.LifeCycleStateDeleted:
				return provision.Plan{}, fmt.Errorf("efs_file_system %s: %s is being deleted; wait until it is gone, then run again", fs.CreationToken, id)
			}
			ids.set(fs.CreationToken, id)
			act.Op = provision.Noop
			act.Detail = fmt.Sprintf("%s for /%s, %s", id, fs.Directory, desc.LifeCycleState)
			if !aws.ToBool(desc.Encrypted) {
				p.Warn("EFS file system %s (%s) is not encrypted at rest; EFS cannot encrypt an existing file system, so it is left as it is", id, fs.CreationToken)
			}
			if desc.ThroughputMode != types.ThroughputModeElastic {
				p.Warn("EFS file system %s (%s) has %s throughput, not elastic; it is left as it is", id, fs.CreationToken, desc.ThroughputMode)
			}
			for _, t := range desc.Tags {
				tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			if err = l.read(ctx, func(ctx context.Context) (err error) { mts, err = l.mountTargets(ctx, id); return err }); err != nil {
				return provision.Plan{}, fmt.Errorf("efs_file_system %s: %w", fs.CreationToken, err)
			}
		} else {
			allFound = false
			act.Op = provision.Create
			act.Detail = fmt.Sprintf("for /%s in %s: encrypted, elastic throughput", fs.Directory, a.EFS.Region)
			act.Do = l.createFileSystem(a, fs, ids)
		}
		p.Actions = append(p.Actions, act)

		// One mount target after the other: EFS allows one per zone, so with two subnets of
		// one zone the first listed gets it, every time.
		prev := key
		for _, subnet := range a.EFS.SubnetIDs {
			mt := provision.Action{Resource: provision.EFSMountTarget, ID: fs.CreationToken + "/" + subnet, After: uniq(key, prev)}
			switch found, why := inSubnet(mts, subnet), tags[TagSkippedPrefix+subnet]; {
			case found != nil:
				mt.Op = provision.Noop
				mt.Detail = fmt.Sprintf("%s in %s, %s", aws.ToString(found.MountTargetId), aws.ToString(found.AvailabilityZoneName), found.LifeCycleState)
			case why != "":
				mt.Op = provision.Noop
				mt.Detail = "skipped: " + why + " and EFS allows one mount target per zone"
			default:
				mt.Op = provision.Create
				mt.Detail = "in " + subnet
				if len(a.EFS.SecurityGroupIDs) > 0 {
					mt.Detail += ", security groups " + strings.Join(a.EFS.SecurityGroupIDs, ", ")
				}
				if len(mts) > 0 {
					mt.Detail += "; skipped if its zone already has one"
				}
				mt.Do = l.createMountTarget(a, fs, subnet, ids)
			}
			p.Actions = append(p.Actions, mt)
			prev = mt.Key()
		}
	}
	if len(a.EFS.SecurityGroupIDs) == 0 {
		p.Warn("no efs.security_group_ids: the mount targets get the VPC's default security group, which must allow NFS (TCP 2049) from the web servers")
	}
	var known []Mount
	if allFound {
		var err error
		if known, err = ids.mounts(fss); err != nil {
			return provision.Plan{}, err
		}
	}
	files, err := snippetActions(a, known, func() ([]Mount, error) { return ids.mounts(fss) }, fileSystemKeys(fss))
	if err != nil {
		return provision.Plan{}, err
	}
	p.Actions = append(p.Actions, files...)
	return p, nil
}

func uniq(keys ...string) []string {
	var out []string
	for _, k := range keys {
		if len(out) == 0 || out[len(out)-1] != k {
			out = append(out, k)
		}
	}
	return out
}

func inSubnet(mts []types.MountTargetDescription, subnet string) *types.MountTargetDescription {
	for i := range mts {
		if aws.ToString(mts[i].SubnetId) == subnet {
			return &mts[i]
		}
	}
	return nil
}

// findFileSystem is the file system with the creation token, nil when there is none.
func (l *Live) findFileSystem(ctx context.Context, token string) (*types.FileSystemDescription, error) {
	out, err := l.Client.DescribeFileSystems(ctx, &awsefs.DescribeFileSystemsInput{CreationToken: aws.String(token)})
	if err != nil {
		return nil, err
	}
	for i := range out.FileSystems {
		if aws.ToString(out.FileSystems[i].CreationToken) == token {
			return &out.FileSystems[i], nil
		}
	}
	return nil, nil
}

// read runs one of plan's or verify's reads under the retry policy of apply's actions.
func (l *Live) read(ctx context.Context, do func(context.Context) error) error {
	return provision.Retry(ctx, provision.RetryPolicy{}, provision.Recovered(do))
}

// maxPages bounds a listing: a file system has a mount target per zone (at most a few
// dozen), so a listing that goes on is a faulty server, not a long list.
const maxPages = 100

// mountTargets are all the mount targets of a file system.
func (l *Live) mountTargets(ctx context.Context, fsID string) ([]types.MountTargetDescription, error) {
	var out []types.MountTargetDescription
	pages := awsefs.NewDescribeMountTargetsPaginator(l.Client, &awsefs.DescribeMountTargetsInput{FileSystemId: aws.String(fsID)})
	for n := 0; pages.HasMorePages(); n++ {
		if n == maxPages {
			return nil, fmt.Errorf("DescribeMountTargets of %s: still more after %d pages; stopped", fsID, maxPages)
		}
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, page.MountTargets...)
	}
	return out, nil
}

// createFileSystem makes the file system (or adopts the one a previous run made with the
// same token) and waits until it is available.
func (l *Live) createFileSystem(a *steps.Answers, fs FileSystem, ids *fileSystemIDs) func(context.Context) error {
	return func(ctx context.Context) error {
		if fs.CreationToken == "" { // the SDK would fill a random one, and each run make another
			return errors.New("empty creation token")
		}
		out, err := l.Client.CreateFileSystem(ctx, &awsefs.CreateFileSystemInput{
			CreationToken:   aws.String(fs.CreationToken),
			Encrypted:       aws.Bool(true),
			PerformanceMode: types.PerformanceModeGeneralPurpose,
			ThroughputMode:  types.ThroughputModeElastic,
			Tags: []types.Tag{
				{Key: aws.String("Name"), Value: aws.String(fs.CreationToken)},
				{Key: aws.String(TagMadeBy), Value: aws.String("assetwiz")},
				{Key: aws.String(TagSite), Value: aws.String(a.WebsiteURL)},
				{Key: aws.String(TagDirectory), Value: aws.String(fs.Directory)},
			},
		})
		var exists *types.FileSystemAlreadyExists
		var id string
		switch {
		case err == nil:
			id = aws.ToString(out.FileSystemId)
		case errors.As(err, &exists) && aws.ToString(exists.FileSystemId) != "":
			id = aws.ToString(exists.FileSystemId)
		default:
			return err
		}
		ids.set(fs.CreationToken, id)
		return l.waitFileSystem(ctx, id)
	}
}

// createMountTarget makes the mount target of one subnet and waits until it is available.
// A zone that already has a mount target is recorded on the file system as skipped.
func (l *Live) createMountTarget(a *steps.Answers, fs FileSystem, subnet string, ids *fileSystemIDs) func(context.Context) error {
	return func(ctx context.Context) error {
		fsID := ids.get(fs.CreationToken)
		if fsID == "" {
			return fmt.Errorf("the file system for /%s was not made", fs.Directory)
		}
		if err := l.waitFileSystem(ctx, fsID); err != nil { // EFS refuses mount targets before
			return err
		}
		in := &awsefs.CreateMountTargetInput{FileSystemId: aws.String(fsID), SubnetId: aws.String(subnet)}
		if len(a.EFS.SecurityGroupIDs) > 0 {
			in.SecurityGroups = a.EFS.SecurityGroupIDs
		}
		out, err := l.Client.CreateMountTarget(ctx, in)
		var conflict *types.MountTargetConflict
		var noSubnet *types.SubnetNotFound
		var noGroup *types.SecurityGroupNotFound
		switch {
		case err == nil:
			return l.waitMountTarget(ctx, aws.ToString(out.MountTargetId))
		case errors.As(err, &conflict):
			return l.adoptOrSkip(ctx, fsID, subnet)
		case errors.As(err, &noSubnet):
			return fmt.Errorf("subnet %s of efs.subnet_ids does not exist in %s (efs.region); give subnets of the web servers' VPC in that region (EFS said %s)",
				subnet, a.EFS.Region, noSubnet.ErrorCode())
		case errors.As(err, &noGroup):
			return fmt.Errorf("a security group of efs.security_group_ids (%s) does not exist in the VPC of subnet %s (EFS said %s: %s)",
				strings.Join(a.EFS.SecurityGroupIDs, ", "), subnet, noGroup.ErrorCode(), noGroup.ErrorMessage())
		default:
			return err
		}
	}
}

// adoptOrSkip handles MountTargetConflict: either the subnet already has the mount target
// (a run that was stopped made it), or its zone has one in another subnet.
func (l *Live) adoptOrSkip(ctx context.Context, fsID, subnet string) error {
	mts, err := l.mountTargets(ctx, fsID)
	if err != nil {
		return err
	}
	if mt := inSubnet(mts, subnet); mt != nil {
		return l.waitMountTarget(ctx, aws.ToString(mt.MountTargetId))
	}
	why := "its zone already has a mount target"
	if len(mts) == 1 { // then it is that one; tag values allow no brackets or commas
		why = fmt.Sprintf("zone %s already has %s in %s", aws.ToString(mts[0].AvailabilityZoneName), aws.ToString(mts[0].MountTargetId), aws.ToString(mts[0].SubnetId))
	}
	_, err = l.Client.TagResource(ctx, &awsefs.TagResourceInput{
		ResourceId: aws.String(fsID),
		Tags:       []types.Tag{{Key: aws.String(TagSkippedPrefix + subnet), Value: aws.String(why)}},
	})
	return err
}

// waitFileSystem polls until the file system is available.
func (l *Live) waitFileSystem(ctx context.Context, id string) error {
	return l.poll(ctx, "file system "+id, func(ctx context.Context) (types.LifeCycleState, error) {
		out, err := l.Client.DescribeFileSystems(ctx, &awsefs.DescribeFileSystemsInput{FileSystemId: aws.String(id)})
		if err != nil {
			return "", err
		}
		if len(out.FileSystems) == 0 {
			return "", fmt.Errorf("file system %s: not found", id)
		}
		return out.FileSystems[0].LifeCycleState, nil
	})
}

// waitMountTarget polls until the mount target is available.
func (l *Live) waitMountTarget(ctx context.Context, id string) error {
	return l.poll(ctx, "mount target "+id, func(ctx context.Context) (types.LifeCycleState, error) {
		out, err := l.Client.DescribeMountTargets(ctx, &awsefs.DescribeMountTargetsInput{MountTargetId: aws.String(id)})
		if err != nil {
			return "", err
		}
		if len(out.MountTargets) == 0 {
			return "", fmt.Errorf("mount target %s: not found", id)
		}
		return out.MountTargets[0].LifeCycleState, nil
	})
}

// poll asks for the state until it is available, pausing longer each time, within the
// wait's timeout and the context.
func (l *Live) poll(ctx context.Context, what string, state func(context.Context) (types.LifeCycleState, error)) error {
	w := l.Wait
	if w.Timeout <= 0 {
		w = DefaultWait
	}
	deadline := time.Now().Add(w.Timeout)
	delay := w.First
	for {
		s, err := state(ctx)
		switch {
		case err != nil:
			return err
		case s == types.LifeCycleStateAvailable:
			return nil
		case s == types.LifeCycleStateError, s == types.LifeCycleStateDeleting, s == types.LifeCycleStateDeleted:
			return fmt.Errorf("%s is in state %s", what, s)
		case time.Now().Add(delay).After(deadline):
			return fmt.Errorf("%s is still %s after %s; run apply again later to carry on", what, s, w.Timeout)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		delay = min(2*delay, w.Max)
	}
}

// Verify checks that each file system exists and is available, and that each subnet has an
// available mount target (or was skipped because its zone has one).
func (l *Live) Verify(ctx context.Context, a *steps.Answers) []provision.Check {
	var out []provision.Check
	for _, fs := range FileSystems(a) {
		name := "efs_file_system " + fs.CreationToken
		var desc *types.FileSystemDescription
		err := l.read(ctx, func(ctx context.Context) (err error) { desc, err = l.findFileSystem(ctx, fs.CreationToken); return err })
		switch {
		case err != nil:
			out = append(out, provision.Check{What: name, Err: err})
			continue
		case desc == nil:
			out = append(out, provision.Fail(name, "missing"))
			continue
		case desc.LifeCycleState != types.LifeCycleStateAvailable:
			out = append(out, provision.Fail(name, "%s is %s, not available", aws.ToString(desc.FileSystemId), desc.LifeCycleState))
		default:
			out = append(out, provision.Check{What: name, Detail: aws.ToString(desc.FileSystemId) + " exists, available"})
		}
		id := aws.ToString(desc.FileSystemId)
		var mts []types.MountTargetDescription
		err = l.read(ctx, func(ctx context.Context) (err error) { mts, err = l.mountTargets(ctx, id); return err })
		if err != nil {
			out = append(out, provision.Fail(name, "mount targets: %w", err))
			continue
		}
		skipped := map[string]bool{}
		for _, t := range desc.Tags {
			if subnet, ok := strings.CutPrefix(aws.ToString(t.Key), TagSkippedPrefix); ok {
				skipped[subnet] = true
			}
		}
		anyAvailable := false
		for _, mt := range mts {
			anyAvailable = anyAvailable || mt.LifeCycleState == types.LifeCycleStateAvailable
		}
		for _, subnet := range a.EFS.SubnetIDs {
			mtName := "efs_mount_target " + fs.CreationToken + "/" + subnet
			mt := inSubnet(mts, subnet)
			switch {
			case mt != nil && mt.LifeCycleState != types.LifeCycleStateAvailable:
				out = append(out, provision.Fail(mtName, "%s is %s, not available", aws.ToString(mt.MountTargetId), mt.LifeCycleState))
			case mt != nil:
				out = append(out, provision.Check{What: mtName, Detail: aws.ToString(mt.MountTargetId) + " available"})
			case skipped[subnet] && !anyAvailable:
				out = append(out, provision.Fail(mtName, "skipped for its zone's mount target, but the file system has no available mount target"))
			case skipped[subnet]:
				out = append(out, provision.Check{What: mtName, Detail: "none needed: its zone has an available mount target"})
			default:
				out = append(out, provision.Fail(mtName, "missing"))
			}
		}
	}
	return out
}

// ReadsProvider marks Live a remote backend: provision.Make plans it beside the others.
func (*Live) ReadsProvider() {}

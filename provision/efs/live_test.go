package efs_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsefs "github.com/aws/aws-sdk-go-v2/service/efs"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/efs"
	"github.com/assetwiz/assetwiz/provision/efs/efstest"
	"github.com/assetwiz/assetwiz/steps"
	"github.com/assetwiz/assetwiz/steps/stepstest"
)

const region = "eu-west-1"

// answers are the answers for technique efs with the given subnets, writing the snippets
// into a temporary folder; as given, not validated: the double's ids are not AWS's shape.
func answers(t *testing.T, subnets ...string) *steps.Answers {
	t.Helper()
	return stepstest.Answers(t, "toolkit: original\nmode: temporal\nperiod: hourly\napplication: wordpress\n"+
		"website_url: www.example.com\ndirectories: [wp-content/uploads]\ntechnique: efs\nwebroot: "+steps.DefaultWebroot+"\n"+
		"storage:\n  provider: aws\n  region: "+region+"\nefs:\n  region: "+region+"\n  security_group_ids: [sg-0web]\n",
		stepstest.With(func(a *steps.Answers) { a.EFS.SubnetIDs = subnets }), stepstest.OutputsIn(t.TempDir()), stepstest.AsGiven())
}

// server is the EFS double with two subnets in eu-west-1a, one in eu-west-1b, and the
// security group of the answers.
func server(t *testing.T) *efstest.Server {
	t.Helper()
	s := efstest.New(t)
	s.AddSubnet("subnet-0a1", "eu-west-1a")
	s.AddSubnet("subnet-0a2", "eu-west-1a")
	s.AddSubnet("subnet-0b1", "eu-west-1b")
	s.AddSecurityGroup("sg-0web")
	return s
}

// live is the backend on the real SDK client pointed at the double, polling fast.
func live(s *efstest.Server) *efs.Live {
	c := awsefs.New(awsefs.Options{
		Region:       region,
		BaseEndpoint: aws.String(s.URL()),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
	})
	return &efs.Live{Client: c, Wait: efs.Wait{First: time.Millisecond, Max: 5 * time.Millisecond, Timeout: 5 * time.Second}}
}

func plan(t *testing.T, l *efs.Live, a *steps.Answers) provision.Plan {
	t.Helper()
	p, err := l.Plan(context.Background(), a)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	return p
}

func apply(t *testing.T, l *efs.Live, a *steps.Answers) provision.Plan {
	t.Helper()
	p := plan(t, l, a)
	if err := provision.Apply(context.Background(), p, provision.ApplyOptions{}).Err(); err != nil {
		t.Fatalf("apply: %v", err)
	}
	return p
}

// ops lists "resource id op" per action, to compare plans at a glance.
func ops(p provision.Plan) []string {
	var out []string
	for _, a := range p.Actions {
		out = append(out, string(a.Resource)+" "+a.ID+" "+string(a.Op))
	}
	return out
}

func equal(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// token is the original toolkit's name for www.example.com + wp-content/uploads: the first three
// characters of each label, then the directory (ProvisionElasticFS.sh:70-72).
const token = "wwwexacom-wp-content-uploads"

func TestCreationTokenIsDeterministicAndNeverEmpty(t *testing.T) {
	t.Parallel()
	a := answers(t, "subnet-0a1")
	a.Directories = []string{"wp-content/uploads", "images"}
	first, second := efs.FileSystems(a), efs.FileSystems(a)
	if !slices.Equal(first, second) {
		t.Fatalf("tokens differ between calls: %v, %v", first, second)
	}
	for _, fs := range first {
		if fs.CreationToken == "" || len(fs.CreationToken) > 64 {
			t.Errorf("token %q for %s: want 1-64 characters", fs.CreationToken, fs.Directory)
		}
	}
	if first[0].CreationToken == first[1].CreationToken {
		t.Errorf("two directories share the token %q", first[0].CreationToken)
	}
}

func TestApplyCreatesFileSystemAndMountTargets(t *testing.T) {
	t.Parallel()
	s := server(t)
	l := live(s)
	a := answers(t, "subnet-0a1", "subnet-0b1")

	p := apply(t, l, a)
	fstab, mount := efs.SnippetPaths(a)[0], efs.SnippetPaths(a)[1]
	equal(t, "plan", ops(p), []string{
		"efs_file_system " + token + " create",
		"efs_mount_target " + token + "/subnet-0a1 create",
		"efs_mount_target " + token + "/subnet-0b1 create",
		"file " + fstab + " create",
		"file " + mount + " create",
	})

	fss := s.FileSystems()
	if len(fss) != 1 {
		t.Fatalf("file systems: got %d, want 1", len(fss))
	}
	fs := fss[0]
	if fs.CreationToken != token || !fs.Encrypted || fs.ThroughputMode != "elastic" || fs.PerformanceMode != "generalPurpose" || fs.LifeCycleState != efstest.StateAvailable {
		t.Errorf("file system: %+v", fs)
	}
	wantTags := map[string]string{"Name": token, "made-by": "assetwiz", "assetwiz:site": "www.example.com", "assetwiz:directory": "wp-content/uploads"}
	for k, v := range wantTags {
		if fs.Tags[k] != v {
			t.Errorf("tag %s = %q, want %q (tags %v)", k, fs.Tags[k], v, fs.Tags)
		}
	}
	mts := s.MountTargets(fs.ID)
	if len(mts) != 2 {
		t.Fatalf("mount targets: got %d, want 2: %+v", len(mts), mts)
	}
	for i, subnet := range []string{"subnet-0a1", "subnet-0b1"} {
		mt := mts[i]
		if mt.SubnetID != subnet || !slices.Equal(mt.SecurityGroups, []string{"sg-0web"}) || mt.LifeCycleState != efstest.StateAvailable {
			t.Errorf("mount target %d: %+v", i, mt)
		}
	}
	for _, path := range []string{fstab, mount} {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %o, want 644", path, info.Mode().Perm())
		}
		data, _ := os.ReadFile(path)
		if !strings.Contains(string(data), efs.DNSName(fs.ID, region)+":/") || !strings.Contains(string(data), "/var/www/html/wp-content/uploads") {
			t.Errorf("%s does not mount %s:\n%s", path, fs.ID, data)
		}
	}
	if failures := provision.Failures(l.Verify(context.Background(), a)); len(failures) > 0 {
		t.Errorf("verify after apply: %q", failures)
	}
}

func TestRerunIsNoopAndWritesNothing(t *testing.T) {
	t.Parallel()
	s := server(t)
	l := live(s)
	a := answers(t, "subnet-0a1", "subnet-0b1")
	apply(t, l, a)
	writes := s.Writes()
	fstab := efs.SnippetPaths(a)[0]
	before, _ := os.Stat(fstab)

	p := apply(t, l, a)
	if p.Changes() {
		t.Errorf("re-run plan has changes: %q", ops(p))
	}
	if s.Writes() != writes {
		t.Errorf("re-run made %d write requests", s.Writes()-writes)
	}
	for _, r := range s.Requests()[len(s.Requests())-3:] {
		if r.Method != "GET" {
			t.Errorf("re-run sent %s %s", r.Method, r.Path)
		}
	}
	if after, _ := os.Stat(fstab); !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("re-run rewrote %s", fstab)
	}
}

func TestExistingTokenIsReused(t *testing.T) {
	t.Parallel()
	s := server(t)
	l := live(s)
	a := answers(t, "subnet-0a1")
	// made by an earlier run (or by hand with the same token)
	out, err := l.Client.CreateFileSystem(context.Background(), &awsefs.CreateFileSystemInput{CreationToken: aws.String(token), Encrypted: aws.Bool(true), ThroughputMode: "elastic"})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.FileSystemId)

	p := apply(t, l, a)
	equal(t, "plan", ops(p)[:2], []string{
		"efs_file_system " + token + " noop",
		"efs_mount_target " + token + "/subnet-0a1 create",
	})
	if !strings.Contains(p.Actions[0].Detail, id) {
		t.Errorf("detail %q does not name %s", p.Actions[0].Detail, id)
	}
	if fss := s.FileSystems(); len(fss) != 1 || fss[0].ID != id {
		t.Errorf("file systems: %+v, want only %s", fss, id)
	}
	if mts := s.MountTargets(id); len(mts) != 1 {
		t.Errorf("mount targets of %s: %+v", id, mts)
	}
}

// A run stopped between the plan and CreateFileSystem's answer: the plan said create, the
// file system exists; FileSystemAlreadyExists is taken as "exists".
func TestFileSystemAlreadyExistsIsAdopted(t *testing.T) {
	t.Parallel()
	s := server(t)
	l := live(s)
	a := answers(t, "subnet-0a1")
	p := plan(t, l, a)
	out, err := l.Client.CreateFileSystem(context.Background(), &awsefs.CreateFileSystemInput{CreationToken: aws.String(token)})
	if err != nil {
		t.Fatal(err)
	}
	if err := provision.Apply(context.Background(), p, provision.ApplyOptions{}).Err(); err != nil {
		t.Fatalf("apply: %v", err)
	}
	if fss := s.FileSystems(); len(fss) != 1 {
		t.Errorf("file systems: %d, want 1", len(fss))
	}
	if mts := s.MountTargets(aws.ToString(out.FileSystemId)); len(mts) != 1 {
		t.Errorf("mount targets: %+v", mts)
	}
}

func TestSecondSubnetInAZoneIsSkipped(t *testing.T) {
	t.Parallel()
	s := server(t)
	l := live(s)
	a := answers(t, "subnet-0a1", "subnet-0a2") // both in eu-west-1a
	apply(t, l, a)
	fs := s.FileSystems()[0]
	mts := s.MountTargets(fs.ID)
	if len(mts) != 1 || mts[0].SubnetID != "subnet-0a1" {
		t.Fatalf("mount targets: %+v, want one, in subnet-0a1", mts)
	}

	writes := s.Writes()
	p := plan(t, l, a)
	if p.Changes() {
		t.Errorf("plan after apply has changes: %q", ops(p))
	}
	skip := p.Actions[2]
	if skip.ID != token+"/subnet-0a2" || !strings.Contains(skip.Detail, "skipped") || !strings.Contains(skip.Detail, "eu-west-1a") {
		t.Errorf("second subnet: %s %s %q, want a noop saying it was skipped for eu-west-1a", skip.ID, skip.Op, skip.Detail)
	}
	checks := l.Verify(context.Background(), a)
	if failures := provision.Failures(checks); len(failures) > 0 {
		t.Errorf("verify: %q", failures)
	}
	// verify says what it checked: the file system, the mount target, the skipped subnet.
	var said []string
	for _, c := range checks {
		said = append(said, c.String())
	}
	if len(said) != 3 || !strings.HasPrefix(said[0], "✓ efs_file_system "+token+": fs-") || !strings.HasSuffix(said[0], " exists, available") ||
		!strings.HasPrefix(said[1], "✓ efs_mount_target "+token+"/subnet-0a1: fsmt-") ||
		said[2] != "✓ efs_mount_target "+token+"/subnet-0a2: none needed: its zone has an available mount target" {
		t.Errorf("verify's checks:\n%s", strings.Join(said, "\n"))
	}
	if s.Writes() != writes {
		t.Errorf("plan and verify wrote")
	}
}

// The zone of a subnet is known to EFS only once it holds a mount target: a subnet that
// already has one is a noop at plan time.
func TestSubnetWithMountTargetIsNoop(t *testing.T) {
	t.Parallel()
	s := server(t)
	l := live(s)
	apply(t, l, answers(t, "subnet-0a1"))
	a := answers(t, "subnet-0a1", "subnet-0b1")
	p := plan(t, l, a)
	equal(t, "plan", ops(p)[:3], []string{
		"efs_file_system " + token + " noop",
		"efs_mount_target " + token + "/subnet-0a1 noop",
		"efs_mount_target " + token + "/subnet-0b1 create",
	})
}

func TestMissingSubnetIsAClearError(t *testing.T) {
	t.Parallel()
	s := server(t)
	l := live(s)
	a := answers(t, "subnet-0missing")
	p := plan(t, l, a)
	err := provision.Apply(context.Background(), p, provision.ApplyOptions{}).Err()
	if err == nil {
		t.Fatal("apply succeeded with a subnet that does not exist")
	}
	for _, want := range []string{"subnet-0missing", "efs.subnet_ids", "does not exist"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestMissingSecurityGroupIsAClearError(t *testing.T) {
	t.Parallel()
	s := server(t)
	l := live(s)
	a := answers(t, "subnet-0a1")
	a.EFS.SecurityGroupIDs = []string{"sg-0gone"}
	err := provision.Apply(context.Background(), plan(t, l, a), provision.ApplyOptions{}).Err()
	if err == nil || !strings.Contains(err.Error(), "sg-0gone") || !strings.Contains(err.Error(), "efs.security_group_ids") {
		t.Errorf("error %v: want it to name sg-0gone and efs.security_group_ids", err)
	}
}

func TestVerifyReportsMissing(t *testing.T) {
	t.Parallel()
	s := server(t)
	l := live(s)
	a := answers(t, "subnet-0a1")
	failures := provision.Failures(l.Verify(context.Background(), a))
	equal(t, "verify", failures, []string{"efs_file_system " + token + ": missing"})

	apply(t, l, answers(t, "subnet-0a1"))
	a.EFS.SubnetIDs = []string{"subnet-0a1", "subnet-0b1"}
	failures = provision.Failures(l.Verify(context.Background(), a))
	equal(t, "verify", failures, []string{"efs_mount_target " + token + "/subnet-0b1: missing"})
}

func TestWaitIsBounded(t *testing.T) {
	t.Parallel()
	s := efstest.New(t, efstest.WithFileSystemReadyAfter(1000))
	s.AddSubnet("subnet-0a1", "eu-west-1a")
	s.AddSecurityGroup("sg-0web")
	l := live(s)
	l.Wait.Timeout = 30 * time.Millisecond
	a := answers(t, "subnet-0a1")
	err := provision.Apply(context.Background(), plan(t, l, a), provision.ApplyOptions{}).Err()
	if err == nil || !strings.Contains(err.Error(), "still creating") {
		t.Errorf("apply: %v, want a timeout saying the file system is still creating", err)
	}

}

func TestOfflinePlanListsSnippetsAsCreate(t *testing.T) {
	t.Parallel()
	a := answers(t, "subnet-0a1")
	p, err := efs.Offline{}.Plan(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "offline plan", ops(p), []string{
		"efs_file_system " + token + " create",
		"efs_mount_target " + token + "/subnet-0a1 create",
		"file " + efs.SnippetPaths(a)[0] + " create",
		"file " + efs.SnippetPaths(a)[1] + " create",
	})
}

func TestSnippetsGolden(t *testing.T) {
	t.Parallel()
	a := answers(t, "subnet-0a1")
	a.WebsiteURL = "www.example.org"
	a.Directories = []string{"sites/default/files/pictures", "sites/default/files/styles"}
	mounts := []efs.Mount{
		{Directory: "sites/default/files/pictures", FileSystemID: "fs-0123456789abcdef0"},
		{Directory: "sites/default/files/styles", FileSystemID: "fs-0fedcba9876543210"},
	}
	t.Run("fstab", func(t *testing.T) { golden.RequireEqual(t, []byte(efs.Fstab(a, mounts))) })
	t.Run("mount.sh", func(t *testing.T) { golden.RequireEqual(t, []byte(efs.MountScript(a, mounts))) })
}

func TestSnippetWithOtherModeOrContentIsUpdated(t *testing.T) {
	t.Parallel()
	s := server(t)
	l := live(s)
	a := answers(t, "subnet-0a1")
	apply(t, l, a)
	fstab, mount := efs.SnippetPaths(a)[0], efs.SnippetPaths(a)[1]
	want, _ := os.ReadFile(mount)
	if err := os.Chmod(fstab, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mount, []byte("edited by hand\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := apply(t, l, a)
	equal(t, "plan", ops(p)[2:], []string{"file " + fstab + " update", "file " + mount + " update"})
	if info, _ := os.Stat(fstab); info.Mode().Perm() != 0o644 {
		t.Errorf("fstab mode %o after apply", info.Mode().Perm())
	}
	if got, _ := os.ReadFile(mount); string(got) != string(want) {
		t.Errorf("mount.sh not restored:\n%s", got)
	}
}

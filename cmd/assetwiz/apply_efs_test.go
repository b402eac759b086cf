package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/provision/efs/efstest"
)

const efsAnswers = `mode: temporal
toolkit: original
application: wordpress
website_url: www.example.com
technique: efs
storage:
  provider: aws
  region: eu-west-1
efs:
  region: eu-west-1
  subnet_ids: [subnet-0a1, subnet-0b1]
  security_group_ids: [sg-0abc]
`

// efsEnv points the in-process CLI at the EFS double through AWS_ENDPOINT_URL_EFS, with keys.
func efsEnv(s *efstest.Server) map[string]string {
	return map[string]string{
		"AWS_ENDPOINT_URL_EFS":  s.URL(),
		"AWS_ACCESS_KEY_ID":     "AKIDEFSTEST",
		"AWS_SECRET_ACCESS_KEY": "efs-test-secret-key",
	}
}

func efsServer(t *testing.T) *efstest.Server {
	s := efstest.New(t)
	s.AddSubnet("subnet-0a1", "eu-west-1a")
	s.AddSubnet("subnet-0b1", "eu-west-1b")
	s.AddSecurityGroup("sg-0abc")
	return s
}

func TestEFSApplyThenVerify(t *testing.T) {
	t.Parallel()
	s := efsServer(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), efsAnswers)
	env := efsEnv(s)

	r := runCLI(t, dir, env, "plan", "--detailed-exitcode")
	if r.code != exitChanges || !strings.Contains(r.stdout, "+ efs_file_system") {
		t.Fatalf("plan: exit %d, want 2\n%s%s", r.code, r.stdout, r.stderr)
	}

	r = runCLI(t, dir, env, "apply", "--yes")
	if r.code != exitOK {
		t.Fatalf("apply --yes: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	fss := s.FileSystems()
	if len(fss) != 1 || len(s.MountTargets(fss[0].ID)) != 2 {
		t.Fatalf("after apply: file systems %+v", fss)
	}
	fstab, err := os.ReadFile(filepath.Join(dir, "assetwiz-out", "efs", "fstab"))
	if err != nil || !strings.Contains(string(fstab), fss[0].ID+".efs.eu-west-1.amazonaws.com:/ /var/www/html/wp-content/uploads nfs4 ") {
		t.Errorf("fstab snippet (%v):\n%s", err, fstab)
	}
	if _, err := os.Stat(filepath.Join(dir, "assetwiz-out", "efs", "mount.sh")); err != nil {
		t.Error(err)
	}
	override, _ := os.ReadFile(filepath.Join(dir, "override.tmpl"))
	for _, want := range []string{`export ENABLE_EFS="1"`, `export SUBNET_ID="subnet-0a1"`} {
		if !strings.Contains(string(override), want) {
			t.Errorf("override file lacks %s:\n%s", want, override)
		}
	}
	if strings.Contains(r.stdout+r.stderr, "efs-test-secret-key") {
		t.Errorf("apply printed the secret key")
	}

	r = runCLI(t, dir, env, "verify")
	if r.code != exitOK {
		t.Fatalf("verify: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	writes := s.Writes()
	r = runCLI(t, dir, env, "plan", "--detailed-exitcode")
	if r.code != exitOK {
		t.Errorf("plan after apply: exit %d, want 0 (no changes)\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, dir, env, "apply", "--yes")
	if r.code != exitOK || s.Writes() != writes {
		t.Errorf("second apply: exit %d, %d write requests\n%s%s", r.code, s.Writes()-writes, r.stdout, r.stderr)
	}
}

func TestEFSMissingSubnetFailsNamingIt(t *testing.T) {
	t.Parallel()
	s := efsServer(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "assetwiz.yaml"), strings.Replace(efsAnswers, "subnet-0b1", "subnet-0dead", 1))
	r := runCLI(t, dir, efsEnv(s), "apply", "--yes")
	if r.code != exitFailure {
		t.Fatalf("apply: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "subnet-0dead") || !strings.Contains(r.stderr, "efs.subnet_ids") {
		t.Errorf("stderr does not name the subnet and its answers key:\n%s", r.stderr)
	}
	r = runCLI(t, dir, efsEnv(s), "verify")
	if r.code != exitFailure || !strings.Contains(r.stdout, "subnet-0dead: missing") {
		t.Errorf("verify: exit %d, want 1 naming the subnet\n%s%s", r.code, r.stdout, r.stderr)
	}
}

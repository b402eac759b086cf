package steps

import (
	"strings"
	"testing"
)

func TestBackupBucketsAndTarget(t *testing.T) {
	t.Parallel()
	a, ps := ParseAnswers([]byte("mode: temporal\napplication: drupal\nwebsite_url: www.example.com\nstorage:\n  provider: digitalocean\n" +
		"backup:\n  provider: linode\n"))
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	env, _ := FromEnv(func(k string) string {
		return map[string]string{EnvBackupAccessKey: "AKBACKUPEXAMPLE", EnvBackupSecretKey: "backupsecretexample"}[k]
	})
	a = Merge(a, env)
	a.Complete()
	if ps := a.Validate(); len(ps) > 0 {
		t.Fatal(ps)
	}
	bbs := a.BackupBuckets()
	if len(bbs) != 3 || bbs[0].Name != a.Buckets()[0].Name+"-backup" {
		t.Fatalf("backup buckets %+v", bbs)
	}
	target := a.BackupTarget()
	if target.Storage.Region != "gb-lon-1" || target.EndpointURL() != "https://gb-lon-1.linodeobjects.com" || target.Secrets.S3AccessKey != "AKBACKUPEXAMPLE" {
		t.Fatalf("target %+v", target.Storage)
	}
	for _, v := range []string{"AKBACKUPEXAMPLE", "backupsecretexample"} {
		if !strings.Contains(strings.Join(a.Secrets.Values(), " "), v) {
			t.Errorf("%s is not among the values redacted", v)
		}
	}
}

func TestBackupNeedsBuckets(t *testing.T) {
	t.Parallel()
	a, _ := ParseAnswers([]byte("mode: baseline\napplication: joomla\nwebsite_url: www.example.com\nbackup:\n  provider: linode\n"))
	a.Complete()
	ps := a.Validate()
	if len(ps) != 1 || ps[0].Key != "backup.provider" || !strings.Contains(ps[0].Message, "technique local") {
		t.Fatalf("problems %v, want backup.provider naming technique local", ps)
	}
}

// Issue 24 finding 4: directories images and images-backup made the backup bucket of images
// the asset bucket of images-backup; plan listed the bucket twice and apply failed with an
// internal error. It is bad input, naming both directories and the bucket.
func TestBackupBucketThatIsAnAssetBucketIsBadInput(t *testing.T) {
	t.Parallel()
	a, ps := ParseAnswers([]byte("mode: temporal\napplication: joomla\nwebsite_url: www.example.com\ntechnique: s3fs\n" +
		"directories: [images, images-backup]\nstorage:\n  provider: digitalocean\nbackup:\n  provider: linode\n"))
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	a.Complete()
	ps = a.Validate()
	var got []string
	for _, p := range ps {
		if p.Key == "backup.bucket_suffix" {
			got = append(got, p.String())
		}
	}
	if len(got) != 1 || !strings.Contains(got[0], "directory images (www-example-com-assets-images-backup)") ||
		!strings.Contains(got[0], "directory images-backup") {
		t.Errorf("problems %q", got)
	}
}

// The Old versions step says the buckets hold the only copy only when no second copy was
// answered in the step before it.
func TestOldVersionsSaysOnlyCopyOnlyWithoutABackup(t *testing.T) {
	var explain func(*Answers) string
	for _, st := range Steps() {
		if st.ID == StepBackups {
			explain = st.Explain
		}
	}
	a := Answers{Storage: Storage{Provider: "digitalocean"}}
	if s := explain(&a); !strings.Contains(s, "only copy") {
		t.Errorf("without a second copy: %q does not say the buckets hold the only copy", s)
	}
	a.Backup.Provider = "custom"
	if s := explain(&a); strings.Contains(s, "only copy") || !strings.Contains(s, "second copy") {
		t.Errorf("with a second copy answered: %q", s)
	}
}

package backup

import (
	"context"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
	"github.com/assetwiz/assetwiz/steps/stepstest"
)

// answers are the answers of yaml, writing the schedule files into a folder of the test's own.
func answers(t *testing.T, yaml string) *steps.Answers {
	t.Helper()
	return stepstest.Answers(t, yaml, stepstest.OutputsIn(t.TempDir()))
}

func TestOfflinePlanMakesVersionedPrivateBackupBucketsAndTheSchedule(t *testing.T) {
	t.Parallel()
	a := answers(t, "mode: temporal\napplication: wordpress\nwebsite_url: www.example.com\ntechnique: plugin\n"+
		"storage:\n  provider: digitalocean\nbackup:\n  provider: linode\n")
	p, err := Backend{}.Plan(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, act := range p.Actions {
		if act.Resource == provision.BucketPolicy || act.Resource == provision.BucketCORS {
			t.Errorf("a backup bucket gets %s: it must never be public", act.Resource)
		}
		id := act.ID
		if act.Resource == provision.File {
			id = id[strings.LastIndex(id, "/")+1:]
		}
		got = append(got, string(act.Op)+" "+string(act.Resource)+" "+id)
	}
	want := []string{
		"create bucket www-example-com-assets-wp-content-uploads-backup",
		"create bucket_versioning www-example-com-assets-wp-content-uploads-backup",
		"create bucket_lifecycle www-example-com-assets-wp-content-uploads-backup",
		"create file assetwiz-backup.cron", "create file assetwiz-backup.service", "create file assetwiz-backup.timer",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(p.Warnings) != 0 {
		t.Errorf("warnings for a backup at another provider: %v", p.Warnings)
	}
}

func TestSameAccountIsWarned(t *testing.T) {
	t.Parallel()
	a := answers(t, "mode: temporal\napplication: wordpress\nwebsite_url: www.example.com\n"+
		"storage:\n  provider: digitalocean\nbackup:\n  provider: digitalocean\n")
	p, err := Backend{}.Plan(context.Background(), a)
	if err != nil || len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "same provider and account") {
		t.Fatalf("warnings %v, %v", p.Warnings, err)
	}
}

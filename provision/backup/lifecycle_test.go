package backup

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/assetwiz/assetwiz/provision"
)

// On Ceph RGW (the server of DigitalOcean, Linode, Vultr; run with ASSETWIZ_TEST_RGW=1 and the
// env of /work/shared/servers/ceph-rgw/start_rgw.sh): the backup bucket gets the asset buckets'
// rule, its other rules are kept, and the next plan finds nothing to do.
func TestBackupBucketLifecycleOnCephRGW(t *testing.T) {
	t.Parallel()
	endpoint := os.Getenv("S3_ENDPOINT_URL")
	if os.Getenv("ASSETWIZ_TEST_RGW") != "1" || endpoint == "" {
		t.Skip("set ASSETWIZ_TEST_RGW=1 and the env start_rgw.sh prints to run against Ceph RGW")
	}
	c := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(os.Getenv("S3_ACCESS_KEY"), os.Getenv("S3_SECRET_KEY"), "")})
	ctx := context.Background()
	name := fmt.Sprintf("assetwiz-lc-%d-backup", os.Getpid())
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	other := types.LifecycleRule{ID: aws.String("theirs"), Status: types.ExpirationStatusEnabled,
		Filter: &types.LifecycleRuleFilter{Prefix: aws.String("tmp/")}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}}
	if _, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(name),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{other}}}); err != nil {
		t.Fatal(err)
	}
	b := Backend{Client: c}
	target := answers(t, "mode: temporal\napplication: wordpress\nwebsite_url: www.example.com\nstorage:\n  provider: linode\nbackup:\n  provider: linode\n").BackupTarget()
	act, ok, err := b.lifecycleAction(ctx, &target, name, 30, true, "bucket_versioning/"+name)
	if err != nil || !ok || act.Op != provision.Create {
		t.Fatalf("plan: %v %v %+v", err, ok, act)
	}
	if err := act.Do(ctx); err != nil {
		t.Fatal(err)
	}
	rules, err := b.rules(ctx, name)
	if err != nil || len(rules) != 2 {
		t.Fatalf("rules %v %v; want theirs and ours", rules, err)
	}
	if act, _, err := b.lifecycleAction(ctx, &target, name, 30, true, ""); err != nil || act.Op != provision.Noop {
		t.Fatalf("second plan: %v %+v, want noop", err, act)
	}
}

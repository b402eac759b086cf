package buckets_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/steps"
)

// The guard counts what a build would delete (the wizard's DATA LOSS line shows it), and,
// without keys, says it could not look (GuardUnread), which the gate refuses unconfirmed.
func TestDataLossGuardCountsObjectsAndFailsClosedWithoutKeys(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	ctx := context.Background()
	a := answers(t, srv, steps.ModeBaseline, steps.TechniqueLocal, "joomla")
	probe := *a
	probe.Technique = steps.TechniqueS3fs
	name := probe.Buckets()[0].Name
	if _, err := srv.Client(t).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		srv.PutObject(t, name, fmt.Sprintf("2026/01/%d.jpg", i), "jpeg")
	}
	p, err := buckets.Live{}.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.DataLoss, []string{name}) || p.DataLossObjects[name] != 3 || len(p.GuardUnread) != 0 {
		t.Errorf("data loss %v, objects %v, unread %v: want %s holding 3", p.DataLoss, p.DataLossObjects, p.GuardUnread, name)
	}

	a.Secrets = steps.Secrets{}
	p, err = buckets.Live{Getenv: func(string) string { return "" }}.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.GuardUnread) == 0 || !p.NeedsConsent() {
		t.Errorf("without keys the guard could not look, yet GuardUnread is %v", p.GuardUnread)
	}
}

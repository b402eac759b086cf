package buckets_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/steps"
)

// Finding 6: the guard looks at the site's asset buckets in every technique of a mode whose
// build deletes them (a temporal s3fs site switched to baseline with technique local), and a
// versioned bucket whose only upload was deleted (an old version and a delete marker) is not
// empty.
func TestDataLossGuardSeesEveryTechniqueAndOldVersions(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	ctx := context.Background()
	c := srv.Client(t)

	// The temporal s3fs site made its bucket, and uploads went into it.
	temporal := answers(t, srv, steps.ModeTemporal, steps.TechniqueS3fs, "joomla")
	name := temporal.Buckets()[0].Name
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	srv.PutObject(t, name, "2026/01/photo.jpg", "jpeg")
	if p, err := (buckets.Live{}).Plan(ctx, temporal); err != nil || len(p.DataLoss) != 0 {
		t.Fatalf("temporal builds delete nothing: %v %v", p.DataLoss, err)
	}

	for _, mode := range []string{steps.ModeBaseline, steps.ModeVirgin} {
		for _, tech := range []string{steps.TechniqueLocal, steps.TechniquePlugin} {
			a := answers(t, srv, mode, tech, "joomla")
			if !buckets.GuardApplies(a) {
				t.Fatalf("%s/%s: the guard does not apply", mode, tech)
			}
			p, err := buckets.Live{}.Plan(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p.DataLoss, []string{name}) || !strings.Contains(strings.Join(p.Warnings, "\n"), "DATA LOSS: bucket "+name) {
				t.Errorf("%s/%s: data loss %v, warnings %q", mode, tech, p.DataLoss, p.Warnings)
			}
		}
	}

	// Versioned, and its only upload deleted: ListObjectsV2 sees nothing, the versions remain.
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(name),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(name), Key: aws.String("2026/01/photo.jpg")}) // unversioned before: gone
	srv.PutObject(t, name, "2026/02/photo.jpg", "jpeg")
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(name), Key: aws.String("2026/02/photo.jpg")}); err != nil {
		t.Fatal(err)
	}
	if cur, _ := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(name)}); len(cur.Contents) != 0 {
		t.Fatalf("the bucket still lists current objects: %d", len(cur.Contents))
	}
	p, err := buckets.Live{}.Plan(ctx, answers(t, srv, steps.ModeBaseline, steps.TechniqueLocal, "joomla"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.DataLoss, []string{name}) {
		t.Errorf("an old version and a delete marker count as empty: %v", p.DataLoss)
	}
}

// Without keys a local site cannot be looked at: plan says so and goes on (keys are not
// needed for technique local), rather than failing or staying silent.
func TestDataLossGuardWithoutKeysWarns(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	a := answers(t, srv, steps.ModeBaseline, steps.TechniqueLocal, "joomla")
	a.Secrets = steps.Secrets{}
	p, err := buckets.Live{Getenv: func(string) string { return "" }}.Plan(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if w := strings.Join(p.Warnings, "\n"); !strings.Contains(w, "could not look") || len(p.DataLoss) != 0 {
		t.Errorf("warnings %q, data loss %v", p.Warnings, p.DataLoss)
	}
}

// The guard looks at every bucket at once, not one after another (a 200-directory site behind
// a 50 ms link took 20 s): the proxy lets the version listings through only when all of them
// are under way together, so a guard that waits for one before sending the next is caught.
func TestDataLossGuardLooksAtEveryBucketAtOnce(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	ctx := context.Background()
	a := answers(t, srv, steps.ModeBaseline, steps.TechniqueLocal, "wordpress")
	a.Directories = []string{"wp-content/uploads", "wp-content/a", "wp-content/b", "wp-content/c"}
	probe := *a
	probe.Technique = steps.TechniqueS3fs // the technique that makes the buckets the guard looks at
	var names []string
	for _, b := range probe.Buckets() {
		names = append(names, b.Name)
	}
	if len(names) != len(a.Directories) {
		t.Fatalf("site buckets %v for %d directories", names, len(a.Directories))
	}
	c := srv.Client(t)
	for _, n := range names {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	proxy := s3test.StartQuirky(t, srv, s3test.Quirks{Together: "versions", TogetherN: len(names)})
	a.Storage.Endpoint = proxy.URL
	p, err := buckets.Live{Getenv: func(string) string { return "" }}.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.DataLoss) != 0 {
		t.Errorf("empty buckets reported as holding data: %v", p.DataLoss)
	}
	if n := proxy.Apart(); n != 0 {
		t.Errorf("%d of %d version listings went alone: the guard reads the buckets one after another", n, len(names))
	}
}

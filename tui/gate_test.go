package tui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/internal/exportfile"
	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/provision/override"
	"github.com/assetwiz/assetwiz/steps"
)

// liveOptions plan live against versitygw (the S3 backend `assetwiz apply` uses, pointed at
// it by AWS_ENDPOINT_URL_S3), with the offline plan as the preview, as the command wires them.
func liveOptions(t *testing.T, srv *s3test.Server) Options {
	getenv := func(k string) string {
		if k == buckets.EnvEndpointS3 {
			return srv.Endpoint
		}
		return ""
	}
	opt := testOptions(t)
	opt.Getenv = getenv
	opt.Plan = func(ctx context.Context, a *steps.Answers) (provision.Plan, error) {
		return provision.Make(ctx, a, buckets.Live{Getenv: getenv}, override.Backend{})
	}
	opt.OfflinePlan = offlinePlan
	return opt
}

// Findings 1 and 5(b), full screen: with no keys, or keys versitygw refuses, the review says
// first that the plan could not read the provider and offers Retry, Edit the keys and Save,
// never Apply; Enter retries; nothing is shown done, no override file is written.
func TestReviewWithoutWorkingKeysOffersNoApply(t *testing.T) {
	srv := s3test.Start(t)
	for name, keys := range map[string][2]string{"no keys": {"", ""}, "refused keys": {srv.AccessKey, "not-the-secret"}} {
		t.Run(name, func(t *testing.T) {
			opt := liveOptions(t, srv)
			dir := opt.Dir
			// The second plan (Retry's) waits until the test has seen it start.
			var plans atomic.Int32
			release := make(chan struct{})
			live := opt.Plan
			opt.Plan = func(ctx context.Context, a *steps.Answers) (provision.Plan, error) {
				if plans.Add(1) == 2 {
					<-release
				}
				return live(ctx, a)
			}
			d := start(t, opt)
			d.toBackupsWithKeys(keys[0], keys[1])
			d.send(enter, enter) // versioning on, 30 days
			d.waitFor("Serve uploads")
			d.send(enter) // none
			d.waitFor("Override file")
			d.send(enter, enter)
			d.waitFor("could not read a provider")
			d.send(enter) // the default: Retry
			d.waitFor("Planning: looking at what exists")
			close(release)
			d.waitFor("could not read a provider")
			d.send(ctrlC)
			m := d.final()
			screen := m.screen()
			at := strings.Index(screen, "✗ The plan could not read a provider")
			if at < 0 || at > strings.Index(screen, "Offline preview") || strings.Contains(screen, "The plan (as") {
				t.Errorf("the review does not say first that the plan could not read the provider:\n%s", screen)
			}
			for _, it := range m.menu.items {
				if it.id == choiceApply {
					t.Errorf("Apply is offered:\n%s", screen)
				}
			}
			for _, want := range []string{"> Retry", "Edit the keys", "Save the answers"} {
				if !strings.Contains(screen, want) {
					t.Errorf("the review lacks %q:\n%s", want, screen)
				}
			}
			if strings.Contains(screen, "✓") || strings.Contains(screen, "changes made") || !errors.Is(m.err, ErrInterrupted) {
				t.Errorf("something is shown done, or the wizard did not end interrupted (%v):\n%s", m.err, screen)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("files written: %v", entries)
			}
			if _, err := srv.Client(t).HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String("www-example-com-assets-wp-content-uploads")}); err == nil {
				t.Error("a bucket was made")
			}
		})
	}
}

// Finding 2 and 5(c), full screen: a baseline site whose bucket holds an upload. DATA LOSS is
// first on the review, with the bucket and its count; Enter goes back (it never applies);
// Apply asks for the site's host, refuses anything else, and applies once it is typed.
func TestDataLossReviewNeedsTheTypedHost(t *testing.T) {
	srv := s3test.Start(t)
	bucket := "www-example-com-assets-wp-content-uploads"
	if _, err := srv.Client(t).CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	srv.PutObject(t, bucket, "2026/01/photo.jpg", "jpeg")
	opt := liveOptions(t, srv)
	opt.Loaded.Answers = steps.Answers{Mode: steps.ModeBaseline, Application: "wordpress", WebsiteURL: "www.example.com",
		Technique: steps.TechniqueLocal, Storage: steps.Storage{Provider: "custom", Region: "us-east-1", Endpoint: srv.Endpoint},
		Secrets: steps.Secrets{S3AccessKey: srv.AccessKey, S3SecretKey: srv.SecretKey}}
	opt.Loaded.Answers.Complete()
	toReview := func() *driver {
		d := start(t, opt)
		d.waitFor("Step 1 of")
		d.send(enter) // current
		d.waitFor("Step 2 of")
		d.send(enter) // baseline, as answered
		d.waitFor("Step 3 of")
		d.send(enter) // wordpress
		d.waitFor("┃ Website URL")
		d.send(enter) // www.example.com, as answered
		d.waitFor("Asset directories")
		d.send(enter, enter)
		d.waitFor("Technique")
		d.send(enter) // local
		d.waitFor("Serve uploads")
		d.send(enter)
		d.waitFor("Override file")
		d.send(enter, enter)
		d.waitFor("Apply this plan")
		return d
	}

	d := toReview()
	d.send(enter) // the default: go back, never apply
	d.waitFor("Go back to which step?")
	d.send(esc) // back to the review, planned again
	d.waitFor("Apply this plan")
	d.send(ctrlC)
	m := d.final()
	review := m.screen()
	lines := strings.Split(review, "\n")
	if len(lines) < 4 || !strings.HasPrefix(lines[2], "DATA LOSS:") || !strings.Contains(review, bucket+"  holds 1 object") {
		t.Errorf("DATA LOSS with the bucket and its count is not first on the review:\n%s", review)
	}
	if !strings.Contains(review, "> Go back to a step") {
		t.Errorf("the default choice is not to go back:\n%s", review)
	}
	if _, err := os.Stat(filepath.Join(opt.Dir, steps.DefaultOverrideFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the override file was written: %v", err)
	}

	d = toReview()
	d.send(down, down, down, enter) // Apply this plan (you type the host)
	d.waitFor("type the site's host")
	d.send(enter) // nothing typed
	d.waitFor("That is not www.example.com")
	d.send(typed("example.com"))
	d.waitFor("> example.com") // the refusal is gone while typing; Enter brings it back
	d.send(enter)
	d.waitFor("That is not www.example.com")
	if _, err := os.Stat(filepath.Join(opt.Dir, steps.DefaultOverrideFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the override file was written before the host was typed: %v", err)
	}
	d.send(typed("www.example.com"), enter)
	d.waitFor("Next steps")
	d.send(enter)
	if m := d.final(); m.err != nil {
		t.Fatal(m.err)
	}
	data, err := os.ReadFile(filepath.Join(opt.Dir, steps.DefaultOverrideFile))
	if err != nil || exportfile.Read(string(data))["BUILD_ARCHIVE_CHOICE"] != "baseline" {
		t.Errorf("after the typed host the override holds %q (%v)", data, err)
	}
}

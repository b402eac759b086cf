package buckets

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/presets"
	"github.com/assetwiz/assetwiz/provision"
	whyNot "github.com/assetwiz/assetwiz/provision/explain"
	"github.com/assetwiz/assetwiz/steps"
)

// Plan plans the buckets (planBuckets) and runs the data-loss guard beside it.
func (l Live) Plan(ctx context.Context, a *steps.Answers) (provision.Plan, error) {
	// The guard's reads go beside the plan's: neither waits for the other.
	var guard provision.Plan
	var guardErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		guardErr = provision.Recovered(func(ctx context.Context) (err error) {
			guard, err = l.dataLossGuard(ctx, a)
			return err
		})(ctx)
	})
	p, err := l.planBuckets(ctx, a)
	wg.Wait()
	if err != nil {
		return p, err
	}
	if err := guardErr; err != nil {
		return provision.Plan{}, err
	}
	p.Warnings = append(p.Warnings, guard.Warnings...)
	p.DataLoss = append(p.DataLoss, guard.DataLoss...)
	p.DataLossObjects = guard.DataLossObjects
	p.GuardUnread = append(p.GuardUnread, guard.GuardUnread...)
	return p, nil
}

// GuardApplies reports whether the next toolkit build for the answers may delete the site's
// asset buckets, whatever the technique: a virgin or baseline build runs the toolkit's
// CheckForAssetsOverwrite, which purges the asset buckets it finds holding objects. (G3 runs
// it for baseline only, over DIRECTORIES_TO_MOUNT; G1 and G2 for virgin and baseline, G1 over
// the application's default directories. The guard covers the union: a false alarm costs a
// flag, a miss costs the uploads.) It needs a storage provider to look.
func GuardApplies(a *steps.Answers) bool {
	return (a.Mode == steps.ModeBaseline || a.Mode == steps.ModeVirgin) && a.HasStorage()
}

// siteBuckets names the site's asset buckets as the toolkit would, for every technique: a
// site that had buckets (temporal s3fs) and now keeps its assets locally still has them.
func siteBuckets(a *steps.Answers) []string {
	probe := *a
	probe.Technique = steps.TechniqueS3fs // the technique that makes buckets, to get their names
	// G1 ("original") replaces DIRECTORIES_TO_MOUNT with the application's defaults.
	if probe.Toolkit == "original" {
		if app, ok := presets.FindApplication(a.Application); ok {
			for _, d := range app.Directories {
				if !slices.Contains(probe.Directories, d) {
					probe.Directories = append(slices.Clip(probe.Directories), d)
				}
			}
		}
	}
	var out []string
	for _, b := range probe.Buckets() {
		out = append(out, b.Name)
	}
	return out
}

// dataLossGuard warns, and names in DataLoss, each asset bucket of the site that exists and
// holds anything a purge would destroy: current objects, old versions or delete markers (a
// versioned bucket whose only upload was deleted still holds it as an old version).
func (l Live) dataLossGuard(ctx context.Context, a *steps.Answers) (provision.Plan, error) {
	var p provision.Plan
	if !GuardApplies(a) {
		return p, nil
	}
	names := siteBuckets(a)
	if len(names) == 0 {
		return p, nil
	}
	client, err := NewClient(ctx, a, l.Getenv)
	if err != nil {
		p.Warn("a %s build of the toolkit deletes the site's asset buckets (%s) with every upload in them; assetwiz could not look whether they hold any (%v): check them before building", a.Mode, joinNames(names), err)
		p.GuardUnread = append(p.GuardUnread, fmt.Sprintf("%s: %v", joinNames(names), err)) // fails closed (provision.Gate)
		return p, nil
	}
	// Every bucket is looked at at once; the warnings keep the order of names.
	holding := make([]bool, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			errs[i] = provision.Recovered(func(ctx context.Context) (err error) {
				holding[i], err = holdsData(ctx, client, name)
				return err
			})(ctx)
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return p, ctx.Err()
	}
	for i, name := range names {
		holds, err := holding[i], errs[i]
		if err != nil {
			p.Warn("a %s build of the toolkit deletes the asset bucket %s with every upload in it; assetwiz could not look whether it holds any (%v): check it before building", a.Mode, name, explain(name, err))
			p.GuardUnread = append(p.GuardUnread, whyNot.Line(explain(name, err), false)) // fails closed (provision.Gate), in one line
			continue
		}
		if !holds {
			continue
		}
		unused := ""
		if !a.MakesBuckets() {
			unused = fmt.Sprintf(" (technique %s does not use it, but the toolkit still finds it by the site's name)", a.Technique)
		}
		p.Warn("DATA LOSS: bucket %s already exists and holds objects%s. A %s build of the toolkit for %s deletes the existing asset buckets, "+
			"with every upload in them, old versions included. Copy what you want to keep elsewhere first, or use mode temporal. "+
			"apply will not run without --%s.", name, unused, a.Mode, a.WebsiteURL, ConfirmDataLossFlag)
		p.DataLoss = append(p.DataLoss, name)
	}
	p.DataLossObjects = countObjects(ctx, client, p.DataLoss)
	return p, nil
}

// holdsData reports whether a bucket exists and holds an object version, current or not. A
// delete marker holds nothing: a bucket of lone markers loses nothing to a purge. The listing
// goes on past pages of markers until it meets a version. A provider without version listing
// is asked for current objects instead.
func holdsData(ctx context.Context, c *s3.Client, bucket string) (bool, error) {
	exists, err := bucketExists(ctx, c, bucket)
	if err != nil || !exists {
		return false, err
	}
	in := &s3.ListObjectVersionsInput{Bucket: aws.String(bucket), MaxKeys: aws.Int32(1)}
	for page := 0; ; page++ {
		v, err := c.ListObjectVersions(ctx, in)
		if err != nil {
			if page == 0 && isUnsupported(err) {
				break
			}
			return false, err
		}
		if len(v.Versions) > 0 {
			return true, nil
		}
		if !aws.ToBool(v.IsTruncated) || (v.NextKeyMarker == nil && v.NextVersionIdMarker == nil) {
			return false, nil
		}
		// Past the first page, larger ones: a bucket of many markers is read in few requests.
		in.KeyMarker, in.VersionIdMarker, in.MaxKeys = v.NextKeyMarker, v.NextVersionIdMarker, aws.Int32(1000)
	}
	o, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), MaxKeys: aws.Int32(1)})
	if err != nil {
		return false, err
	}
	return len(o.Contents) > 0, nil
}

func joinNames(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return fmt.Sprint(names)
}

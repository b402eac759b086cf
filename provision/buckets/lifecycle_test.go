package buckets_test

import (
	"context"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/steps"
)

// Issue 24 finding 5: behind a server that drops lifecycle rule ids, changing
// noncurrent_version_days added a second rule (assetwiz's was found by its days), and the
// old, shorter expiry stayed in force. Now the rule is found by what it does: the change is
// an update of that one rule, and the plan after it is empty.
func TestChangedDaysUpdateTheRuleWhenTheServerDropsIDs(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	ctx := context.Background()
	proxy := s3test.StartQuirky(t, srv, s3test.Quirks{Lifecycle: true, DropRuleIDs: true})
	a := answers(t, srv, steps.ModeTemporal, steps.TechniqueS3fs, "joomla")
	a.Storage.Endpoint = proxy.URL
	name := a.Buckets()[0].Name
	live := buckets.Live{Getenv: func(string) string { return "" }}
	apply := func(want provision.Op) provision.Action {
		t.Helper()
		p, err := live.Plan(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		var lc provision.Action
		for _, act := range p.Actions {
			if act.Resource == provision.BucketLifecycle {
				lc = act
			}
		}
		if lc.Op != want {
			t.Fatalf("lifecycle %s (%s), want %s", lc.Op, lc.Detail, want)
		}
		if res := provision.Apply(ctx, p, provision.ApplyOptions{}); res.Err() != nil || res.Count()[provision.Skipped] != 0 {
			t.Fatalf("apply: %v %v", res.Err(), res.Count())
		}
		return lc
	}
	apply(provision.Create)
	apply(provision.Noop)
	days := 7
	a.Storage.NoncurrentVersionDays = &days
	lc := apply(provision.Update)
	if !strings.Contains(lc.Detail, "after 7 days (was 30 days)") {
		t.Errorf("update detail %q", lc.Detail)
	}
	doc := proxy.LifecycleRules(name)
	if n := strings.Count(doc, "<Rule>"); n != 1 || !strings.Contains(doc, "<NoncurrentDays>7</NoncurrentDays>") {
		t.Errorf("%d rules after the change, want one of 7 days:\n%s", n, doc)
	}
	apply(provision.Noop)
	// One day is a day.
	days = 1
	if lc := apply(provision.Update); !strings.Contains(lc.Detail, "after 1 day (was 7 days)") {
		t.Errorf("update detail %q", lc.Detail)
	}
}

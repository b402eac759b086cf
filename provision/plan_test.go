package provision

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/assetwiz/assetwiz/steps"
)

type fixed Plan

func (f fixed) Plan(context.Context, *steps.Answers) (Plan, error) { return Plan(f), nil }

func TestMakeWritesFilesAfterEveryRemoteAction(t *testing.T) {
	t.Parallel()
	remote := fixed{Actions: []Action{{Resource: Bucket, ID: "b", Op: Create}, {Resource: CacheRule, ID: "r", Op: Noop}}}
	files := fixed{Actions: []Action{{Resource: File, ID: "override.tmpl", Op: Update}}, Warnings: []string{"w"}}
	p, err := Make(context.Background(), &steps.Answers{}, remote, files)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Actions[2].After; !slices.Equal(got, []string{"bucket/b", "cache_rule/r"}) {
		t.Errorf("file After = %v, want every remote action", got)
	}
	if len(p.Actions[0].After) != 0 {
		t.Errorf("a remote action got prerequisites: %v", p.Actions[0].After)
	}
}

func TestPlanTextAndJSON(t *testing.T) {
	t.Parallel()
	p := Plan{Actions: []Action{
		{Resource: Bucket, ID: "www-example-com-assets-images", Op: Create, Detail: "for /images"},
		{Resource: BucketVersioning, ID: "www-example-com-assets-images", Op: Update, Detail: "enable"},
		{Resource: File, ID: "override.tmpl", Op: Noop},
	}, Warnings: []string{"mind the gap"}}
	var text bytes.Buffer
	p.WriteText(&text)
	for _, want := range []string{"  + bucket ", "  ~ bucket_versioning ", "  = file ", "Plan: 1 to create, 1 to update, 1 unchanged.", "  ! mind the gap"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("plan text lacks %q:\n%s", want, text.String())
		}
	}
	var js bytes.Buffer
	p.WriteJSON(&js)
	var out map[string]any
	if err := json.Unmarshal(js.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if out["format_version"] != "1" || out["changes"] != true || len(out["actions"].([]any)) != 3 {
		t.Errorf("plan JSON: %s", js.String())
	}
	empty := Plan{}
	js.Reset()
	empty.WriteJSON(&js)
	if !strings.Contains(js.String(), `"actions": []`) || !strings.Contains(js.String(), `"warnings": []`) || !strings.Contains(js.String(), `"changes": false`) {
		t.Errorf("empty plan JSON must have empty lists, not null: %s", js.String())
	}
}

// backendFunc is a Backend made of a function; remoteFunc and completerFunc mark it remote,
// and remote that completes the answers.
type backendFunc func(context.Context, *steps.Answers) (Plan, error)

func (f backendFunc) Plan(ctx context.Context, a *steps.Answers) (Plan, error) { return f(ctx, a) }

type remoteFunc struct{ backendFunc }

func (remoteFunc) ReadsProvider() {}

type completerFunc struct{ remoteFunc }

func (completerFunc) CompletesAnswers() {}

// The remote backends read their providers at once (the buckets' reads beside the CDN's zone
// and rules, each a round trip or more away), then the files plan in order, with what a
// Completer found: here each remote backend waits to see the other start, which one after
// another would never do.
func TestMakePlansTheRemoteBackendsAtOnce(t *testing.T) {
	startedS3, startedCDN := make(chan struct{}), make(chan struct{})
	meet := func(mine, other chan struct{}) error {
		close(mine)
		select {
		case <-other:
			return nil
		case <-time.After(10 * time.Second):
			return errors.New("planned one after another: the other remote backend never started meanwhile")
		}
	}
	s3 := remoteFunc{func(_ context.Context, a *steps.Answers) (Plan, error) {
		if err := meet(startedS3, startedCDN); err != nil {
			return Plan{}, err
		}
		a.WebsiteURL = "changed.example.com" // a copy: only a Completer changes the answers
		return Plan{Actions: []Action{{Resource: Bucket, ID: "b", Op: Create}}}, nil
	}}
	cdn := completerFunc{remoteFunc{func(_ context.Context, a *steps.Answers) (Plan, error) {
		if err := meet(startedCDN, startedS3); err != nil {
			return Plan{}, err
		}
		a.CDN.Host = "cdn.example.com"
		return Plan{Actions: []Action{{Resource: CacheRule, ID: "r", Op: Create}}}, nil
	}}}
	var filesSaw string
	files := backendFunc(func(_ context.Context, a *steps.Answers) (Plan, error) {
		filesSaw = a.WebsiteURL + " " + a.CDN.Host
		return Plan{Actions: []Action{{Resource: File, ID: "f", Op: Create}}}, nil
	})
	a := &steps.Answers{WebsiteURL: "www.example.com"}
	p, err := Make(context.Background(), a, s3, cdn, files)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, act := range p.Actions {
		keys = append(keys, act.Key())
	}
	if want := []string{"bucket/b", "cache_rule/r", "file/f"}; !slices.Equal(keys, want) {
		t.Errorf("actions %q, want %q (the order given)", keys, want)
	}
	if filesSaw != "www.example.com cdn.example.com" {
		t.Errorf("the files saw %q: want the CDN host the Completer found, and the answers otherwise as given", filesSaw)
	}
}

package provision

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

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

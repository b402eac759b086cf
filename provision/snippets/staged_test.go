package snippets

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/assetwiz/assetwiz/provision"
)

// filesUnder lists every file under dir (hidden temporary files included), relative to it.
func filesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

// The snippet files (a credentials file per bucket on a large site) are written and synced
// while apply waits for the provider, and only renamed into place once the buckets are made;
// when the buckets fail nothing is left behind: no file, no temporary file, no folder.
func TestSnippetsAreStagedWhileTheBucketsAreMade(t *testing.T) {
	for _, bucketsFail := range []bool{false, true} {
		a := answersWith("s3fs", "s3fs", "wordpress", "digitalocean", "ams3", "", true, "")
		a.Directories = []string{"wp-content/uploads", "wp-content/media"}
		a.Dir = t.TempDir()
		a.Output.SnippetsDir = "assetwiz-out"
		out := a.Path(a.Output.SnippetsDir)
		p, err := Backend{}.Plan(context.Background(), a)
		if err != nil {
			t.Fatal(err)
		}
		files := len(p.Actions)
		var stagedMeanwhile []string
		bucket := provision.Action{Resource: provision.Bucket, ID: "www-example-com-assets", Op: provision.Create,
			Do: func(context.Context) error {
				// The files' preparation runs beside this call: wait until every one is staged.
				for range 200 {
					if stagedMeanwhile = filesUnder(t, out); len(stagedMeanwhile) == files {
						break
					}
					time.Sleep(5 * time.Millisecond)
				}
				if bucketsFail {
					return errors.New("AccessDenied")
				}
				return nil
			}}
		for i := range p.Actions {
			p.Actions[i].After = []string{bucket.Key()}
		}
		p.Actions = append([]provision.Action{bucket}, p.Actions...)
		res := provision.Apply(context.Background(), p, provision.ApplyOptions{})

		if len(stagedMeanwhile) != files || slices.ContainsFunc(stagedMeanwhile, func(f string) bool { return !strings.Contains(f, ".tmp-") }) {
			t.Errorf("buckets fail %v: while the bucket was made, the snippets folder held %q; want a staged temporary file per snippet, none in place", bucketsFail, stagedMeanwhile)
		}
		got := filesUnder(t, out)
		if bucketsFail {
			if res.Err() == nil {
				t.Fatal("apply succeeded; the bucket failed")
			}
			if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("after the buckets failed: %s holds %q (stat: %v); want it not made", out, got, err)
			}
			continue
		}
		if err := res.Err(); err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, act := range p.Actions[1:] {
			rel, _ := filepath.Rel(out, a.Path(act.ID))
			want = append(want, rel)
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("after apply the folder holds %q, want exactly %q (no temporary file left)", got, want)
		}
	}
}

// BenchmarkNoOpPlanOfLargeSite is the snippets' part of a 200-directory no-op plan: every
// credentials file read back and compared.
//
//	go test ./provision/snippets -run '^$' -bench NoOpPlanOfLargeSite -benchtime 20x
func BenchmarkNoOpPlanOfLargeSite(b *testing.B) {
	a := answersWith("s3fs", "s3fs", "wordpress", "digitalocean", "ams3", "", true, "")
	a.Directories = nil
	for i := range 200 {
		a.Directories = append(a.Directories, fmt.Sprintf("wp-content/uploads-%03d", i))
	}
	a.Dir = b.TempDir()
	a.Output.SnippetsDir = "assetwiz-out"
	p, err := Backend{}.Plan(context.Background(), a)
	if err != nil {
		b.Fatal(err)
	}
	if res := provision.Apply(context.Background(), p, provision.ApplyOptions{}); res.Err() != nil {
		b.Fatal(res.Err())
	}
	for b.Loop() {
		p, err := Backend{}.Plan(context.Background(), a)
		if err != nil || p.Changes() {
			b.Fatalf("%v %v", err, p.Changes())
		}
	}
}

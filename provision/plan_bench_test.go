package provision_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/provision/cloudflare"
	"github.com/assetwiz/assetwiz/provision/efs"
	"github.com/assetwiz/assetwiz/provision/override"
	"github.com/assetwiz/assetwiz/provision/snippets"
	"github.com/assetwiz/assetwiz/steps"
)

// benchAnswers are WordPress answers with n asset directories, loaded as `plan` loads them
// (parsed, completed, validated), with the override file in a folder that holds none.
func benchAnswers(b *testing.B, n int) *steps.Answers {
	b.Helper()
	var y strings.Builder
	y.WriteString("mode: temporal\napplication: wordpress\nwebsite_url: www.example.com\ntechnique: s3fs\n")
	y.WriteString("storage:\n  provider: digitalocean\n  region: ams3\n")
	y.WriteString("cdn:\n  provider: cloudflare\n  zone: example.com\n")
	fmt.Fprintf(&y, "output:\n  override_file: %s/override.tmpl\n  snippets_dir: %s/out\n", b.TempDir(), b.TempDir())
	y.WriteString("directories:\n")
	for i := range n {
		fmt.Fprintf(&y, "  - wp-content/uploads-%04d\n", i)
	}
	a, ps := steps.ParseAnswers([]byte(y.String()))
	if len(ps) > 0 {
		b.Fatal(ps)
	}
	a.Complete()
	if ps := a.Validate(); len(ps) > 0 {
		b.Fatal(ps)
	}
	return &a
}

func offlineBackends() []provision.Backend {
	return []provision.Backend{buckets.Offline{}, efs.Offline{}, cloudflare.Offline{}, snippets.Backend{}, override.Backend{}}
}

// BenchmarkPlanOffline is `plan --offline` without the process: every backend offline.
func BenchmarkPlanOffline(b *testing.B) {
	for _, n := range []int{1, 10, 100, 1000} {
		b.Run(fmt.Sprintf("dirs=%d", n), func(b *testing.B) {
			a := benchAnswers(b, n)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := provision.Make(ctx, a, offlineBackends()...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPlanWriteText is printing the offline plan of 1000 directories.
func BenchmarkPlanWriteText(b *testing.B) {
	a := benchAnswers(b, 1000)
	p, err := provision.Make(context.Background(), a, offlineBackends()...)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := p.WriteText(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

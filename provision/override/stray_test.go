package override

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/steps"
)

// mountDatastoreLine68 is adt-webserver-scripts' providerscripts/datastore/operations/
// MountDatastore.sh:68 (main @ae64d595), as the toolkit runs it.
const mountDatastoreLine68 = `active_bucket="` + "`" + `/bin/echo "${WEBSITE_URL}-assets-${additional_specifier}" | /bin/sed -e 's/\./-/g' -e 's;/;-;g' -e 's/--/-/g'` + "`" + `"; printf %s "$active_bucket"`

// TestStrayBucketsAreTheToolkitsOwnNames: for the current toolkit mounting directories with
// s3fs, the plan names every bucket the web servers' MountDatastore.sh will try beside the one
// they mount — computed by the toolkit's own line, run by sh — and nothing else: not for a
// directory without '_', not for another generation, nor when the toolkit mounts nothing.
func TestStrayBucketsAreTheToolkitsOwnNames(t *testing.T) {
	t.Parallel()
	dirs := []string{"media_2", "wp-content/uploads", "a_b/c_d", "x_-y", "images"}
	answers := func(tk, mode, technique string) *steps.Answers {
		a := &steps.Answers{Toolkit: tk, Mode: mode, Application: "wordpress", WebsiteURL: "www.example.com",
			Technique: technique, Directories: dirs, Storage: steps.Storage{Provider: "linode"}}
		a.Complete()
		return a
	}
	a := answers("current", "temporal", "s3fs")
	var want []string
	for _, d := range dirs {
		cmd := exec.Command("sh", "-c", mountDatastoreLine68)
		cmd.Env = []string{"WEBSITE_URL=" + a.WebsiteURL, "additional_specifier=" + d, "PATH=/usr/bin:/bin"}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("the toolkit's line for %s: %v", d, err)
		}
		if name := string(out); name != a.BucketName(d) {
			want = append(want, name)
		}
	}
	if !slices.Equal(want, []string{"www-example-com-assets-media_2", "www-example-com-assets-a_b-c_d", "www-example-com-assets-x_-y"}) {
		t.Fatalf("the toolkit's own line gives strays %v: the test's premise changed", want)
	}
	var got []string
	for _, s := range StrayBuckets(a) {
		got = append(got, s.Name)
		if s.Mounted != a.BucketName(s.Directory) {
			t.Errorf("%s: mounted %s, want %s", s.Directory, s.Mounted, a.BucketName(s.Directory))
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("stray buckets %v, want %v", got, want)
	}
	_, warnings := Exports(a, true)
	for _, name := range want {
		n := 0
		for _, w := range warnings {
			if strings.Contains(w, "bucket "+name+" (") && strings.Contains(w, "ignore it or delete it") && strings.Contains(w, "MountDatastore.sh:68") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("want one warning naming %s, ignore or delete, MountDatastore.sh:68; got %q", name, warnings)
		}
	}
	for _, other := range []*steps.Answers{answers("classic", "temporal", "s3fs"), answers("current", "baseline", "plugin"), answers("current", "temporal", "plugin")} {
		if s := StrayBuckets(other); len(s) > 0 {
			t.Errorf("%s %s %s: stray buckets %v, want none (the toolkit mounts nothing there, or names them otherwise)", other.Toolkit, other.Mode, other.Technique, s)
		}
	}
}

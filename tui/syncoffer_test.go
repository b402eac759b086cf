package tui

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// After apply, when the webroot on this machine already holds uploads, the next steps offer
// `assetwiz sync` and say how many files there are; the review says it too.
func TestApplyOffersSyncForUploadsInTheWebroot(t *testing.T) {
	// A webroot path of fixed length, so the wrapped screen is the same on every run.
	suffix := make([]byte, 4)
	rand.Read(suffix)
	webroot := filepath.Join("/tmp", "assetwiz-webroot-"+hex.EncodeToString(suffix))
	t.Cleanup(func() { os.RemoveAll(webroot) })
	for name, size := range map[string]int{"2024/01/a.jpg": 1500, "2024/01/b.png": 500, "c.pdf": 1000} {
		path := filepath.Join(webroot, "wp-content", "uploads", filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opt := testOptions(t)
	opt.Loaded.Answers.Webroot = webroot
	d := start(t, opt)
	d.toReview()
	d.send(enter) // Apply this plan
	d.waitFor("Next steps")
	d.send(enter)
	m := d.final()
	if !strings.Contains(m.reviewContent, "Uploads found: "+webroot+" holds 3 files") {
		t.Errorf("the review does not say how many files the webroot holds:\n%s", m.reviewContent)
	}
	screen := strings.ReplaceAll(m.View(), webroot, "/tmp/assetwiz-webroot-XXXXXXXX")
	if !strings.Contains(strings.Join(strings.Fields(screen), " "), "holds 3 files (3.0 kB) in the asset directories: copy them into the buckets with `assetwiz sync --from /tmp/assetwiz-webroot-XXXXXXXX`") {
		t.Errorf("the apply summary does not offer sync:\n%s", screen)
	}
	requireGolden(t, screen)
}

package steps

import (
	"regexp"
	"strings"
	"testing"
)

// FuzzParseAnswers: the loader never panics, and every problem names a key.
func FuzzParseAnswers(f *testing.F) {
	f.Add([]byte("mode: temporal\napplication: wordpress\nwebsite_url: www.example.com\n"))
	f.Add([]byte("storage: {provider: aws, versioning: maybe}\ncdn: [x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, problems := ParseAnswers(data)
		for _, p := range problems {
			if p.Key == "" || p.Message == "" {
				t.Fatalf("problem without key or message: %+v", p)
			}
		}
		a.Complete()
		for _, p := range a.Validate() {
			if p.Key == "" {
				t.Fatalf("validation problem without key: %+v", p)
			}
		}
	})
}

var validBucket = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)

// FuzzBucketName: whatever the website_url and directory, either the answers are refused
// naming one of them, or the bucket name is a valid S3 name of the toolkit's shape.
func FuzzBucketName(f *testing.F) {
	f.Add("www.example.com", "wp-content/uploads")
	f.Add("WWW.Example.CO.UK/", "Sites/Default/Files_Pictures")
	f.Add("a.b.example.com", "--__--")
	f.Fuzz(func(t *testing.T, url, dir string) {
		a := Answers{Mode: ModeTemporal, Application: "joomla", WebsiteURL: url, Directories: []string{dir}, Storage: Storage{Provider: "digitalocean"}}
		a.Complete()
		problems := a.Validate()
		for _, p := range problems {
			if !strings.HasPrefix(p.Key, "website_url") && !strings.HasPrefix(p.Key, "directories") {
				t.Fatalf("unexpected problem %s", p)
			}
		}
		if len(problems) > 0 {
			return
		}
		name := BucketName(a.WebsiteURL, dir)
		if !validBucket.MatchString(name) || strings.Contains(name, "--") {
			t.Fatalf("accepted %q + %q giving the invalid bucket name %q", url, dir, name)
		}
		if !strings.Contains(name, "-assets-") {
			t.Fatalf("bucket name %q is not of the toolkit's shape", name)
		}
	})
}

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

// FuzzBucketName: whatever the website_url and directory, for every generation, either the
// answers are refused naming one of them, or the bucket is a valid S3 name and exactly the
// name that generation's toolkit mounts.
func FuzzBucketName(f *testing.F) {
	f.Add("www.example.com", "wp-content/uploads")
	f.Add("WWW.Example.CO.UK/", "Sites/Default/Files_Pictures")
	f.Add("a.b.example.com", "--__--")
	f.Add("www.my-site.co.uk", "a_-b")
	f.Fuzz(func(t *testing.T, url, dir string) {
		for _, tk := range []string{ToolkitCurrent, ToolkitClassic, ToolkitOriginal} {
			a := Answers{Toolkit: tk, Mode: ModeTemporal, Application: "joomla", WebsiteURL: url, Directories: []string{dir}, Storage: Storage{Provider: "digitalocean"}}
			a.Complete()
			problems := a.Validate()
			for _, p := range problems {
				if !strings.HasPrefix(p.Key, "website_url") && !strings.HasPrefix(p.Key, "directories") {
					t.Fatalf("%s: unexpected problem %s", tk, p)
				}
			}
			if len(problems) > 0 {
				continue
			}
			name := a.Buckets()[0].Name
			if !validBucket.MatchString(name) || name != ToolkitBucketName(tk, a.WebsiteURL, dir) {
				t.Fatalf("%s: accepted %q + %q giving the bucket name %q", tk, url, dir, name)
			}
			if tk != ToolkitOriginal && !strings.Contains(name, "-assets-") {
				t.Fatalf("%s: bucket name %q is not of the toolkit's shape", tk, name)
			}
		}
	})
}

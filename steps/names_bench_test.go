package steps

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkBucketName is the name derivation of one directory.
func BenchmarkBucketName(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = ToolkitBucketName(ToolkitCurrent, "www.nuocial.org.uk", "wp-content/uploads")
	}
}

// BenchmarkBucketNameProblem is the name derivation of one directory with its validation
// (length, characters, provider rules), as Validate does it.
func BenchmarkBucketNameProblem(b *testing.B) {
	a := Answers{Toolkit: ToolkitCurrent, Technique: TechniqueS3fs, WebsiteURL: "www.nuocial.org.uk", Storage: Storage{Provider: "digitalocean"}}
	b.ReportAllocs()
	for b.Loop() {
		if msg := a.BucketNameProblem("wp-content/uploads"); msg != "" {
			b.Fatal(msg)
		}
	}
}

func benchAnswersFile(n int) []byte {
	var y strings.Builder
	y.WriteString("mode: temporal\napplication: wordpress\nwebsite_url: www.example.com\ntechnique: s3fs\n")
	y.WriteString("storage:\n  provider: digitalocean\n  region: ams3\ndirectories:\n")
	for i := range n {
		fmt.Fprintf(&y, "  - wp-content/uploads-%04d\n", i)
	}
	return []byte(y.String())
}

// BenchmarkValidate1000 is Validate of answers with 1000 directories: every directory's
// checks and bucket name, and the duplicate check.
func BenchmarkValidate1000(b *testing.B) {
	a, ps := ParseAnswers(benchAnswersFile(1000))
	if len(ps) > 0 {
		b.Fatal(ps)
	}
	a.Complete()
	b.ReportAllocs()
	for b.Loop() {
		if ps := a.Validate(); len(ps) > 0 {
			b.Fatal(ps)
		}
	}
}

// BenchmarkParseAnswers1000 is reading an answers file with 1000 directories.
func BenchmarkParseAnswers1000(b *testing.B) {
	data := benchAnswersFile(1000)
	b.ReportAllocs()
	for b.Loop() {
		if _, ps := ParseAnswers(data); len(ps) > 0 {
			b.Fatal(ps)
		}
	}
}

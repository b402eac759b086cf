package steps

import (
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var updateReference = flag.Bool("update-reference", false, "rewrite docs/answers.md from the table")

//go:generate go test -run TestAnswersReferenceIsUpToDate -update-reference

// docs/answers.md is generated from the table; a change to the table without it fails here.
func TestAnswersReferenceIsUpToDate(t *testing.T) {
	t.Parallel()
	const path = "../docs/answers.md"
	if *updateReference {
		if err := os.WriteFile(path, []byte(Reference()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != Reference() {
		t.Errorf("%s is out of date: run `go generate ./steps`", path)
	}
}

// Every answer of the answers file is a question of the table, and every flag is unique.
func TestTableCoversEveryAnswer(t *testing.T) {
	t.Parallel()
	flags := map[string]bool{}
	for _, q := range Questions() {
		if q.Flag != "" && flags[q.Flag] {
			t.Errorf("flag --%s twice", q.Flag)
		}
		flags[q.Flag] = true
	}
	for _, key := range EnvVars() {
		if _, ok := FindQuestion(key); !ok {
			t.Errorf("answers key %s has no question in the table", key)
		}
	}
}

// A user who clones the repository has nothing outside it: no Markdown link may leave it.
func TestNoDocumentLinksOutsideTheRepository(t *testing.T) {
	t.Parallel()
	root, _ := filepath.Abs("..")
	link := regexp.MustCompile(`\]\(([^)#\s]+)`)
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() && d.Name() == ".git" {
			return fs.SkipDir
		}
		if !strings.HasSuffix(path, ".md") {
			return nil
		}
		data, _ := os.ReadFile(path)
		for _, m := range link.FindAllStringSubmatch(string(data), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			abs := filepath.Join(filepath.Dir(path), target)
			if rel, err := filepath.Rel(root, abs); err != nil || strings.HasPrefix(rel, "..") {
				t.Errorf("%s links outside the repository: %s", path, target)
			} else if _, err := os.Stat(abs); err != nil {
				t.Errorf("%s links to a missing file: %s", path, target)
			}
		}
		return nil
	})
}

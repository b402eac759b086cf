package tui

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/steps"
)

func TestAccessibleScriptedToSavedAnswers(t *testing.T) {
	t.Chdir(t.TempDir())
	script := strings.Join([]string{
		"",                // toolkit: classic (default)
		"3",               // mode: temporal
		"2",               // period: daily
		"2",               // application: wordpress
		"www.example.com", // website url
		"",                // directories: the preset
		"3",               // technique: s3fs
		"2",               // provider: digitalocean
		"",                // region: ams3
		"",                // access key: the one of the environment
		"",                // secret key: the one of the environment
		"",                // versioning: yes
		"14",              // days
		"",                // cdn: none
		"",                // override file
		"",                // snippets folder
		"",                // review: save (the first choice with --dry-run)
	}, "\n") + "\n"
	var out bytes.Buffer
	env := map[string]string{"S3_ACCESS_KEY": "AKIAXYZZY", "S3_SECRET_KEY": "plughplugh"}
	opt := testOptions()
	opt.DryRun, opt.Accessible = true, true
	opt.Input, opt.Output = strings.NewReader(script), &out
	opt.Getenv = func(k string) string { return env[k] }
	opt.Loaded.Answers.Secrets = steps.Secrets{S3AccessKey: "AKIAXYZZY", S3SecretKey: "plughplugh"}
	err := Run(context.Background(), opt)
	t.Log(out.String())
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := steps.Load(steps.Sources{})
	if err != nil {
		t.Fatal(err)
	}
	a := loaded.Answers
	if a.Mode != "temporal" || a.Period != "daily" || a.Application != "wordpress" || a.Technique != "s3fs" ||
		a.Storage.Provider != "digitalocean" || a.Storage.Region != "ams3" || *a.Storage.NoncurrentVersionDays != 14 {
		t.Errorf("saved answers %+v", a)
	}
	if strings.Contains(out.String(), "plugh") {
		t.Error("a secret was printed")
	}
	for _, want := range []string{"Step 1 of", "Step 6 of 11: Storage", "read from the input, not shown", "Plan:", "Saved the answers"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	data, _ := os.ReadFile(steps.DefaultAnswersFile)
	if bytes.Contains(data, []byte("plugh")) || bytes.Contains(data, []byte("XYZZY")) {
		t.Errorf("secrets saved:\n%s", data)
	}
	if _, err := os.Stat(steps.DefaultOverrideFile); err == nil {
		t.Error("--dry-run wrote the override file")
	}
}

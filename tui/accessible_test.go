package tui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

func TestAccessibleScriptedToSavedAnswers(t *testing.T) {
	t.Parallel()
	script := strings.Join([]string{
		"",                // toolkit: classic (default)
		"3",               // mode: temporal
		"2",               // period: daily
		"2",               // application: wordpress
		"www.example.com", // website url
		"",                // directories: the preset
		"3",               // technique: s3fs
		"",                // mount tool: the generation's own
		"2",               // provider: digitalocean
		"",                // region: ams3
		"",                // access key: the one of the environment
		"",                // secret key: the one of the environment
		"",                // second copy: none
		"",                // versioning: yes
		"14",              // days
		"",                // cdn: none
		"",                // override file
		"",                // snippets folder
		"",                // review: save (the first choice with --dry-run)
	}, "\n") + "\n"
	var out bytes.Buffer
	env := map[string]string{"S3_ACCESS_KEY": "AKIAXYZZY", "S3_SECRET_KEY": "plughplugh"}
	opt := testOptions(t)
	opt.DryRun, opt.Accessible = true, true
	opt.Input, opt.Output = strings.NewReader(script), &out
	opt.Getenv = func(k string) string { return env[k] }
	opt.Loaded.Answers.Secrets = steps.Secrets{S3AccessKey: "AKIAXYZZY", S3SecretKey: "plughplugh"}
	err := Run(context.Background(), opt)
	t.Log(out.String())
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := steps.Load(steps.Sources{Dir: opt.Dir})
	if err != nil {
		t.Fatal(err)
	}
	a := loaded.Answers
	if a.Mode != "temporal" || a.Period != "daily" || a.Application != "wordpress" || a.Technique != "s3fs" ||
		a.Storage.Provider != "digitalocean" || a.Storage.Region != "ams3" || *a.Storage.NoncurrentVersionDays != 14 {
		t.Errorf("saved answers %+v", a)
	}
	if a.MountTool != "" || !strings.Contains(out.String(), "DATASTOREMOUNTTOOL:") {
		t.Errorf("mount tool %q saved (the generation's own stays open), or its buildstyles line not told", a.MountTool)
	}
	if strings.Contains(out.String(), "plugh") {
		t.Error("a secret was printed")
	}
	for _, want := range []string{"Step 1 of", "Step 5 of 8: Storage", "read from the input, not shown", "Plan:", "Saved the answers",
		"(Press Enter for 1: Yes (recommended))"} { // a yes/no question's default by its label, not "true"
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	data, _ := os.ReadFile(filepath.Join(opt.Dir, steps.DefaultAnswersFile))
	if bytes.Contains(data, []byte("plugh")) || bytes.Contains(data, []byte("XYZZY")) {
		t.Errorf("secrets saved:\n%s", data)
	}
	if _, err := os.Stat(filepath.Join(opt.Dir, steps.DefaultOverrideFile)); err == nil {
		t.Error("--dry-run wrote the override file")
	}
}

// Input that ends at the provider prompt ends the wizard with a message, not a panic
// (huh's numbered list took the end of input as the answer -1).
func TestAccessibleInputEndingAtAListDoesNotPanic(t *testing.T) {
	t.Parallel()
	script := strings.Join([]string{"", "3", "", "2", "www.example.com", "", "2"}, "\n") + "\n" // up to the technique: plugin
	var out bytes.Buffer
	opt := testOptions(t)
	opt.Accessible, opt.DryRun = true, true
	opt.Input, opt.Output = strings.NewReader(script), &out
	err := Run(context.Background(), opt)
	if err == nil || !strings.Contains(err.Error(), "input ended") {
		t.Fatalf("err = %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Step 5 of 8: Storage") {
		t.Errorf("the provider prompt was not reached:\n%s", out.String())
	}
}

// A wrong number at a list, then the end of the input, ends the wizard with a message
// (huh's list re-asks, then indexes its options with -1).
func TestAccessibleWrongNumberThenEndOfInputDoesNotPanic(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	opt := testOptions(t)
	opt.Accessible, opt.DryRun = true, true
	opt.Input, opt.Output = strings.NewReader("\n9\n"), &out // the mode: 9 of 3
	err := Run(context.Background(), opt)
	if err == nil || !strings.Contains(err.Error(), "input ended") {
		t.Fatalf("err = %v\n%s", err, out.String())
	}
}

// Enter at the key prompts keeps the keys of the environment (they reach the plan).
func TestAccessibleEnterKeepsTheKeysOfTheEnvironment(t *testing.T) {
	t.Parallel()
	script := strings.Join([]string{"", "3", "", "2", "www.example.com", "", "2", "2", "", "", "", "", "", "", "", "", "", ""}, "\n") + "\n"
	env := map[string]string{"S3_ACCESS_KEY": "AKIAENVKEEP", "S3_SECRET_KEY": "env/keep"}
	var out bytes.Buffer
	var planned steps.Secrets
	opt := testOptions(t)
	opt.Accessible, opt.DryRun = true, true
	opt.Input, opt.Output = strings.NewReader(script), &out
	opt.Getenv = func(k string) string { return env[k] }
	opt.Loaded.Answers.Secrets = steps.Secrets{S3AccessKey: "AKIAENVKEEP", S3SecretKey: "env/keep"}
	offline := opt.Plan
	opt.Plan = func(ctx context.Context, a *steps.Answers) (provision.Plan, error) {
		planned = a.Secrets
		return offline(ctx, a)
	}
	if err := Run(context.Background(), opt); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if planned.S3AccessKey != "AKIAENVKEEP" || planned.S3SecretKey != "env/keep" {
		t.Errorf("the plan got access key %q (secret set: %v), want those of the environment", planned.S3AccessKey, planned.S3SecretKey != "")
	}
	if strings.Contains(out.String(), "env/keep") {
		t.Error("a key was printed")
	}
}

// At the review, accessible mode goes back to a step: the answers are kept, the steps
// from there are asked again, and the review comes back.
func TestAccessibleGoesBackToAStepFromTheReview(t *testing.T) {
	t.Parallel()
	script := strings.Join([]string{
		"", "3", "", "2", "www.example.com", "", "3", "", // current, temporal, hourly, wordpress, url, dirs, s3fs, rclone
		"2", "", "", "", "", // digitalocean, ams3, the keys of the environment, no second copy
		"", "14", "", "", "", // versioning, 14 days, no cdn, override file, snippets folder
		"3",                  // review: go back to a step (after save and show the exports)
		"8",                  // Old versions (the 8th listed: EFS does not apply)
		"", "21", "", "", "", // versioning, 21 days, no cdn, override file, snippets folder
		"", // review: save
	}, "\n") + "\n"
	var out bytes.Buffer
	env := map[string]string{"S3_ACCESS_KEY": "AKIAXYZZY", "S3_SECRET_KEY": "plughplugh"}
	opt := testOptions(t)
	opt.DryRun, opt.Accessible = true, true
	opt.Input, opt.Output = strings.NewReader(script), &out
	opt.Getenv = func(k string) string { return env[k] }
	opt.Loaded.Answers.Secrets = steps.Secrets{S3AccessKey: "AKIAXYZZY", S3SecretKey: "plughplugh"}
	if err := Run(context.Background(), opt); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	loaded, err := steps.Load(steps.Sources{Dir: opt.Dir})
	if err != nil {
		t.Fatal(err)
	}
	a := loaded.Answers
	if a.Storage.NoncurrentVersionDays == nil || *a.Storage.NoncurrentVersionDays != 21 || a.Storage.Provider != "digitalocean" || a.Technique != "s3fs" {
		t.Errorf("saved answers %+v", a)
	}
	if n := strings.Count(out.String(), "Step 8 of 8: Review"); n != 2 || !strings.Contains(out.String(), "8. Step 5: Old versions") {
		t.Errorf("the review was shown %d times, or the steps were not listed:\n%s", n, out.String())
	}
}

// After an invalid website URL is asked again, an empty line takes the default again (the
// answer known before), as it did the first time (issue 21).
func TestAccessibleEnterTakesTheDefaultAfterARefusal(t *testing.T) {
	t.Parallel()
	lines := []string{"", "", "", "", "example", ""} // toolkit, mode, period, application, a refused URL, then Enter
	for range 20 {
		lines = append(lines, "") // the rest as they are, then the review's first choice: save
	}
	var out bytes.Buffer
	env := map[string]string{"S3_ACCESS_KEY": "AKIAXYZZY", "S3_SECRET_KEY": "plughplugh"}
	opt := testOptions(t)
	opt.DryRun, opt.Accessible = true, true
	opt.Input, opt.Output = strings.NewReader(strings.Join(lines, "\n")+"\n"), &out
	opt.Getenv = func(k string) string { return env[k] }
	opt.Loaded.Answers = steps.Answers{Mode: "temporal", Application: "wordpress", WebsiteURL: "www.example.com", Technique: "s3fs",
		Storage: steps.Storage{Provider: "digitalocean"}, Secrets: steps.Secrets{S3AccessKey: "AKIAXYZZY", S3SecretKey: "plughplugh"}}
	if err := Run(context.Background(), opt); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "has no dot") {
		t.Errorf("the refused URL was not told:\n%s", out.String())
	}
	loaded, err := steps.Load(steps.Sources{Dir: opt.Dir})
	if err != nil || loaded.Answers.WebsiteURL != "www.example.com" {
		t.Errorf("saved website_url %q (%v), want the default www.example.com\n%s", loaded.Answers.WebsiteURL, err, out.String())
	}
}

// Issue 21, item 4, in the accessible wizard: classic my_uploads is refused at the
// directories, and an empty line then keeps the directories known.
func TestAccessibleRefusesADirectoryTheGenerationCannotMount(t *testing.T) {
	t.Parallel()
	lines := []string{"", "", "", "", "", "my_uploads", ""} // toolkit … website URL as known, a refused directory, then Enter
	for range 20 {
		lines = append(lines, "")
	}
	var out bytes.Buffer
	opt := testOptions(t)
	opt.DryRun, opt.Accessible = true, true
	opt.Input, opt.Output = strings.NewReader(strings.Join(lines, "\n")+"\n"), &out
	opt.Loaded.Answers = steps.Answers{Toolkit: "classic", Mode: "temporal", Application: "wordpress", WebsiteURL: "www.example.com",
		Technique: "s3fs", Storage: steps.Storage{Provider: "digitalocean"}, Secrets: steps.Secrets{S3AccessKey: "AKIAXYZZY", S3SecretKey: "plughplugh"}}
	if err := Run(context.Background(), opt); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "www-example-com-assets-my_uploads, which cannot be a bucket") {
		t.Errorf("the refusal was not told:\n%s", out.String())
	}
	loaded, err := steps.Load(steps.Sources{Dir: opt.Dir})
	if err != nil || strings.Join(loaded.Answers.Directories, ",") != "wp-content/uploads" {
		t.Errorf("saved directories %v (%v)\n%s", loaded.Answers.Directories, err, out.String())
	}
}

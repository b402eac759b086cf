package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/steps"
)

// One gate: for every question of the table, in answers where the wizard asks it, and for
// good and bad values of it, the wizard accepts a value exactly when Validate (what plan and
// apply run) accepts the same value given in the answers file.

// setting is a set of answers a question is judged in.
type setting struct {
	name string
	ans  steps.Answers
}

func temporal(toolkit, technique string) steps.Answers {
	return steps.Answers{Toolkit: toolkit, Mode: steps.ModeTemporal, Application: "wordpress", WebsiteURL: "www.example.com",
		Technique: technique, Storage: steps.Storage{Provider: "digitalocean", Region: "ams3"}}
}

func efsAnswers() steps.Answers {
	return steps.Answers{Toolkit: steps.ToolkitOriginal, Mode: steps.ModeTemporal, Application: "wordpress", WebsiteURL: "www.example.com",
		Technique: steps.TechniqueEFS, Storage: steps.Storage{Provider: "aws", Region: "eu-west-1"}, EFS: steps.EFS{SubnetIDs: []string{"subnet-0123"}}}
}

// the contexts every question is judged in unless contextsFor says otherwise.
func defaultContexts() []setting {
	return []setting{{"current s3fs", temporal(steps.ToolkitCurrent, steps.TechniqueS3fs)}}
}

// dirOf is a directory whose bucket name, in the generation of a, has n characters.
func dirOf(a steps.Answers, n int) string {
	prefix := len(steps.ToolkitBucketName(a.Toolkit, a.WebsiteURL, "x")) - 1
	return strings.Repeat("d", n-prefix)
}

func contextsFor(key string) []setting {
	switch key {
	case "directories":
		var out []setting
		for _, tk := range []string{steps.ToolkitCurrent, steps.ToolkitClassic, steps.ToolkitOriginal} {
			for _, tech := range []string{steps.TechniqueS3fs, steps.TechniquePlugin, steps.TechniqueLocal} {
				out = append(out, setting{tk + " " + tech, temporal(tk, tech)})
			}
		}
		hyphen := temporal(steps.ToolkitOriginal, steps.TechniqueS3fs)
		hyphen.WebsiteURL = "www.my-site.co.uk" // original: 3 letters a label, every '-' dropped
		out = append(out, setting{"original s3fs my-site", hyphen}, setting{"original efs", efsAnswers()})
		r2 := temporal(steps.ToolkitCurrent, steps.TechniqueS3fs)
		r2.Storage = steps.Storage{Provider: "backblaze"}
		return append(out, setting{"current backblaze", r2})
	case "technique":
		virgin := temporal(steps.ToolkitCurrent, "")
		virgin.Mode = steps.ModeVirgin
		return []setting{{"virgin", virgin}, {"temporal current", temporal(steps.ToolkitCurrent, "")},
			{"temporal original", temporal(steps.ToolkitOriginal, "")}}
	case "mount_tool":
		return []setting{{"current", temporal(steps.ToolkitCurrent, steps.TechniqueS3fs)}, {"classic", temporal(steps.ToolkitClassic, steps.TechniqueS3fs)}}
	case "storage.endpoint":
		a := temporal(steps.ToolkitCurrent, steps.TechniqueS3fs)
		a.Storage = steps.Storage{Provider: "custom", Endpoint: "s3.example.net"}
		return []setting{{"custom", a}}
	case "storage.region":
		custom := temporal(steps.ToolkitCurrent, steps.TechniqueS3fs)
		custom.Storage = steps.Storage{Provider: "custom", Endpoint: "s3.example.net"}
		return append(defaultContexts(), setting{"custom", custom})
	case "cdn.host":
		plugin := temporal(steps.ToolkitCurrent, steps.TechniquePlugin)
		plugin.CDN.Provider = steps.CDNCloudflare
		zoned := plugin
		zoned.CDN.Zone = "example.com"
		pathOnly := plugin
		pathOnly.Storage = steps.Storage{Provider: "custom", Endpoint: "s3.example.net"}
		return []setting{{"plugin cloudflare", plugin}, {"plugin cloudflare in zone example.com", zoned}, {"plugin cloudflare, path-style storage", pathOnly}}
	case "efs.region", "efs.subnet_ids", "efs.security_group_ids":
		return []setting{{"efs", efsAnswers()}}
	case "cdn.method", "cdn.zone", "cdn.edge_ttl", "cloudflare_api_token":
		a := temporal(steps.ToolkitCurrent, steps.TechniqueS3fs)
		a.CDN.Provider = steps.CDNCloudflare
		return []setting{{"cloudflare", a}}
	case "backup.region", "backup.bucket_suffix", "backup_s3_access_key", "backup_s3_secret_key":
		a := temporal(steps.ToolkitCurrent, steps.TechniqueS3fs)
		a.Backup.Provider = "linode"
		custom := temporal(steps.ToolkitCurrent, steps.TechniqueS3fs)
		custom.Backup = steps.Backup{Provider: "custom", Endpoint: "s3.example.net"}
		return []setting{{"backup at linode", a}, {"backup at custom", custom}}
	case "backup.endpoint":
		a := temporal(steps.ToolkitCurrent, steps.TechniqueS3fs)
		a.Backup = steps.Backup{Provider: "custom", Endpoint: "s3.example.net"}
		return []setting{{"backup at custom", a}}
	case "storage.noncurrent_version_days":
		a := temporal(steps.ToolkitCurrent, steps.TechniqueS3fs)
		yes := true
		a.Storage.Versioning = &yes
		return []setting{{"versioned", a}}
	}
	return defaultContexts()
}

// valuesFor are good and bad values of a question in a context.
func valuesFor(q steps.Question, c setting) []string {
	var out []string
	if q.Choices != nil {
		for _, ch := range q.Choices(&c.ans) {
			out = append(out, ch.Value)
		}
	}
	switch q.Key {
	case "toolkit":
		return append(out, "g3", "")
	case "mode":
		return append(out, "production", "")
	case "period":
		return append(out, "yearly")
	case "application":
		return append(out, "typo3", "")
	case "website_url":
		return []string{"www.example.com", "https://WWW.Example.COM/", "http://www.example.co.uk", "example.com", "example.co.uk",
			"www.example.com:8080", "www.example.com/blog", "192.0.2.10", `www.exa"mple.com`, "www.$HOME.com", "example",
			"www.-bad-.com", "www.example.c0m", "", "a." + strings.Repeat("b", 64) + ".com", "xn--bcher-kva.example.com"}
	case "directories":
		return []string{"wp-content/uploads", "images", "my_uploads", "Uploads", "-lead", "trail-", "_lead", "a..b", "a/../b", "..",
			"a//b", "a/", "/abs", "a b", "up$loads", "it's", "", "a,b", "a, a", "a_b, a-b", "b2", "wp-content/uploads, images",
			dirOf(c.ans, 63), dirOf(c.ans, 64), dirOf(c.ans, 64) + ", images"}
	case "technique":
		return append(out, "nfs", "")
	case "mount_tool":
		return append(out, "fuse", "")
	case "webroot":
		return []string{"/var/www/html", "/srv/www", "var/www", "/var/www/../etc", "/var/www/html/", "/a b", "/a$b", ""}
	case "storage.provider":
		return append(out, "dropbox")
	case "storage.endpoint":
		return []string{"s3.example.net", "https://s3.example.net:9000", "http://127.0.0.1:9000", "ftp://s3.example.net",
			"https://user:pw@s3.example.net", "s3.example.net?x=1", "exa mple.net", "-bad-.net", ""}
	case "storage.region":
		return append(out, "mars1", "eu_west", "bad region", "us-east-1", "")
	case "cloudflare_api_token":
		return []string{"cf-Token_123", "cf-token\n", "cf token", "cf\ttoken", "tök", "abc$def", ""}
	case "s3_access_key", "s3_secret_key", "backup_s3_access_key", "backup_s3_secret_key":
		return []string{"AKIDEXAMPLE", "abc$def", "a'b", "a\"b", "a`b", `a\b`, ""}
	case "efs.region":
		return []string{"eu-west-1", "us-east-1", "mars-1", "", "EU-WEST-1"}
	case "efs.subnet_ids":
		return []string{"subnet-0123", "subnet-0123, subnet-0abc", "net-1", "subnet-XYZ", "", "subnet-0123 subnet-0abc", "subnet-0123,net-1"}
	case "efs.security_group_ids":
		var six []string
		for i := range 6 {
			six = append(six, fmt.Sprintf("sg-%d", i))
		}
		return []string{"sg-0123", "", "sg-XYZ", strings.Join(six[:5], ","), strings.Join(six, ","), "sg-0123,group"}
	case "storage.versioning":
		return []string{"true", "false"}
	case "storage.noncurrent_version_days":
		return []string{"1", "30", "36500", "0", "36501", "-1", "a month", ""}
	case "cdn.provider":
		return append(out, "fastly")
	case "cdn.method":
		return append(out, "workers")
	case "cdn.zone":
		return []string{"example.com", "EXAMPLE.COM.", "other.org", "", "not a zone", "com", "ample.com", "www.example.com"}
	case "cdn.host":
		return []string{"www-assets.example.com", "CDN.Example.com.", "img.cdn.example.com", "", "www.example.com", "cdn.other.org", "example", "not a host", "-x.example.com"}
	case "cdn.edge_ttl":
		return []string{"1", "86400", "31536000", "0", "31536001", "-5", "a-day", ""}
	case "output.override_file", "output.snippets_dir":
		return []string{"override.tmpl", "out/dir", ""}
	case "backup.provider":
		return append(out, "dropbox", "")
	case "backup.region":
		return []string{"eu-central", "us-east", "mars", ""}
	case "backup.endpoint":
		return []string{"eu-central-1.linodeobjects.com", "ftp://x.example.net", ""}
	case "backup.bucket_suffix":
		return []string{"backup", "copy-2", "Backup", "-x", "x-", strings.Repeat("b", 20), strings.Repeat("b", 21), strings.Repeat("b", 19) + "-"}
	}
	return out
}

// wizardAccepts is the wizard's verdict: a list offers its choices, anything typed meets the
// field's validator.
func wizardAccepts(w *wizard, q steps.Question, v string) (bool, string) {
	switch {
	case q.Kind == steps.KindBool:
		return v == "true" || v == "false", "not a yes or no"
	case q.Kind == steps.KindChoice && !q.IsTyped(&w.ans) && !q.Advanced:
		offered := q.ChoiceValues(&w.ans)
		return slices.Contains(offered, v), "not offered among " + strings.Join(offered, ", ")
	}
	if err := w.check(q)(v); err != nil {
		return false, err.Error()
	}
	return true, ""
}

// validateAccepts is Validate's verdict on the answers with v given as the answers file
// gives it ("" leaves it out; an empty list is given as []).
func validateAccepts(t *testing.T, w *wizard, q steps.Question, v string) (bool, string) {
	a := w.ans
	var err error
	if v == "" {
		err = a.Answer(q.Key, "", func(string) bool { return true })
	} else {
		err = a.Set(q.Key, v)
	}
	if err != nil {
		return false, err.Error() // the file's own parse refuses it (a number that is not one)
	}
	a.Complete()
	var mine []string
	for _, p := range a.Validate() {
		key := q.Key
		if q.Kind == steps.KindSecret {
			key = q.Env
		}
		if p.Key == key || strings.HasPrefix(p.Key, key+"[") {
			mine = append(mine, p.String())
		}
	}
	return len(mine) == 0, strings.Join(mine, "; ")
}

func TestWizardAndValidateGiveTheSameVerdictForEveryQuestion(t *testing.T) {
	t.Parallel()
	judged := map[string]int{}
	for _, q := range steps.Questions() {
		for _, c := range contextsFor(q.Key) {
			opt := testOptions(t)
			opt.Loaded.Answers = c.ans
			w := newWizard(opt)
			if !q.Advanced && !q.Asked(&w.ans) {
				t.Errorf("%s is not asked in the context %q: the test judges nothing there", q.Key, c.name)
				continue
			}
			for _, v := range valuesFor(q, c) {
				if v == "" && q.Kind == steps.KindChoice && !q.IsTyped(&w.ans) && !q.Advanced {
					continue // a list has no empty entry: it starts on the default, which the file's open answer takes
				}
				wiz, why := wizardAccepts(w, q, v)
				val, whyNot := validateAccepts(t, w, q, v)
				judged[q.Key]++
				if wiz != val {
					t.Errorf("%s = %q in %s: the wizard accepts it: %v (%s); Validate accepts it: %v (%s)", q.Key, v, c.name, wiz, why, val, whyNot)
				}
			}
		}
	}
	for _, q := range steps.Questions() {
		if judged[q.Key] < 2 {
			t.Errorf("%s was judged with %d values; give it good and bad ones", q.Key, judged[q.Key])
		}
	}
}

// The findings of issue 21 item 3 and 4, said as the user meets them: classic keeps the '_'
// the bucket cannot have, and the wizard refuses the directory where it is asked.
func TestWizardRefusesADirectoryTheGenerationCannotMount(t *testing.T) {
	t.Parallel()
	opt := testOptions(t)
	opt.Loaded.Answers = temporal(steps.ToolkitClassic, steps.TechniqueS3fs)
	w := newWizard(opt)
	q, _ := steps.FindQuestion("directories")
	err := w.check(q)("my_uploads")
	if err == nil || !strings.Contains(err.Error(), "directories[0]") || !strings.Contains(err.Error(), "cannot be a bucket") ||
		!strings.Contains(err.Error(), "www-example-com-assets-my_uploads") {
		t.Errorf("classic my_uploads: %v", err)
	}
	opt.Loaded.Answers = temporal(steps.ToolkitCurrent, steps.TechniqueS3fs)
	if err := newWizard(opt).check(q)("my_uploads"); err != nil {
		t.Errorf("current makes my_uploads www-example-com-assets-my-uploads, a good bucket: %v", err)
	}
}

// The wizard draws the table and branches on no answer of it: its questions, defaults,
// checks and rules are the table's. The one exception is the override file's merge preview,
// which needs provision/override (steps, below it, cannot call it).
func TestTheWizardBranchesOnNoAnswerKey(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range steps.Questions() {
			if n := strings.Count(string(data), `"`+q.Key+`"`); n > 0 && q.Key != "output.override_file" {
				t.Errorf("%s names the answer %q %d times: say it in the table", f, q.Key, n)
			}
		}
	}
}

// Issue 21, item 4, in the full-screen wizard: toolkit classic keeps the '_' of my_uploads,
// which no bucket can have; the directory is refused where it is typed, naming the bucket
// the toolkit would mount, and the wizard stays at the directories.
func TestFullScreenRefusesADirectoryTheGenerationCannotMount(t *testing.T) {
	d := start(t, testOptions(t))
	d.waitFor("Step 1 of")
	d.send(down, enter) // classic
	d.waitFor("Deployment mode")
	d.send(enter, enter) // temporal, hourly
	d.waitFor("Application and site")
	d.send(down, enter) // wordpress
	d.waitFor("┃ Website URL")
	d.send(typed("www.example.com"), enter)
	d.waitFor("Asset directories")
	d.send(enter) // wp-content/uploads stays ticked; on to the "more" line
	d.waitFor("┃ More directories")
	d.send(typed("my_uploads"), enter)
	d.waitFor("www-example-com-assets-my_uploads, which cannot be a bucket")
	d.send(ctrlC)
	m := d.final()
	if at(m) != steps.StepDirectories || slices.Contains(m.w.ans.Directories, "my_uploads") {
		t.Errorf("step %s, directories %v: my_uploads was taken", at(m), m.w.ans.Directories)
	}
}

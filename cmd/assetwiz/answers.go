package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// answerFlags are the flags that give answers, each with its answers-file key.
var answerFlags = []struct {
	flag, key, usage string
	list             bool
}{
	{"toolkit", "toolkit", "toolkit generation: current (default, the toolkit cloned in 2026), classic (2024–25) or original (2020–22, AWS and EFS)", false},
	{"mode", "mode", "deployment mode: virgin, baseline or temporal", false},
	{"period", "period", "temporal period: hourly, daily, weekly, monthly or bimonthly", false},
	{"application", "application", "application: joomla, wordpress, drupal or moodle", false},
	{"website-url", "website_url", "the site's host, with a subdomain (www.example.com)", false},
	{"directory", "directories", "an asset directory relative to the webroot (repeat for more)", true},
	{"technique", "technique", "how uploads are shared: local, plugin, s3fs or efs", false},
	{"mount-tool", "mount_tool", "what the toolkit's build mounts buckets with (DATASTOREMOUNTTOOL): rclone (current's default), s3fs, goofys or geesefs", false},
	{"webroot", "webroot", "the webroot on the web servers (default /var/www/html)", false},
	{"provider", "storage.provider", "storage provider (see assetwiz presets)", false},
	{"region", "storage.region", "storage region (default: the provider's first)", false},
	{"endpoint", "storage.endpoint", "storage endpoint host or URL (required for custom)", false},
	{"versioning", "storage.versioning", "keep old versions of uploads: true or false", false},
	{"noncurrent-version-days", "storage.noncurrent_version_days", "days to keep old versions", false},
	{"efs-region", "efs.region", "EFS region (default: the storage region)", false},
	{"subnet", "efs.subnet_ids", "EFS mount target subnet id (repeat for more)", true},
	{"security-group", "efs.security_group_ids", "EFS mount target security group id (repeat for more)", true},
	{"cdn", "cdn.provider", "CDN: cloudflare or none", false},
	{"cdn-method", "cdn.method", "Cloudflare method: cache-rules or page-rules", false},
	{"cdn-zone", "cdn.zone", "Cloudflare zone (default: found from the website URL)", false},
	{"edge-ttl", "cdn.edge_ttl", "seconds Cloudflare keeps an asset (default 86400)", false},
	{"override-file", "output.override_file", "the toolkit override file to write (default override.tmpl)", false},
	{"snippets-dir", "output.snippets_dir", "folder for fstab lines, mount commands and plugin settings", false},
}

// addAnswerFlags adds --answers and one flag per answer to a command that reads answers.
func addAnswerFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringP("answers", "f", "", "answers file (default "+steps.DefaultAnswersFile+" when it exists)")
	for _, af := range answerFlags {
		if af.list {
			f.StringArray(af.flag, nil, af.usage)
		} else {
			f.String(af.flag, "", af.usage)
		}
	}
	f.SortFlags = false
}

// flagAnswers collects the answers given as flags; a flag not given answers nothing.
func flagAnswers(f *pflag.FlagSet) (steps.Answers, steps.Problems) {
	var a steps.Answers
	var problems steps.Problems
	for _, af := range answerFlags {
		if !f.Changed(af.flag) {
			continue
		}
		var err error
		if af.list {
			values, _ := f.GetStringArray(af.flag)
			if p, bad := commaInListFlag(af.flag, af.key, values); bad {
				problems = append(problems, p)
				continue
			}
			err = a.Set(af.key, joinList(values))
		} else {
			v, _ := f.GetString(af.flag)
			err = a.Set(af.key, v)
		}
		if err != nil {
			problems = append(problems, steps.Problem{Key: af.key, Message: fmt.Sprintf("%v (from --%s)", err, af.flag)})
		}
	}
	return a, problems
}

func joinList(values []string) string {
	out := ""
	for i, v := range values {
		if i > 0 {
			out += ","
		}
		out += v
	}
	return out
}

// loadAnswers reads the answers from every source for a command. Bad input comes back as
// an error with exit code 64 that lists every problem.
func (a *app) loadAnswers(cmd *cobra.Command) (steps.Loaded, error) {
	flags, flagProblems := flagAnswers(cmd.Flags())
	path, _ := cmd.Flags().GetString("answers")
	// Loading only reads; on Ctrl-C or SIGTERM the run stops without waiting for it.
	loaded, err := provision.Interruptible(a.ctx, func() (steps.Loaded, error) {
		return steps.Load(steps.Sources{AnswersFile: path, Getenv: a.env.Getenv, Flags: flags})
	})
	if a.ctx.Err() != nil {
		return loaded, a.ctx.Err()
	}
	a.redact(loaded.Answers.Secrets)
	var problems steps.Problems
	problems = append(problems, flagProblems...)
	var ps steps.Problems
	switch {
	case errors.As(err, &ps):
		problems = append(problems, ps...)
	case err != nil:
		return loaded, badInput("%v", err)
	}
	for _, n := range loaded.Notes {
		a.note("%s", n)
	}
	if len(problems) > 0 {
		return loaded, badInput("%v", problems)
	}
	return loaded, nil
}

// note prints a message for the user on stderr.
func (a *app) note(format string, args ...any) {
	fmt.Fprintf(a.stderr, "assetwiz: "+format+"\n", args...)
}

// commaInListFlag refuses a comma in a repeatable flag's value: `--directory x,y` would
// silently become two answers, and no directory, subnet or security group name holds one.
func commaInListFlag(flag, key string, values []string) (steps.Problem, bool) {
	for _, v := range values {
		if strings.Contains(v, ",") {
			return steps.Problem{Key: key, Message: fmt.Sprintf("%q (from --%s) holds a comma, which no such name can hold; give one value per flag, repeating it (--%s a --%s b), or list them in the answers file",
				v, flag, flag, flag)}, true
		}
	}
	return steps.Problem{}, false
}

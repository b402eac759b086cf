package steps

import (
	"errors"
	"io/fs"
	"reflect"
	"slices"
	"strings"

	"github.com/assetwiz/assetwiz/internal/safefile"
	"github.com/assetwiz/assetwiz/presets"
)

// Sources are the places answers come from, lowest priority first (DESIGN.md): defaults,
// an existing override file, the answers file, the environment, flags. The wizard asks after.
type Sources struct {
	// AnswersFile is the path given with --answers; "" means assetwiz.yaml when it exists.
	AnswersFile string
	// Getenv reads the environment; nil means no environment.
	Getenv func(string) string
	// Flags are the answers given on the command line.
	Flags Answers
	// Dir is the folder relative paths are read and written in (the answers file, the
	// override file, the snippets folder...); "" means the process's working directory.
	Dir string
}

// Loaded is the result of loading: the completed answers and what was noticed on the way.
type Loaded struct {
	Answers Answers
	// AnswersFile is the answers file read, "" when none.
	AnswersFile string
	// OverrideFound says whether the override file existed and was read back.
	OverrideFound bool
	// Given are the answers-file keys some source gave (the override file, the answers file,
	// the environment, flags): the wizard starts on its advice only for the others.
	Given map[string]bool
	// Notes are things worth telling the user (values of the override file not read back, ...).
	Notes []string
	// FileAnswers are the answers the answers file gave and OverrideAnswers those read back
	// from the override file, each as read (before the other sources and the defaults): the
	// wizard takes them from here, so that every file is read once, through the same guards.
	FileAnswers, OverrideAnswers Answers
}

// Load reads every source in order, completes the defaults and validates. Any problem,
// anywhere, is returned together with all the others as Problems.
func Load(src Sources) (Loaded, error) {
	var out Loaded
	var problems Problems
	getenv := src.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}

	var file Answers
	path, explicit := src.AnswersFile, src.AnswersFile != ""
	if !explicit {
		path = DefaultAnswersFile
	}
	f, err := loadFile(src.Dir, path)
	var ps Problems
	switch {
	case err == nil:
		file, out.AnswersFile = f, path
	case errors.As(err, &ps):
		problems = append(problems, ps...)
		file, out.AnswersFile = f, path
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		// no answers file: fine, the other sources answer
	case errors.Is(err, fs.ErrNotExist):
		problems.add("answers file", "%s does not exist; give an existing file with --answers, or leave the flag out", path)
	default:
		problems.add("answers file", "%v", err)
	}
	env, envProblems := FromEnv(getenv)
	problems = append(problems, envProblems...)

	// The override file's path itself is an answer; the higher sources say where it is.
	overridePath := firstNonEmpty(src.Flags.Output.OverrideFile, env.Output.OverrideFile, file.Output.OverrideFile, DefaultOverrideFile)
	var fromOverride Answers
	if st, err := safefile.Load(InDir(src.Dir, overridePath)); err != nil {
		problems.add("output.override_file", "cannot be read: %v", err)
	} else if st.Exists {
		out.OverrideFound = true
		var notes []string
		fromOverride, notes = FromOverride(st.Content)
		if fromOverride.ToolkitFrom != "" {
			fromOverride.ToolkitFrom = "taken from " + overridePath + ": " + fromOverride.ToolkitFrom
		}
		out.Notes = append(out.Notes, notes...)
	}

	out.FileAnswers, out.OverrideAnswers = file, fromOverride
	a := Merge(fromOverride, file, env, src.Flags)
	out.Given = map[string]bool{}
	for _, q := range Questions() {
		for _, layer := range []*Answers{&fromOverride, &file, &env, &src.Flags} {
			if layer.Get(q.Key) != "" {
				out.Given[q.Key] = true
			}
		}
	}
	a.Complete()
	a.Dir = src.Dir
	// An answers file that could not be read at all (missing, not YAML, not a mapping) is said
	// once: the answers it would have given are not also reported missing one by one.
	if !slices.ContainsFunc(problems, func(p Problem) bool { return p.Key == "answers file" }) {
		problems = append(problems, secretsFrom(a.Validate(), env, fromOverride, overridePath)...)
		problems = append(problems, checkOutputs(&a, out.AnswersFile)...)
	}
	out.Answers = a
	if len(problems) > 0 {
		return out, problems
	}
	return out, nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// Merge lays each set of answers over the ones before it. An answer that depends on another
// (the table's Resets: the period on the mode, the directories on the application, the region
// on the provider) is dropped from a lower layer when a higher one changes what it depends on.
func Merge(layers ...Answers) Answers {
	var a Answers
	for _, up := range layers {
		for _, q := range Questions() {
			if len(q.Resets) == 0 || q.Kind == KindSecret {
				continue
			}
			if v := up.Get(q.Key); v != "" && v != a.Get(q.Key) {
				for _, dep := range q.Resets {
					if up.Get(dep) == "" {
						_ = a.clear(dep)
					}
				}
			}
		}
		lay(reflect.ValueOf(&a).Elem(), reflect.ValueOf(up))
		if up.Toolkit != "" {
			a.ToolkitFrom = up.ToolkitFrom
		}
		set(&a.Secrets.S3AccessKey, up.Secrets.S3AccessKey)
		set(&a.Secrets.S3SecretKey, up.Secrets.S3SecretKey)
		set(&a.Secrets.CloudflareToken, up.Secrets.CloudflareToken)
		mergeBackup(&a, up)
	}
	return a
}

// lay copies every answer that up gives (not empty, not nil) onto dst, key by key.
func lay(dst, up reflect.Value) {
	walkLeaves(dst.Type(), "", func(_ string, index []int) {
		if f := up.FieldByIndex(index); !f.IsZero() || f.Kind() == reflect.Slice && !f.IsNil() {
			dst.FieldByIndex(index).Set(f)
		}
	})
}

func set(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

// Complete fills every open answer with its default, derived from the other answers where
// the contract says so. It normalises what the contract says is folded (website_url).
func (a *Answers) Complete() {
	a.Toolkit = strings.ToLower(strings.TrimSpace(a.Toolkit))
	a.Mode = strings.ToLower(strings.TrimSpace(a.Mode))
	a.Period = strings.ToLower(strings.TrimSpace(a.Period))
	a.Application = strings.ToLower(strings.TrimSpace(a.Application))
	a.Technique = strings.ToLower(strings.TrimSpace(a.Technique))
	a.Storage.Provider = strings.ToLower(strings.TrimSpace(a.Storage.Provider))
	a.CDN.Provider = strings.ToLower(strings.TrimSpace(a.CDN.Provider))
	a.CDN.Method = strings.ToLower(strings.TrimSpace(a.CDN.Method))
	a.WebsiteURL = NormalizeWebsiteURL(a.WebsiteURL)
	a.CDN.Zone = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(a.CDN.Zone)), ".")
	a.CDN.Host = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(a.CDN.Host)), ".")

	a.MountTool = strings.ToLower(strings.TrimSpace(a.MountTool))
	a.Backup.Provider = strings.ToLower(strings.TrimSpace(a.Backup.Provider))
	if a.Toolkit == "" {
		a.ToolkitFrom = "the default: no toolkit answer and no override file to take it from"
	}
	// The table's defaults, until none changes: a default may follow another one (the
	// endpoint the region, which comes after it in the table).
	for pass := 0; pass < 3; pass++ {
		changed := false
		for _, q := range Questions() {
			if q.Default == nil || q.KeepOpen || q.Kind == KindSecret || !a.isOpen(q.Key) {
				continue
			}
			if v := q.Default(a); v != "" && a.Set(q.Key, v) == nil {
				changed = true
			}
		}
		if !changed {
			break
		}
	}
}

// providerByDatastoreChoice maps a toolkit's DATASTORE_CHOICE back to a provider.
func providerByDatastoreChoice(toolkit, choice string) string {
	tk, _ := presets.FindToolkit(toolkit)
	for provider, c := range tk.DatastoreChoice {
		if c == choice {
			return provider
		}
	}
	return ""
}

// providerByHost finds the provider and region whose endpoint is host; region is "" when
// no preset has that endpoint.
func providerByHost(host string) (provider, region string) {
	for _, p := range presets.Providers() {
		for _, r := range p.Regions {
			if ep := p.EndpointFor(r); ep != "" && strings.EqualFold(ep, host) {
				return p.Name, r
			}
		}
	}
	return "", ""
}

package steps

import (
	"bytes"
	"fmt"
	"os"
	"reflect"

	"go.yaml.in/yaml/v3"
)

// answerKeysKept are written even when they equal their default: an existing override file
// also answers them (FromOverride), and loading lays the answers file over it.
var answerKeysKept = map[string]bool{
	"toolkit": true, "mode": true, "period": true, "application": true, "website_url": true,
	"directories": true, "technique": true, "storage.provider": true, "storage.region": true,
	"efs.subnet_ids": true, "cdn.provider": true,
}

// Minimal is the completed answers with every answer that Complete would give back anyway
// left out (except those an override file could also answer), and no secrets: what the
// answers file needs to hold to load back to the same answers.
func Minimal(a Answers) Answers {
	full := a
	full.Secrets = Secrets{}
	full.Complete()
	out := full
	v := reflect.ValueOf(&out).Elem()
	walkLeaves(v.Type(), "", func(key string, index []int) {
		if answerKeysKept[key] {
			return
		}
		f := v.FieldByIndex(index)
		if f.IsZero() {
			return
		}
		saved := reflect.New(f.Type()).Elem()
		saved.Set(f)
		f.Set(reflect.Zero(f.Type()))
		probe := out
		probe.Complete()
		if !reflect.DeepEqual(probe, full) {
			f.Set(saved) // not a default: keep it
		}
	})
	return out
}

// Marshal writes answers as an answers file (YAML in the contract's shape), no secrets.
func Marshal(a Answers) ([]byte, error) {
	a.Secrets = Secrets{}
	var b bytes.Buffer
	b.WriteString("# assetwiz answers: repeat this setup with `assetwiz plan` and `assetwiz apply`.\n")
	b.WriteString("# Secrets are never kept here; they come from S3_ACCESS_KEY, S3_SECRET_KEY and\n")
	b.WriteString("# CLOUDFLARE_API_TOKEN in the environment. Unlisted answers take their defaults.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(a); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Save writes the answers, without secrets and without the answers that are their defaults,
// to path (assetwiz.yaml; relative to a.Dir), so that plan and apply can repeat the run.
func Save(path string, a Answers) error {
	full := a.Path(path)
	data, err := Marshal(Minimal(a))
	if err != nil {
		return fmt.Errorf("answers file %s: %w", path, err)
	}
	tmp := full + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("answers file %s: %w", path, err)
	}
	if err := os.Rename(tmp, full); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("answers file %s: %w", path, err)
	}
	return nil
}

package steps

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// EnvPrefix starts the environment variables that give answers: ASSETWIZ_ plus the answers
// key in capitals with '.' as '_' (ASSETWIZ_MODE, ASSETWIZ_STORAGE_PROVIDER, ...). Lists are
// comma-separated.
const EnvPrefix = "ASSETWIZ_"

// EnvVars lists the answer variables of the environment, with the answers key each sets:
// one per question of the table that is not a secret.
func EnvVars() map[string]string {
	out := map[string]string{}
	for _, q := range Questions() {
		if q.Kind != KindSecret {
			out[q.EnvName()] = q.Key
		}
	}
	return out
}

// FromEnv reads answers and secrets from the environment (getenv is os.Getenv in real use),
// by the names of the table.
func FromEnv(getenv func(string) string) (Answers, Problems) {
	var a Answers
	var problems Problems
	for _, q := range Questions() {
		if q.Kind == KindSecret {
			_ = a.Set(q.Key, firstSet(getenv, append([]string{q.Env}, q.EnvAlso...)...))
			continue
		}
		name := q.EnvName()
		raw := strings.TrimSpace(getenv(name))
		if raw == "" {
			continue
		}
		if err := a.Set(q.Key, raw); err != nil {
			problems.add(q.Key, "%s (from %s)", err, name)
		}
	}
	a.Secrets.BackupS3AccessKey = getenv(EnvBackupAccessKey)
	a.Secrets.BackupS3SecretKey = getenv(EnvBackupSecretKey)
	return a, problems
}

func firstSet(getenv func(string) string, names ...string) string {
	for _, n := range names {
		if v := getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// Set gives the answer at key (such as "storage.region") a value written as text, the way
// flags and the environment give it. Lists are comma-separated.
func (a *Answers) Set(key, raw string) error {
	if p := a.secret(key); p != nil {
		*p = raw
		return nil
	}
	var found bool
	var err error
	v := reflect.ValueOf(a).Elem()
	walkLeaves(v.Type(), "", func(k string, index []int) {
		if k == key {
			found = true
			err = setFromString(v.FieldByIndex(index), raw)
		}
	})
	if !found {
		return fmt.Errorf("%s is not an answers key", key)
	}
	return err
}

func setFromString(f reflect.Value, raw string) error {
	switch f.Kind() {
	case reflect.String:
		f.SetString(raw)
	case reflect.Int:
		n, err := strconv.Atoi(raw)
		if err != nil {
			return fmt.Errorf("must be a whole number, not %s", quote(raw))
		}
		f.SetInt(int64(n))
	case reflect.Slice:
		var items []string
		for _, s := range strings.Split(raw, ",") {
			if s = strings.TrimSpace(s); s != "" {
				items = append(items, s)
			}
		}
		f.Set(reflect.ValueOf(items))
	case reflect.Pointer:
		p := reflect.New(f.Type().Elem())
		if err := setFromString(p.Elem(), raw); err != nil {
			return err
		}
		f.Set(p)
	case reflect.Bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return fmt.Errorf("must be true or false, not %s", quote(raw))
		}
		f.SetBool(b)
	}
	return nil
}

// walkLeaves calls fn for every answer (not struct) field with its answers-file key.
func walkLeaves(t reflect.Type, prefix string, fn func(key string, index []int)) {
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		ft := t.Field(i).Type
		if ft.Kind() == reflect.Struct {
			walkLeaves(ft, prefix+name+".", func(key string, index []int) {
				fn(key, append([]int{i}, index...))
			})
			continue
		}
		fn(prefix+name, []int{i})
	}
}

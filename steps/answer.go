package steps

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/assetwiz/assetwiz/presets"
)

// Get returns the answer at key as text, the way a flag gives it (lists comma-separated,
// "" when open). Secret keys of the table give the secret.
func (a *Answers) Get(key string) string {
	if p := a.secret(key); p != nil {
		return *p
	}
	var out string
	v := reflect.ValueOf(a).Elem()
	walkLeaves(v.Type(), "", func(k string, index []int) {
		if k == key {
			out = leafText(v.FieldByIndex(index))
		}
	})
	return out
}

func leafText(f reflect.Value) string {
	switch f.Kind() {
	case reflect.String:
		return f.String()
	case reflect.Int:
		if f.Int() == 0 {
			return ""
		}
		return strconv.FormatInt(f.Int(), 10)
	case reflect.Bool:
		return strconv.FormatBool(f.Bool())
	case reflect.Slice:
		items := make([]string, f.Len())
		for i := range items {
			items[i] = f.Index(i).String()
		}
		return strings.Join(items, ", ")
	case reflect.Pointer:
		if f.IsNil() {
			return ""
		}
		return leafText(f.Elem())
	}
	return ""
}

func (a *Answers) secret(key string) *string {
	switch key {
	case "s3_access_key":
		return &a.Secrets.S3AccessKey
	case "s3_secret_key":
		return &a.Secrets.S3SecretKey
	case "cloudflare_api_token":
		return &a.Secrets.CloudflareToken
	case "backup_s3_access_key":
		return &a.Secrets.BackupS3AccessKey
	case "backup_s3_secret_key":
		return &a.Secrets.BackupS3SecretKey
	}
	return nil
}

// Answer records what the user answered to a question of the wizard: raw as typed or
// chosen ("" leaves the answer open, to its default; a secret left empty keeps the one
// already known). The answers that depend on it (its Resets) are dropped when it changes,
// except those keep says were chosen (nil: none).
func (a *Answers) Answer(key, raw string, keep func(key string) bool) error {
	raw = strings.TrimSpace(raw)
	if p := a.secret(key); p != nil {
		if raw != "" {
			*p = raw
		}
		return nil
	}
	if key == "toolkit" {
		a.ToolkitFrom = "" // chosen, not defaulted: the plan need not say why
	}
	q, known := FindQuestion(key)
	switch {
	case !known:
	case q.Kind == KindDirectories:
		raw = strings.Join(SplitDirectories(raw), ",")
	}
	if known && q.KeepOpen && q.Default != nil && raw == q.Default(a) {
		raw = "" // what an open answer takes anyway: left open
	}
	before := a.Get(key)
	if err := a.clear(key); err != nil {
		return err
	}
	switch {
	case raw != "":
		if err := a.Set(key, raw); err != nil {
			return err
		}
	case known && q.Kind == KindDirectories:
		// None ticked and none typed is an answer (refused by the check), not the preset again.
		a.Directories = []string{}
	}
	if known && a.Get(key) != before {
		for _, dep := range q.Resets {
			if keep == nil || !keep(dep) {
				_ = a.clear(dep)
			}
		}
	}
	return nil
}

// clear leaves the answer at key open.
func (a *Answers) clear(key string) error {
	var found bool
	v := reflect.ValueOf(a).Elem()
	walkLeaves(v.Type(), "", func(k string, index []int) {
		if k == key {
			found = true
			f := v.FieldByIndex(index)
			f.Set(reflect.Zero(f.Type()))
		}
	})
	if !found {
		return fmt.Errorf("%s is not an answers key", key)
	}
	return nil
}

// Settle makes the answers consistent after the wizard changed some: a choice its check or
// rules no longer allow (a technique the mode does not allow, a provider other than aws for
// efs) is dropped and takes its default, and the open answers get their defaults. It
// returns what it dropped of the questions asked, to be told.
func (a *Answers) Settle() Problems {
	var dropped Problems
	a.Complete()
	for _, q := range Questions() {
		if q.Kind != KindChoice || q.Choices == nil || q.IsTyped(a) || q.Advanced {
			continue // an advanced answer (the backup's) is not the wizard's to change
		}
		v := a.Get(q.Key)
		if v == "" || q.Verdict(a, v) == nil && contains(valuesOf(q.Choices(a)), v) {
			continue
		}
		if q.Asked(a) {
			dropped.add(q.Key, "%s is not one of %s; choose again", quote(v), oneOf(q.ChoiceValues(a)))
		}
		_ = a.clear(q.Key)
		a.Complete()
	}
	// A provider with endpoints of its own derives the endpoint from the region.
	if p, ok := presets.FindProvider(a.Storage.Provider); ok && p.Endpoint != "" && a.Storage.Region != "" {
		a.Storage.Endpoint = p.EndpointFor(a.Storage.Region)
	}
	a.Complete()
	return dropped
}

func valuesOf(cs []Choice) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Value
	}
	return out
}

// isOpen reports whether the answer at key is not given (an empty list given is an answer).
func (a *Answers) isOpen(key string) bool {
	open := true
	v := reflect.ValueOf(a).Elem()
	walkLeaves(v.Type(), "", func(k string, index []int) {
		if k == key {
			open = v.FieldByIndex(index).IsZero()
		}
	})
	return open
}

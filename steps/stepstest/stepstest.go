// Package stepstest builds the answers tests plan with, the way a user gives them: the YAML
// of an answers file, completed with the defaults and validated, as steps.Load leaves them.
//
//	a := stepstest.Answers(t, "mode: temporal\napplication: wordpress\nwebsite_url: www.example.com\n",
//		stepstest.Keys(srv.AccessKey, srv.SecretKey), stepstest.OutputsIn(t.TempDir()))
package stepstest

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/assetwiz/assetwiz/steps"
)

// Option changes the answers after the YAML is read, before they are completed.
type Option func(*build)

type build struct {
	a                  steps.Answers
	complete, validate bool
}

// Answers reads yaml as an answers file, applies opts, completes the defaults and validates
// (see AsGiven, Unvalidated); any problem fails t.
func Answers(t testing.TB, yaml string, opts ...Option) *steps.Answers {
	t.Helper()
	a, err := Build(yaml, opts...)
	if err != nil {
		t.Fatalf("test answers: %v", err)
	}
	return a
}

// Must is Answers for tables built before any test runs: a problem panics.
func Must(yaml string, opts ...Option) *steps.Answers {
	a, err := Build(yaml, opts...)
	if err != nil {
		panic(fmt.Sprintf("test answers: %v", err))
	}
	return a
}

// Build is Answers returning the problems instead of failing a test.
func Build(yaml string, opts ...Option) (*steps.Answers, error) {
	a, ps := steps.ParseAnswers([]byte(yaml))
	if len(ps) > 0 {
		return nil, ps
	}
	b := &build{a: a, complete: true, validate: true}
	for _, o := range opts {
		o(b)
	}
	if b.complete {
		b.a.Complete()
	}
	if b.validate {
		if ps := b.a.Validate(); len(ps) > 0 {
			return nil, ps
		}
	}
	return &b.a, nil
}

// Keys gives the storage keys (S3_ACCESS_KEY, S3_SECRET_KEY), which an answers file never holds.
func Keys(access, secret string) Option {
	return func(b *build) { b.a.Secrets.S3AccessKey, b.a.Secrets.S3SecretKey = access, secret }
}

// OutputsIn writes the override file (override.tmpl) and the snippets (assetwiz-out) into dir.
func OutputsIn(dir string) Option {
	return func(b *build) {
		b.a.Output.OverrideFile = filepath.Join(dir, steps.DefaultOverrideFile)
		b.a.Output.SnippetsDir = filepath.Join(dir, steps.DefaultSnippetsDir)
	}
}

// With changes the answers in a way YAML cannot say (or not briefly), before completing.
func With(f func(a *steps.Answers)) Option { return func(b *build) { f(&b.a) } }

// Unvalidated completes the answers without validating them: for tests of what a backend
// does with answers validation would refuse, or does not need.
func Unvalidated() Option { return func(b *build) { b.validate = false } }

// AsGiven leaves the answers as the YAML and the options give them: no defaults, no
// validation, for tests of a backend that reads only some answers.
func AsGiven() Option { return func(b *build) { b.complete, b.validate = false, false } }

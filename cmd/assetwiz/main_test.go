package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/internal/testparallel"
)

// binDir holds the binary that tests of a process of assetwiz build once.
var binDir string

func TestMain(m *testing.M) {
	var err error
	if binDir, err = os.MkdirTemp("", "assetwiz-test-bin-"); err != nil {
		panic(err)
	}
	testparallel.Default(6) // the tests wait on servers and terminals: see internal/testparallel
	code := m.Run()
	os.RemoveAll(binDir)
	os.Exit(code)
}

// cliResult is what one in-process run of assetwiz printed and returned.
type cliResult struct {
	code           int
	stdout, stderr string
}

// runCLI runs assetwiz in-process in dir (Env.Dir; "" the test's working folder) with only the given environment variables, the
// way a user would run it there. Shared by every command test of this package.
func runCLI(t *testing.T, dir string, env map[string]string, args ...string) cliResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), args, Env{
		Stdin:  strings.NewReader(""),
		Stdout: &stdout,
		Stderr: &stderr,
		Getenv: func(k string) string { return env[k] },
		Dir:    dir,
	})
	return cliResult{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// writeFile writes a test file, failing the test on error.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// listDir names the entries of dir, to prove a command wrote nothing.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

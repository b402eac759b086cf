package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// releaseSizeLimit is issue 15's target for the stripped linux/amd64 release binary.
const releaseSizeLimit = 20 << 20

// The release binary keeps only the methods it calls. When anything reachable calls
// reflect.Value.Method or MethodByName (text/template's Execute does, and cobra's Version field
// and Set*Template run through it), the linker must keep every exported method of every type
// that may sit in an interface: each of the S3 and EFS clients' 120 operations, 6 MB stripped.
// This builds the command as .goreleaser.yaml does and reads the linker's dependency dump.
func TestReleaseBinaryLetsTheLinkerDropUnusedMethods(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the release binary")
	}
	if raceDetector {
		t.Skip("builds a separate binary without -race; the plain run checks it")
	}
	bin := filepath.Join(t.TempDir(), "assetwiz")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w -dumpdep", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	var dump, out bytes.Buffer
	cmd.Stderr, cmd.Stdout = &dump, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v\n%s", err, tail(dump.String(), 40))
	}

	if chain := reflectMethodChain(dump.Bytes()); chain != nil {
		t.Errorf("the linker keeps every exported method because this reaches reflect.Value.Method/MethodByName:\n  %s",
			strings.Join(chain, "\n  → "))
	}

	st, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("stripped binary: %d bytes (%.1f MiB)", st.Size(), float64(st.Size())/(1<<20))
	if runtime.GOOS == "linux" && runtime.GOARCH == "amd64" && st.Size() > releaseSizeLimit {
		t.Errorf("the stripped linux/amd64 binary is %d bytes, over the %d-byte target (issue 15)", st.Size(), releaseSizeLimit)
	}
}

// reflectMethodChain reads `go build -ldflags=-dumpdep` output ("from -> to" lines, a function
// that calls Method or MethodByName marked <ReflectMethod>) and returns the path of calls from
// the program's entry to the first marked function, or nil when no function is marked.
func reflectMethodChain(dump []byte) []string {
	const mark = " <ReflectMethod>"
	parent := map[string]string{}
	var marked string
	sc := bufio.NewScanner(bytes.NewReader(dump))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		from, to, ok := strings.Cut(sc.Text(), " -> ")
		if !ok {
			continue
		}
		for _, s := range []string{from, to} {
			if marked == "" && strings.HasSuffix(s, mark) {
				marked = strings.TrimSuffix(s, mark)
			}
		}
		from, to = strings.TrimSuffix(from, mark), strings.TrimSuffix(to, mark)
		if _, seen := parent[to]; !seen {
			parent[to] = from // the linker prints a symbol's first reacher first
		}
	}
	if marked == "" {
		return nil
	}
	chain := []string{marked}
	for seen := map[string]bool{marked: true}; ; {
		p, ok := parent[chain[len(chain)-1]]
		if !ok || seen[p] || p == "_" {
			break
		}
		seen[p] = true
		chain = append(chain, p)
	}
	for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
		chain[i], chain[j] = chain[j], chain[i]
	}
	return chain
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

package steps

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/assetwiz/assetwiz"

// Dependencies point down (docs/design.md): steps sits below provision, so neither it nor
// anything it imports of ours may import a provision package. The imports are read from the
// sources themselves (every file but the tests, whatever its build tags), following each of
// our packages they reach, so a new import anywhere on the way is caught.
func TestStepsImportsNoProvisionPackage(t *testing.T) {
	t.Parallel()
	root := moduleRoot(t)
	via := map[string]string{} // a package of ours reached → the package that imports it
	queue := []string{module + "/steps"}
	for len(queue) > 0 {
		pkg := queue[0]
		queue = queue[1:]
		for _, imp := range ourImports(t, root, pkg) {
			if _, seen := via[imp]; seen {
				continue
			}
			via[imp] = pkg
			queue = append(queue, imp)
		}
	}
	for pkg := range via {
		if rel := strings.TrimPrefix(pkg, module+"/"); rel == "provision" || strings.HasPrefix(rel, "provision/") {
			chain := []string{pkg}
			for p := pkg; via[p] != ""; p = via[p] {
				chain = append(chain, via[p])
			}
			slices.Reverse(chain)
			t.Errorf("steps depends on %s: %s", rel, strings.Join(chain, " → "))
		}
	}
	// The walk must have found what steps is known to import, or it proves nothing.
	for _, want := range []string{"presets", "internal/safefile"} {
		if _, ok := via[module+"/"+want]; !ok {
			t.Errorf("the walk did not reach %s: it no longer reads the imports", want)
		}
	}
}

// ourImports are the packages of this module that pkg's non-test sources import.
func ourImports(t *testing.T, root, pkg string) []string {
	t.Helper()
	dir := filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(pkg, module)))
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("%s: %v", pkg, err)
	}
	var out []string
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, spec := range f.Imports {
			path, _ := strconv.Unquote(spec.Path.Value)
			if strings.HasPrefix(path, module+"/") && !slices.Contains(out, path) {
				out = append(out, path)
			}
		}
	}
	return out
}

// moduleRoot is the folder holding go.mod, found upwards from the test's folder.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
}

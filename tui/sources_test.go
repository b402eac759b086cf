//go:build unix

package tui

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/assetwiz/assetwiz/steps"
)

// fifoWatch replaces path with a FIFO and tells whether anything opened it for reading. A
// writer waits on it: a reader that opens it gets an empty file at once instead of hanging,
// so reading the FIFO fails this test rather than blocking it.
func fifoWatch(t *testing.T, path string) (opened func() bool) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	var was atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		f, err := os.OpenFile(path, os.O_WRONLY, 0) // blocks until a reader opens the FIFO
		if err != nil {
			return
		}
		was.Store(true)
		f.Close()
	}()
	t.Cleanup(func() {
		// Let the writer go: open the read side without blocking, then wait for it.
		r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
		wg.Wait()
		if err == nil {
			r.Close()
		}
	})
	return was.Load
}

// Issue 27: the wizard reads no file itself. It used to read the answers file again and the
// override file with a plain os.ReadFile, skipping the FIFO and size guards; now it starts
// from what steps.Load read. Both files are turned into FIFOs after the load: the wizard must
// not open them, and must still know what they said (the toolkit taken from the override
// file, its key, the answers the file chose).
func TestTheWizardReadsNoFileItself(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	answersFile, overrideFile := filepath.Join(dir, "assetwiz.yaml"), filepath.Join(dir, "override.tmpl")
	if err := os.WriteFile(answersFile, []byte("mode: temporal\noutput:\n  override_file: "+overrideFile+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(overrideFile, []byte("export PERSIST_ASSETS_TO_CLOUD=\"0\"\nexport S3_ACCESS_KEY=\"AKFROMOVERRIDE\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	loaded, _ := steps.Load(steps.Sources{AnswersFile: answersFile}) // open answers are the wizard's to ask
	if !loaded.OverrideFound || loaded.Answers.Toolkit != steps.ToolkitClassic {
		t.Fatalf("the load did not read the override file: found %v, toolkit %q", loaded.OverrideFound, loaded.Answers.Toolkit)
	}
	answersOpened, overrideOpened := fifoWatch(t, answersFile), fifoWatch(t, overrideFile)

	opt := testOptions(t)
	opt.Loaded = loaded
	m := newModel(context.Background(), opt)
	m.Init()

	if overrideOpened() || answersOpened() {
		t.Errorf("the wizard opened a file steps.Load had read: override file %v, answers file %v", overrideOpened(), answersOpened())
	}
	if explain := m.w.explain(m.w.steps[m.w.stepIndex(steps.StepToolkit)]); !strings.Contains(explain, "Detected from your existing "+overrideFile+": classic") {
		t.Errorf("the toolkit step does not say it was taken from the override file:\n%s", explain)
	}
	if !m.w.overrideSecrets["s3_access_key"] {
		t.Error("the access key is not known to come from the override file")
	}
	if !m.w.chosen["mode"] || m.w.chosen["technique"] {
		t.Errorf("chosen by the answers file: mode %v, technique %v; want true, false", m.w.chosen["mode"], m.w.chosen["technique"])
	}
}

// The guard beside the test above: no source of tui (the tests aside) opens or reads a file
// itself, or loads one through steps; the loaders hand it what they read.
func TestTUISourcesReadNoFile(t *testing.T) {
	t.Parallel()
	forbidden := map[string][]string{
		"os":                                 {"ReadFile", "Open", "OpenFile", "ReadDir", "Stat", "Lstat", "DirFS"},
		"io/ioutil":                          {"ReadFile", "ReadDir"},
		"github.com/assetwiz/assetwiz/steps": {"LoadFile", "ParseAnswers"},
		"github.com/assetwiz/assetwiz/internal/safefile": {"Load", "Read"},
	}
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		checked++
		names := map[string]string{} // the name a file gives an import → its path
		for _, spec := range f.Imports {
			p, _ := strconv.Unquote(spec.Path.Value)
			name := p[strings.LastIndex(p, "/")+1:]
			if spec.Name != nil {
				name = spec.Name.Name
			}
			names[name] = p
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok {
				for _, fn := range forbidden[names[x.Name]] {
					if sel.Sel.Name == fn {
						t.Errorf("%s: %s.%s: tui reads a file itself; take it from what steps.Load read (steps.Loaded)", fset.Position(sel.Pos()), x.Name, fn)
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 5 {
		t.Fatalf("only %d sources checked: the walk is not looking at tui", checked)
	}
}

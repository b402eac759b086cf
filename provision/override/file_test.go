package override

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/assetwiz/assetwiz/internal/exportfile"
	"github.com/assetwiz/assetwiz/steps"
)

func TestWriteFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "override.tmpl")
	// A toolkit template (exportfile's tests merge into it too).
	template, err := os.ReadFile(filepath.Join("..", "..", "internal", "exportfile", "testdata", "digitalocean3override.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	before := string(template)
	ours := []Export{{Name: "APPLICATION", Value: "wordpress"}, {Name: "S3_SECRET_KEY", Value: "newsecret", Secret: true}, {Name: "ENABLE_EFS", Value: "1"}}
	if err := os.WriteFile(path, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	merged := exportfile.Merge(before, ours)
	wrote, err := WriteFile(path, merged, nil)
	if err != nil || !wrote {
		t.Fatalf("first write: wrote=%v err=%v", wrote, err)
	}
	assertFile(t, path, merged, 0o600)
	assertFile(t, path+".bak", before, 0o600)

	// Unchanged content: nothing written, not even the .bak.
	os.Remove(path + ".bak")
	stat1, _ := os.Stat(path)
	wrote, err = WriteFile(path, exportfile.Merge(merged, ours), nil)
	if err != nil || wrote {
		t.Fatalf("second write: wrote=%v err=%v, want no write", wrote, err)
	}
	if _, err := os.Stat(path + ".bak"); !os.IsNotExist(err) {
		t.Error("a .bak was written although nothing changed")
	}
	if stat2, _ := os.Stat(path); !stat2.ModTime().Equal(stat1.ModTime()) {
		t.Error("the file was rewritten although nothing changed")
	}
	// No temporary files left behind.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only the override file", len(entries))
	}

	// A new file: created 0600, no .bak.
	fresh := filepath.Join(dir, "new.tmpl")
	if _, err := WriteFile(fresh, "export A=\"1\"\n", nil); err != nil {
		t.Fatal(err)
	}
	assertFile(t, fresh, "export A=\"1\"\n", 0o600)
	if _, err := os.Stat(fresh + ".bak"); !os.IsNotExist(err) {
		t.Error("a .bak was made for a new file")
	}
}

// A reader racing the writer sees the old content or the new, never a mix or a part.
func TestWriteFileIsAtomic(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "override.tmpl")
	old := strings.Repeat("export OLD=\"1\"\n", 20000)
	cur := strings.Repeat("export NEW=\"2\"\n", 20000)
	if _, err := WriteFile(path, old, nil); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	var bad atomic.Int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			data, err := os.ReadFile(path)
			if err == nil && string(data) != old && string(data) != cur {
				bad.Add(1)
			}
		}
	}()
	for i := 0; i < 30; i++ {
		content := cur
		if i%2 == 1 {
			content = old
		}
		if _, err := WriteFile(path, content, nil); err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	wg.Wait()
	if bad.Load() > 0 {
		t.Fatalf("a reader saw a partial file %d times", bad.Load())
	}
}

func assertFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != content {
		t.Errorf("%s holds other content than expected", filepath.Base(path))
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != mode {
		t.Errorf("%s has mode %o, want %o", filepath.Base(path), st.Mode().Perm(), mode)
	}
}

func TestPlanWarnsOfALeftoverEnableEFS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "override.tmpl")
	os.WriteFile(path, []byte("export ENABLE_EFS=\"1\"\nexport SUBNET_ID=\"subnet-0123\"\n"), 0o600)
	a := steps.Answers{Mode: "temporal", Application: "joomla", WebsiteURL: "www.example.com", Technique: "s3fs",
		Storage: steps.Storage{Provider: "digitalocean"}, Output: steps.Output{OverrideFile: path}}
	a.Complete()
	p, err := Backend{NoSecrets: true}.Plan(context.Background(), &a)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(p.Warnings, "\n"), "ENABLE_EFS") {
		t.Errorf("no warning of the leftover ENABLE_EFS: %v", p.Warnings)
	}
}

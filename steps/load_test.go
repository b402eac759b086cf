//go:build unix

package steps

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Load hands over what each file said, so the wizard reads neither again (issue 27); an
// override file that is a FIFO is refused before it is opened, and says nothing.
func TestLoadHandsOverWhatEachFileSaid(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	answersFile, overrideFile := filepath.Join(dir, "assetwiz.yaml"), filepath.Join(dir, "override.tmpl")
	os.WriteFile(answersFile, []byte("mode: temporal\noutput:\n  override_file: "+overrideFile+"\n"), 0o600)
	os.WriteFile(overrideFile, []byte("export PERSIST_ASSETS_TO_CLOUD=\"0\"\nexport S3_ACCESS_KEY=\"AKFROMOVERRIDE\"\nexport APPLICATION=\"joomla\"\n"), 0o600)
	env := map[string]string{"ASSETWIZ_APPLICATION": "moodle"}
	loaded, _ := Load(Sources{AnswersFile: answersFile, Getenv: func(k string) string { return env[k] }})
	if f := loaded.FileAnswers; f.Mode != ModeTemporal || f.Application != "" || f.Output.OverrideFile != overrideFile {
		t.Errorf("FileAnswers: mode %q, application %q, override file %q; want the answers file's only", f.Mode, f.Application, f.Output.OverrideFile)
	}
	if o := loaded.OverrideAnswers; o.Toolkit != ToolkitClassic || o.Secrets.S3AccessKey != "AKFROMOVERRIDE" || o.Application != "joomla" || o.Mode != "" {
		t.Errorf("OverrideAnswers: toolkit %q, key set %v, application %q, mode %q; want the override file's only", o.Toolkit, o.Secrets.S3AccessKey != "", o.Application, o.Mode)
	}
	if loaded.Answers.Application != "moodle" {
		t.Errorf("the environment no longer wins: application %q", loaded.Answers.Application)
	}

	os.Remove(overrideFile)
	if err := syscall.Mkfifo(overrideFile, 0o600); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(Sources{AnswersFile: answersFile}) // a read of the FIFO would block here
	if err == nil || !strings.Contains(err.Error(), "output.override_file") || !strings.Contains(err.Error(), "FIFO") {
		t.Errorf("a FIFO as override file: err = %v", err)
	}
	if loaded.OverrideFound || loaded.OverrideAnswers.Toolkit != "" {
		t.Errorf("a FIFO said something: found %v, toolkit %q", loaded.OverrideFound, loaded.OverrideAnswers.Toolkit)
	}
}

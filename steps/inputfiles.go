package steps

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/assetwiz/assetwiz/internal/safefile"
)

// readAnswersFile reads an answers file as safefile.Load does: a link is followed (the answers
// file is only read), but a FIFO, a device or a file over safefile.MaxSize is refused before
// a byte is read, so `-f /dev/zero` or a FIFO cannot hang the run or fill the memory.
func readAnswersFile(path string) ([]byte, error) {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	st, err := safefile.Load(path)
	if err != nil {
		return nil, err
	}
	if !st.Exists {
		return nil, fmt.Errorf("%s: %w", path, fs.ErrNotExist)
	}
	return []byte(st.Content), nil
}

// extraDocument finds a second YAML document in an answers file: it would be ignored
// silently, so it is bad input. It returns the line it starts on, 0 when there is none.
func extraDocument(data []byte) int {
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	var first, second yaml.Node
	if err := dec.Decode(&first); err != nil {
		return 0
	}
	err := dec.Decode(&second)
	switch {
	case errors.Is(err, io.EOF):
		return 0
	case err != nil:
		// A second document that is not even YAML (after "---" or "..."): one more reason
		// to refuse it, not to ignore it.
		if line := errorLine(err); line > 0 {
			return line
		}
		return 1
	case second.Line > 0:
		return second.Line
	}
	return 1
}

// errorLine is the line a YAML error names ("yaml: line 4: ..."), 0 when it names none.
func errorLine(err error) int {
	msg := err.Error()
	i := strings.Index(msg, "line ")
	if i < 0 {
		return 0
	}
	n := 0
	for _, c := range msg[i+len("line "):] {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// checkOutputs finds answers that point assetwiz's outputs at the wrong kind of file: an
// override file that is an answers file (writing exports into it breaks every later run), a
// snippets folder that is a file.
func checkOutputs(a *Answers, answersFile string) Problems {
	var ps Problems
	if IsAnswersFileIn(a.Dir, a.Output.OverrideFile, answersFile) {
		ps.add("output.override_file", "%s is the answers file assetwiz reads; writing the exports into it would break every later run: give the toolkit's override file, such as %s", quote(a.Output.OverrideFile), DefaultOverrideFile)
	}
	if st, err := os.Stat(a.Path(a.Output.SnippetsDir)); err == nil && !st.IsDir() {
		ps.add("output.snippets_dir", "%s is a file, not a folder; give a folder for the snippets (it is made when missing), such as %s", quote(a.Output.SnippetsDir), DefaultSnippetsDir)
	}
	return ps
}

// IsAnswersFile reports whether path is a file assetwiz reads as answers: the one in use
// (answersFile, "" for none) or the default one of the current folder.
func IsAnswersFile(path, answersFile string) bool { return IsAnswersFileIn("", path, answersFile) }

// IsAnswersFileIn is IsAnswersFile for paths relative to dir ("" the working directory).
func IsAnswersFileIn(dir, path, answersFile string) bool {
	path = InDir(dir, path)
	return samePath(path, InDir(dir, answersFile)) || samePath(path, InDir(dir, DefaultAnswersFile))
}

// samePath reports whether two paths name one file: the same clean absolute path, or the
// same file on disk (a link, another spelling).
func samePath(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if sa, err := os.Stat(a); err == nil {
		if sb, err := os.Stat(b); err == nil {
			return os.SameFile(sa, sb)
		}
	}
	aa, err1 := filepath.Abs(a)
	ab, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == ab
}

// secretsFrom puts where a bad secret came from into its problem: the validation says the
// environment, but a key read back from the override file must be named as coming from it.
func secretsFrom(ps Problems, env, fromOverride Answers, overridePath string) Problems {
	for i, p := range ps {
		var envValue, overrideValue string
		switch p.Key {
		case ExportS3AccessKey:
			envValue, overrideValue = env.Secrets.S3AccessKey, fromOverride.Secrets.S3AccessKey
		case ExportS3SecretKey:
			envValue, overrideValue = env.Secrets.S3SecretKey, fromOverride.Secrets.S3SecretKey
		default:
			continue
		}
		if envValue == "" && overrideValue != "" {
			ps[i].Message = strings.Replace(p.Message, "(from the environment)", "(from the override file "+overridePath+")", 1)
		}
	}
	return ps
}

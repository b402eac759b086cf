package steps

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// LoadFile reads an answers file. A missing file is reported with fs.ErrNotExist wrapped;
// everything wrong inside it comes back as Problems, all at once, keyed by answers-file key.
func LoadFile(path string) (Answers, error) { return loadFile("", path) }

// loadFile is LoadFile for a path relative to dir ("" the working directory); messages name
// the path as given.
func loadFile(dir, path string) (Answers, error) {
	data, err := readAnswersFile(InDir(dir, path))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Answers{}, fmt.Errorf("answers file %s does not exist: %w", path, err)
		}
		return Answers{}, err // it names the file and what is wrong with it
	}
	a, problems := ParseAnswers(data)
	if len(problems) > 0 {
		return a, problems
	}
	return a, nil
}

// ParseAnswers decodes an answers file. Unknown keys and values of the wrong type are
// problems named by their key; decoding goes on past them so every problem is found.
func ParseAnswers(data []byte) (Answers, Problems) {
	var a Answers
	var problems Problems
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		problems.add("answers file", "is not valid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
		return a, problems
	}
	if line := extraDocument(data); line > 0 {
		problems.add("answers file", "holds a second YAML document (from line %d); assetwiz reads one: remove the second, or put it in a file of its own", line)
	}
	if len(doc.Content) == 0 { // an empty file answers nothing
		return a, nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return a, nil
	}
	decodeMapping(root, reflect.ValueOf(&a).Elem(), "", &problems)
	return a, problems
}

// decodeMapping fills the struct v from a YAML mapping, field by field through the yaml tags.
func decodeMapping(n *yaml.Node, v reflect.Value, prefix string, problems *Problems) {
	where := strings.TrimSuffix(prefix, ".")
	if n.Kind != yaml.MappingNode {
		if where == "" {
			problems.add("answers file", "must be a mapping of keys such as mode: temporal (line %d)", n.Line)
		} else {
			problems.add(where, "must be a mapping of keys, not %s (line %d)", describe(n), n.Line)
		}
		return
	}
	fields := yamlFields(v.Type())
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		keyNode, valNode := n.Content[i], n.Content[i+1]
		if keyNode.Kind != yaml.ScalarNode || keyNode.Value == "" {
			problems.add(fmt.Sprintf("%s(key on line %d)", prefix, keyNode.Line), "is not a key; keys are names such as mode or website_url")
			continue
		}
		key := prefix + keyNode.Value
		idx, ok := fields[keyNode.Value]
		if !ok {
			problems.add(key, "is not a known key (line %d)%s", keyNode.Line, suggestKey(keyNode.Value, fields))
			continue
		}
		if seen[keyNode.Value] {
			problems.add(key, "is given twice (line %d); keep one", keyNode.Line)
			continue
		}
		seen[keyNode.Value] = true
		if valNode.Kind == yaml.ScalarNode && valNode.Tag == "!!null" {
			continue // "key:" with no value leaves the answer open
		}
		f := v.Field(idx)
		if f.Kind() == reflect.Struct {
			decodeMapping(valNode, f, key+".", problems)
			continue
		}
		decodeValue(valNode, f, key, problems)
	}
}

func decodeValue(n *yaml.Node, f reflect.Value, key string, problems *Problems) {
	want := map[reflect.Kind]string{
		reflect.String: "a text value", reflect.Int: "a whole number", reflect.Bool: "true or false",
		reflect.Slice: "a list such as [a, b]",
	}
	kind := f.Kind()
	if kind == reflect.Pointer {
		kind = f.Type().Elem().Kind()
	}
	switch {
	case kind == reflect.Slice && n.Kind != yaml.SequenceNode,
		kind != reflect.Slice && n.Kind != yaml.ScalarNode:
		problems.add(key, "must be %s, not %s (line %d)", want[kind], describe(n), n.Line)
		return
	case kind == reflect.Slice:
		for i, item := range n.Content {
			if item.Kind != yaml.ScalarNode {
				problems.add(fmt.Sprintf("%s[%d]", key, i), "must be a text value, not %s (line %d)", describe(item), item.Line)
				return
			}
		}
	case kind == reflect.String && n.Tag != "!!str":
		// yaml would turn `website_url: 123` into "123" silently; only text is text here.
		if n.Tag != "!!int" && n.Tag != "!!float" {
			problems.add(key, "must be %s, not %s (line %d)", want[kind], describe(n), n.Line)
			return
		}
	}
	if err := n.Decode(f.Addr().Interface()); err != nil {
		problems.add(key, "must be %s, not %s (line %d)", want[kind], describe(n), n.Line)
	}
}

// describe says what a YAML node holds, for messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.Tag {
	case "!!bool":
		return "true/false " + n.Value
	case "!!int", "!!float":
		return "the number " + n.Value
	}
	return quote(n.Value)
}

// yamlFields maps the yaml keys of a struct type to field indexes.
func yamlFields(t reflect.Type) map[string]int {
	out := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			out[name] = i
		}
	}
	return out
}

// suggestKey names the known key closest to a typo.
func suggestKey(typo string, fields map[string]int) string {
	best, bestDist := "", 3
	for k := range fields {
		if d := editDistance(typo, k); d < bestDist || (d == bestDist && k < best) {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return "; known keys here: " + oneOf(slices.Sorted(maps.Keys(fields)))
	}
	return "; did you mean " + best + "?"
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

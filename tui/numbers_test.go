package tui

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/huh"

	"github.com/assetwiz/assetwiz/steps"
)

// walkHeaders answers the full-screen wizard from step 1 to its last question, giving a question
// the value picks holds for it (a list by moving its cursor, an input by typing it) and
// Enter to every other, and returns each screen's "Step n of N: Title" as it changes.
func walkHeaders(t *testing.T, picks map[string]string) []string {
	t.Helper()
	m := newModel(context.Background(), testOptions(t))
	run(m, m.Init())
	var seen []string
	note := func() {
		n, total := m.position()
		if h := fmt.Sprintf("Step %d of %d: %s", n, total, m.step().Title); len(seen) == 0 || seen[len(seen)-1] != h {
			seen = append(seen, h)
		}
	}
	for range 80 {
		if m.phase != phaseForm {
			break
		}
		note()
		if v, ok := picks[m.ask.q.Key]; ok {
			if _, isList := m.ask.fields[0].(*huh.Select[string]); isList {
				for i := 0; i < 20 && m.ask.value() != v; i++ {
					send(m, down)
				}
			} else if m.ask.value() != v {
				send(m, typed(v))
			}
		}
		if _, more := m.w.nextQuestion(place{m.cur.s, m.cur.q + 1}); !more {
			// The last question: Enter would plan, behind a spinner run here would spin forever.
			review := m.w.stepIndex(steps.StepReview)
			n, total := m.w.stepNumber(review)
			return append(seen, fmt.Sprintf("Step %d of %d: %s", n, total, m.w.steps[review].Title))
		}
		send(m, enter)
	}
	t.Fatalf("the walk %v did not reach the last question: phase %v at %s\n%s", picks, m.phase, at(m), m.screen())
	return nil
}

// steadyCount checks what a user walking forward sees: every screen says the same total,
// the first is step 1, each next step is the same number or the next one, and the review
// is the last.
func steadyCount(t *testing.T, name string, headers []string) {
	t.Helper()
	re := regexp.MustCompile(`^Step (\d+) of (\d+): `)
	prev, total := 0, 0
	for i, h := range headers {
		var n, of int
		if m := re.FindStringSubmatch(h); m == nil {
			t.Fatalf("%s: %q is not a step header", name, h)
		} else {
			fmt.Sscan(m[1], &n)
			fmt.Sscan(m[2], &of)
		}
		switch {
		case i == 0 && n != 1:
			t.Errorf("%s: the walk starts at %q", name, h)
		case i > 0 && of != total:
			t.Errorf("%s: the total changed walking forward: %q after %q", name, h, headers[i-1])
		case i > 0 && n != prev && n != prev+1:
			t.Errorf("%s: the number jumped: %q after %q", name, h, headers[i-1])
		}
		prev, total = n, of
	}
	if last := headers[len(headers)-1]; last != fmt.Sprintf("Step %d of %d: Review", total, total) {
		t.Errorf("%s: the walk ends at %q", name, last)
	}
}

// Issue 22: the total grew once temporal was chosen (1 of 9, then 2 of 11) and numbers
// jumped where a step was skipped. Whatever the answers, a walk forward keeps one total and
// never skips a number.
func TestStepCountIsSteadyOnEveryPath(t *testing.T) {
	t.Parallel()
	site := map[string]string{"application": "wordpress", "website_url": "www.example.com"}
	paths := map[string]map[string]string{
		"temporal local":  {"technique": steps.TechniqueLocal},
		"temporal plugin": {"technique": steps.TechniquePlugin, "storage.provider": "digitalocean"},
		"temporal s3fs":   {"technique": steps.TechniqueS3fs, "storage.provider": "digitalocean", "backup.provider": "wasabi"},
		"original efs": {"toolkit": steps.ToolkitOriginal, "technique": steps.TechniqueEFS,
			"efs.subnet_ids": "subnet-0123abcd"},
		"virgin": {"mode": steps.ModeVirgin},
	}
	totals := map[int]bool{}
	for name, picks := range paths {
		for k, v := range site {
			picks[k] = v
		}
		headers := walkHeaders(t, picks)
		steadyCount(t, name, headers)
		var of int
		fmt.Sscanf(headers[0], "Step 1 of %d", &of)
		totals[of] = true
	}
	if len(totals) != 1 {
		t.Errorf("the totals differ between paths: %v", totals)
	}
}

// The accessible wizard numbers its steps as the full-screen one does, for the same answers.
func TestAccessibleNumbersStepsAsTheFullScreenWizard(t *testing.T) {
	t.Parallel()
	script := strings.Join([]string{
		"", "3", "", "2", "www.example.com", "", // current, temporal, hourly, wordpress, url, directories
		"3", "", "2", "", "", "", // s3fs, rclone, digitalocean, ams3, the keys
		"", "", "", "", "", "", // no second copy, versioning, 30 days, no cdn, override file, snippets folder
		"", // review: save
	}, "\n") + "\n"
	var out bytes.Buffer
	opt := testOptions(t)
	opt.DryRun, opt.Accessible = true, true
	opt.Input, opt.Output = strings.NewReader(script), &out
	if err := Run(context.Background(), opt); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	accessible := regexp.MustCompile(`(?m)^Step \d+ of \d+: .*$`).FindAllString(out.String(), -1)
	full := walkHeaders(t, map[string]string{"application": "wordpress", "website_url": "www.example.com",
		"technique": steps.TechniqueS3fs, "storage.provider": "digitalocean"})
	if !slices.Equal(accessible, full) {
		t.Errorf("accessible:\n  %s\nfull screen:\n  %s", strings.Join(accessible, "\n  "), strings.Join(full, "\n  "))
	}
	steadyCount(t, "accessible", accessible)
}

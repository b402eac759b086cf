package main

import (
	"errors"
	"io"

	"github.com/spf13/cobra"

	"github.com/assetwiz/assetwiz/internal/exportfile"
	"github.com/assetwiz/assetwiz/provision/override"
	"github.com/assetwiz/assetwiz/steps"
)

// RenderOptions are render's flags, parsed.
type RenderOptions struct {
	app       *app
	Answers   answerOptions
	NoSecrets bool   // --no-secrets
	Output    string // -o: the file to merge the exports into, "" for stdout
}

// NewCmdRender is the render command; runF, when given, runs instead of renderRun (for tests).
func NewCmdRender(a *app, runF func(*RenderOptions) error) *cobra.Command {
	opts := &RenderOptions{app: a}
	cmd := &cobra.Command{
		Use:   "render",
		Short: "Print the toolkit override exports for the answers",
		Long: `Prints only the toolkit's override exports (export NAME="value" lines) for the answers.
Needs no network. With -o FILE they are written into FILE instead: a new file is created,
an existing one is merged (our exports replaced in place, everything else left as it was,
the previous content kept as FILE.bak, mode 0600).`,
		Example: `  assetwiz render -f assetwiz.yaml --no-secrets
  assetwiz render --mode temporal --application joomla --website-url www.example.com \
      --provider digitalocean --region ams3 -o override.tmpl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Answers = answerOptionsOf(cmd.Flags())
			if runF != nil {
				return runF(opts)
			}
			return renderRun(opts)
		},
	}
	addAnswerFlags(cmd)
	cmd.Flags().BoolVar(&opts.NoSecrets, "no-secrets", false, "leave the secret exports (S3 keys) out")
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write the exports into this file instead of stdout (merging)")
	return cmd
}

func renderRun(opts *RenderOptions) error {
	a, noSecrets, out := opts.app, opts.NoSecrets, opts.Output
	loaded, err := a.loadAnswers(opts.Answers)
	if err != nil {
		return err
	}
	ans := &loaded.Answers
	exports, warnings := override.Exports(ans, noSecrets)
	for _, w := range warnings {
		a.note("warning: %s", w)
	}
	if out == "" {
		// The exports are the data asked for: the keys go to stdout unredacted.
		_, err := io.WriteString(a.env.Stdout, exportfile.Render(exports))
		return err
	}
	if steps.IsAnswersFileIn(a.env.Dir, out, loaded.AnswersFile) {
		return badInput("-o: %s is the answers file assetwiz reads; writing the exports into it would break every later run: give the toolkit's override file, such as %s", out, steps.DefaultOverrideFile)
	}
	var keep []string
	if noSecrets {
		keep = override.SecretNames
	}
	wrote, err := override.WriteExports(a.path(out), exports, keep...)
	var ps steps.Problems
	switch {
	case errors.As(err, &ps):
		return badInput("%w", ps)
	case override.Refused(err):
		return badInput("-o: %w", err) // nothing written
	case err != nil:
		return failure(err)
	}
	if wrote {
		a.note("wrote %d exports to %s", len(exports), out)
	} else {
		a.note("%s already holds these exports: nothing written", out)
	}
	return nil
}

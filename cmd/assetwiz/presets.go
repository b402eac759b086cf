package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/assetwiz/assetwiz/presets"
)

// PresetsOptions are presets' flags, parsed.
type PresetsOptions struct {
	app  *app
	JSON bool // --json
}

// NewCmdPresets is the presets command; runF, when given, runs instead of presetsRun (for tests).
func NewCmdPresets(a *app, runF func(*PresetsOptions) error) *cobra.Command {
	opts := &PresetsOptions{app: a}
	cmd := &cobra.Command{
		Use:     "presets",
		Short:   "List the built-in applications, storage providers and toolkit generations",
		Example: "  assetwiz presets\n  assetwiz presets --json | jq '.providers[].name'",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return presetsRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the presets as JSON")
	return cmd
}

func presetsRun(opts *PresetsOptions) error {
	a, asJSON := opts.app, opts.JSON
	if asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{
			"applications": presets.Applications(),
			"providers":    presets.Providers(),
			"toolkits":     presets.Toolkits(),
		})
	}
	w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "APPLICATION\tOFFLOAD PLUGIN\tDIRECTORIES")
	for _, app := range presets.Applications() {
		for i, d := range app.Directories { // one a line, as the regions below
			if i == 0 {
				fmt.Fprintf(w, "%s\t%s\t%s\n", app.Name, app.Plugin.Name, d)
			} else {
				fmt.Fprintf(w, "\t\t%s\n", d)
			}
		}
	}
	fmt.Fprintln(w, "\nPROVIDER\tENDPOINT\tREGIONS")
	for _, p := range presets.Providers() {
		ep := p.Endpoint
		if ep == "" {
			ep = "(storage.endpoint)"
		}
		// A few regions a line: the whole list on one line was ~330 columns wide.
		for i, chunk := range slices.Collect(slices.Chunk(p.Regions, 4)) {
			if i == 0 {
				fmt.Fprintf(w, "%s\t%s\t%s\n", p.Name, ep, strings.Join(chunk, " "))
			} else {
				fmt.Fprintf(w, "\t\t%s\n", strings.Join(chunk, " "))
			}
		}
		if len(p.Regions) == 0 {
			fmt.Fprintf(w, "%s\t%s\t%s\n", p.Name, ep, "(any)")
		}
	}
	fmt.Fprintln(w, "\nTOOLKIT\tPERSISTENCE EXPORT\tDESCRIPTION")
	for _, t := range presets.Toolkits() {
		fmt.Fprintf(w, "%s\t%s\t%s\n", t.Name, t.PersistExport, t.Title)
	}
	return w.Flush()
}

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

func (a *app) presetsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "presets",
		Short:   "List the built-in applications, storage providers and toolkit generations",
		Example: "  assetwiz presets\n  assetwiz presets --json | jq '.providers[].name'",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			asJSON, _ := cmd.Flags().GetBool("json")
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
		},
	}
	cmd.Flags().Bool("json", false, "print the presets as JSON")
	return cmd
}

package main

import (
	"encoding/json"
	"fmt"
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
			fmt.Fprintln(w, "APPLICATION\tDIRECTORIES\tOFFLOAD PLUGIN")
			for _, app := range presets.Applications() {
				fmt.Fprintf(w, "%s\t%s\t%s\n", app.Name, strings.Join(app.Directories, " "), app.Plugin.Name)
			}
			fmt.Fprintln(w, "\nPROVIDER\tREGIONS\tENDPOINT")
			for _, p := range presets.Providers() {
				ep := p.Endpoint
				if ep == "" {
					ep = "(give storage.endpoint, e.g. " + p.EndpointExample + ")"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\n", p.Name, strings.Join(p.Regions, " "), ep)
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

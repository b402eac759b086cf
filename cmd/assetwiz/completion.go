package main

import (
	"github.com/spf13/cobra"
)

// completionExamples are the examples of cobra's own completion command and its shells:
// where each shell looks for the script.
var completionExamples = map[string]string{
	"completion": `  assetwiz completion bash > /etc/bash_completion.d/assetwiz
  assetwiz completion zsh > "${fpath[1]}/_assetwiz"
  assetwiz completion fish > ~/.config/fish/completions/assetwiz.fish`,
	"bash": `  source <(assetwiz completion bash)                      # this shell only
  assetwiz completion bash > /etc/bash_completion.d/assetwiz # every new shell`,
	"zsh": `  assetwiz completion zsh > "${fpath[1]}/_assetwiz"   # then start a new shell
  echo 'autoload -U compinit; compinit' >> ~/.zshrc     # once, if completion is not on yet`,
	"fish": `  assetwiz completion fish | source                                   # this shell only
  assetwiz completion fish > ~/.config/fish/completions/assetwiz.fish # every new shell`,
	"powershell": `  assetwiz completion powershell | Out-String | Invoke-Expression`,
}

// addCompletionAndHelp makes cobra's completion and help commands now, rather than when the
// command runs, so that they have examples like every other command and appear in the man page.
func (a *app) addCompletionAndHelp(root *cobra.Command) {
	// The completion commands keep the output stream they are made with.
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			c.Example = "  assetwiz help plan\n  assetwiz help completion bash"
		case "completion":
			c.Example = completionExamples["completion"]
			// cobra would print the help and exit 0 for a shell it does not know.
			c.Args = cobra.ArbitraryArgs
			c.RunE = func(cmd *cobra.Command, args []string) error {
				if len(args) == 0 {
					return cmd.Help()
				}
				return badInput("no completion for shell %q: use bash, zsh, fish or powershell", args[0])
			}
			for _, shell := range c.Commands() {
				shell.Example = completionExamples[shell.Name()]
			}
		}
	}
}

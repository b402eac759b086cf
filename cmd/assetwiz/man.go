package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/assetwiz/assetwiz/presets"
)

func (a *app) manCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "man",
		Short: "Print the man page (roff), generated from the commands",
		Long: `Prints assetwiz(1), one page for every command, as roff on stdout. The release
packages install it; from a checkout, read it with man -l.`,
		Example: `  assetwiz man > assetwiz.1 && man -l assetwiz.1
  assetwiz man | gzip -9n > /usr/local/share/man/man1/assetwiz.1.gz`,
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return writeManPage(a.stdout, cmd.Root())
		},
	}
}

// writeManPage writes one man page for the whole command tree: the root's description,
// then a subsection per command (usage, description, flags, examples), then the contract's
// environment and exit codes. The date is the build date, so a release rebuilds it byte for byte.
func writeManPage(w io.Writer, root *cobra.Command) error {
	var b strings.Builder
	v, _, d := buildInfo()
	day := ""
	if len(d) >= 10 && d[4] == '-' {
		day = d[:10]
	}
	fmt.Fprintf(&b, ".TH ASSETWIZ 1 %q %q \"User Commands\"\n", day, "assetwiz "+v)
	b.WriteString(".SH NAME\n")
	fmt.Fprintf(&b, "assetwiz \\- %s\n", roffText(root.Short))
	b.WriteString(".SH SYNOPSIS\n")
	b.WriteString(".B assetwiz\n[\\fIcommand\\fR] [\\fIflags\\fR]\n")
	b.WriteString(".SH DESCRIPTION\n")
	b.WriteString(roffParagraphs(root.Long))

	b.WriteString(".SH OPTIONS\nThe flags of \\fBassetwiz\\fR itself (the wizard), besides the answer flags:\n")
	writeManFlags(&b, "", root.NonInheritedFlags(), notAnswerFlag)
	b.WriteString(".SH ANSWER FLAGS\n")
	b.WriteString(".PP\nEvery command that reads answers (the wizard, \\fBinit\\fR, \\fBplan\\fR, \\fBapply\\fR, " +
		"\\fBrender\\fR, \\fBverify\\fR) takes these; each gives one answer of the answers file and wins over it.\n")
	writeManFlags(&b, "", root.NonInheritedFlags(), isAnswerFlag)

	b.WriteString(".SH COMMANDS\n")
	for _, c := range manCommands(root)[1:] {
		fmt.Fprintf(&b, ".SS %s\n", roffText(c.UseLine()))
		desc := c.Long
		if desc == "" {
			desc = c.Short
		}
		b.WriteString(roffParagraphs(desc))
		if c.Flags().Lookup("answers") != nil {
			b.WriteString(".PP\nTakes the answer flags (see \\fBANSWER FLAGS\\fR).\n")
		}
		writeManFlags(&b, "Flags:", c.NonInheritedFlags(), notAnswerFlag)
		if c.Example != "" {
			b.WriteString(".PP\nExamples:\n")
			b.WriteString(roffExample(c.Example))
		}
	}

	b.WriteString(".SH EXAMPLES\n")
	b.WriteString(roffExample(root.Example))

	b.WriteString(manToolkits())

	b.WriteString(`.SH ENVIRONMENT
Secrets are read from the environment (or typed into the wizard), never from the answers file, and never printed.
.TP
.B S3_ACCESS_KEY\fR, \fBS3_SECRET_KEY
Object storage keys. Fallback: \fBAWS_ACCESS_KEY_ID\fR, \fBAWS_SECRET_ACCESS_KEY\fR; for aws also the standard AWS credential chain (\fBAWS_PROFILE\fR, ...).
.TP
.B CLOUDFLARE_API_TOKEN
Cloudflare API token (Zone read, and Cache Rules edit or Page Rules edit).
.TP
.B CLOUDFLARE_BASE_URL
The Cloudflare API base URL; default the public API.
.TP
.B AWS_ENDPOINT_URL_S3\fR, \fBAWS_ENDPOINT_URL_EFS
The AWS SDK's endpoint overrides.
.TP
.B ASSETWIZ_\fIKEY
An answer, by its answers-file key in capitals with _ for . (\fBASSETWIZ_MODE\fR, \fBASSETWIZ_STORAGE_PROVIDER\fR).
.TP
.B NO_COLOR
When set, nothing is printed in colour.
.TP
.B ACCESSIBLE\fR, \fBTERM=dumb
Plain line prompts in the wizard, for screen readers.
.SH FILES
.TP
.B assetwiz.yaml
The answers file read by default from the current folder (\fB\-f\fR \fIFILE\fR for another).
.TP
.B override.tmpl
The toolkit override file written by apply and render \fB\-o\fR; the previous content is kept as \fIFILE\fB.bak\fR.
Its exports go into \fB/root/Environment.env\fR on the toolkit's build machine, where every generation reads its overrides.
.SH EXIT STATUS
.TP
.B 0
Success (for \fBplan \-\-detailed\-exitcode\fR: success and no changes).
.TP
.B 1
A failure while talking to a provider or writing a file.
.TP
.B 2
\fBplan \-\-detailed\-exitcode\fR only: success, and the plan has changes.
.TP
.B 64
Bad input: unknown flag, invalid or missing answer, malformed answers file. Nothing was changed anywhere.
.TP
.B 130
Interrupted by the user (Ctrl-C, or quitting the wizard).
.SH SEE ALSO
.BR s3fs (1)
`)
	_, err := io.WriteString(w, b.String())
	return err
}

// manCommands is the root and every command below it, depth first, help left out.
func manCommands(root *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{root}
	for _, c := range root.Commands() {
		if c.Name() == "help" {
			continue
		}
		out = append(out, manCommands(c)...)
	}
	return out
}

func isAnswerFlag(f *pflag.Flag) bool {
	if f.Name == "answers" {
		return true
	}
	for _, af := range answerFlags {
		if af.flag == f.Name {
			return true
		}
	}
	return false
}

func notAnswerFlag(f *pflag.Flag) bool { return !isAnswerFlag(f) }

// writeManFlags writes the flags that keep, as a tagged list under title.
func writeManFlags(b *strings.Builder, title string, flags *pflag.FlagSet, keep func(*pflag.Flag) bool) {
	var some bool
	flags.VisitAll(func(f *pflag.Flag) {
		if f.Hidden || f.Name == "help" || !keep(f) {
			return
		}
		if !some && title != "" {
			fmt.Fprintf(b, ".PP\n%s\n", title)
		}
		some = true
		varname, usage := pflag.UnquoteUsage(f)
		b.WriteString(".TP\n")
		if f.Shorthand != "" {
			fmt.Fprintf(b, "\\fB\\-%s\\fR, ", roffText(f.Shorthand))
		}
		fmt.Fprintf(b, "\\fB\\-\\-%s\\fR", roffText(f.Name))
		if varname != "" {
			fmt.Fprintf(b, " \\fI%s\\fR", roffText(varname))
		}
		b.WriteString("\n" + roffLine(usage) + "\n")
	})
}

// roffText escapes text for use inside a roff line: backslashes and hyphens (so that
// flags copy and paste as ASCII '-').
func roffText(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "–", `\(en`) // groff reads only ASCII: the en dash of "2024–25"
	return strings.ReplaceAll(s, "-", `\-`)
}

// roffLine escapes a whole line: a leading dot or single quote would be read as a request.
func roffLine(s string) string {
	s = roffText(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

// roffParagraphs turns text with blank lines between paragraphs into .PP paragraphs;
// indented lines stay as they are written.
func roffParagraphs(s string) string {
	var b strings.Builder
	for _, para := range strings.Split(strings.TrimSpace(s), "\n\n") {
		b.WriteString(".PP\n")
		lines := strings.Split(para, "\n")
		if strings.HasPrefix(lines[0], " ") || strings.HasPrefix(lines[0], "\t") {
			b.WriteString(".nf\n")
			for _, l := range lines {
				b.WriteString(roffLine(strings.TrimPrefix(l, "\t")) + "\n")
			}
			b.WriteString(".fi\n")
			continue
		}
		for _, l := range lines {
			b.WriteString(roffLine(strings.TrimSpace(l)) + "\n")
		}
	}
	return b.String()
}

func roffExample(s string) string {
	var b strings.Builder
	b.WriteString(".PP\n.RS\n.nf\n")
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString(roffLine(strings.TrimPrefix(l, "  ")) + "\n")
	}
	b.WriteString(".fi\n.RE\n")
	return b.String()
}

// manToolkits is the TOOLKIT GENERATIONS section, from the presets.
func manToolkits() string {
	var b strings.Builder
	b.WriteString(".SH TOOLKIT GENERATIONS\n")
	b.WriteString("The answer \\fBtoolkit\\fR says which generation of the Agile Deployment Toolkit builds the site; they read different exports and name the asset buckets differently. " +
		"Without it, the generation is taken from the existing override file's exports, else \\fBcurrent\\fR, and the plan says which and why.\n")
	for _, t := range presets.Toolkits() {
		fmt.Fprintf(&b, ".TP\n.B %s\n%s. Persistence flag %s; mounts buckets with %s", t.Name, roffLine(t.Title), roffText(t.PersistExport), strings.Join(t.MountTools, ", "))
		if t.BuildChoice {
			b.WriteString("; writes BUILD_CHOICE and DATASTORE_CHOICE")
		}
		if t.EFS {
			b.WriteString("; AWS and EFS (ENABLE_EFS, SUBNET_ID)")
		}
		b.WriteString(".\n")
	}
	return b.String()
}

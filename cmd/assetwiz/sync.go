package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/provision/transfer"
	"github.com/assetwiz/assetwiz/steps"
	"github.com/assetwiz/assetwiz/tui/transferview"
)

// SyncOptions are sync's flags, parsed and checked.
type SyncOptions struct {
	app      *app
	Answers  answerOptions
	From     string // --from: the folder holding the directories
	Transfer transferOptions
}

// NewCmdSync is the sync command; runF, when given, runs instead of syncRun (for tests).
func NewCmdSync(a *app, runF func(*SyncOptions) error) *cobra.Command {
	opts := &SyncOptions{app: a}
	cmd := &cobra.Command{
		Use:   "sync --from DIR",
		Short: "Copy the uploads already on disk into the asset buckets",
		Long: `Copies each answered directory of DIR (the webroot, or a checkout of the baseline
repository) into its asset bucket, the same buckets apply makes: DIR/wp-content/uploads
into www-example-com-assets-wp-content-uploads, keys as the application reads them.

Files already in the bucket with the same size and MD5 are skipped, so a second run copies
nothing and an interrupted run resumes where it stopped. Nothing is ever deleted. A file
whose object in the bucket differs is reported as a conflict and left alone; --overwrite
replaces it. Symlinks are skipped unless --follow-symlinks, and a file whose real path is
outside DIR is never copied (the directory itself included), whatever links lead there.
Files the web server's user (--web-user, www-data) could not read are skipped unless
--include-private: the buckets are read by anyone. What was skipped is listed, and why.
Files that cannot be read, or that changed while being copied, are listed at the end and
the run exits 1; the rest is copied.

The bucket's listing is checked: keys must come in order. When they do not, each file is
checked on its own (HEAD) and a new file is written only if its key is still free
(If-None-Match), so a listing out of order never turns a conflict into an overwrite. Names
are compared in Unicode NFC, as rclone does; two names that differ only in that form are
both refused, naming each other.

Files of 100 MiB and more go in parts (multipart upload, 16 MiB parts); the server checks
the MD5 of every object or part. Ctrl-C stops cleanly: unfinished multipart uploads are aborted, nothing half-written
is left in the bucket.`,
		Example: `  assetwiz sync --from /var/www/html --dry-run   # what would be copied, and the conflicts
  assetwiz sync --from /var/www/html
  assetwiz sync --from ./baseline-checkout --json > sync.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.From == "" {
				return badInput("sync needs --from DIR: the webroot (such as /var/www/html) or a checkout of the baseline repository")
			}
			if st, err := os.Stat(a.path(opts.From)); err != nil || !st.IsDir() {
				return badInput("--from %s: not a folder; give the webroot or a checkout of the baseline repository", opts.From)
			}
			if err := checkTransferFlags(opts.Transfer); err != nil {
				return err
			}
			opts.Answers = answerOptionsOf(cmd.Flags())
			if runF != nil {
				return runF(opts)
			}
			return syncRun(opts)
		},
	}
	addAnswerFlags(cmd)
	f, copyOpt := cmd.Flags(), &opts.Transfer.Copy
	f.StringVar(&opts.From, "from", "", "the folder holding the directories: the webroot, or a checkout of the baseline repository")
	f.BoolVar(&copyOpt.FollowSymlinks, "follow-symlinks", false, "copy what symlinks point to when it is inside --from (default: skip symlinks; links leading out of --from are always skipped)")
	f.BoolVar(&copyOpt.IncludePrivate, "include-private", false, "also copy files the web server's user could not read (default: skip them, as they were not meant to be served)")
	f.StringVar(&copyOpt.WebUser, "web-user", "www-data", "the web server's user, for what it may read")
	addTransferFlags(cmd, &opts.Transfer)
	return cmd
}

func syncRun(opts *SyncOptions) error {
	a, from := opts.app, opts.From
	loaded, err := a.loadAnswers(opts.Answers)
	if err != nil {
		return err
	}
	ans := &loaded.Answers
	if !ans.MakesBuckets() {
		return badInput("technique: %s keeps the uploads without buckets; sync copies into the asset buckets of technique plugin or s3fs", ans.Technique)
	}
	if err := ans.KeysNotSet(steps.StorageKeys); err != nil {
		return badInput("%w", err)
	}
	var folders []transfer.Folder
	for _, b := range ans.Buckets() {
		path := filepath.Join(a.path(from), filepath.FromSlash(b.Directory))
		if st, err := os.Stat(path); err != nil || !st.IsDir() {
			a.note("%s: no such folder under %s, skipped", b.Directory, from)
			continue
		}
		folders = append(folders, transfer.Folder{Directory: b.Directory, Path: path, Bucket: b.Name, Root: a.path(from)})
	}
	if len(folders) == 0 {
		return badInput("--from %s: holds none of the directories (%s); give the webroot that holds them", from, strings.Join(ans.Directories, ", "))
	}
	client, err := buckets.NewClient(a.ctx, ans, a.env.Getenv)
	if err != nil {
		return failure(err)
	}
	t := opts.Transfer
	t.Copy.CacheDir = a.md5CacheDir()
	jobs := make([]transferJob, len(folders))
	for i, f := range folders {
		jobs[i] = transferJob{name: f.Directory, run: func(ctx context.Context, o transfer.Options) (*transfer.Summary, error) {
			return transfer.Sync(ctx, client, f, o)
		}}
	}
	return a.runTransfers("sync", jobs, t)
}

// transferOptions are the flags sync and backup share, parsed.
type transferOptions struct {
	// Copy holds --dry-run, --overwrite, --transfers (and sync's own --follow-symlinks,
	// --include-private, --web-user).
	Copy     transfer.Options
	JSON     bool   // --json
	Progress string // --progress: auto, plain or none
	// ready, when set, is a check every copy waits for before writing (backup's: no backup
	// bucket is public); when it fails nothing was written, and only its error is said.
	ready func() error
}

// addTransferFlags adds the flags sync and backup share.
func addTransferFlags(cmd *cobra.Command, t *transferOptions) {
	cmd.Flags().BoolVar(&t.Copy.DryRun, "dry-run", false, "compare and report what would be copied; copy nothing")
	cmd.Flags().BoolVar(&t.Copy.Overwrite, "overwrite", false, "replace objects that differ (default: report them as conflicts and leave them alone)")
	cmd.Flags().IntVar(&t.Copy.Workers, "transfers", transfer.DefaultWorkers, fmt.Sprintf("files copied at once, 1 to %d (the directories share them, at least one each)", maxTransfers))
	cmd.Flags().BoolVar(&t.JSON, "json", false, "print a JSON summary on stdout at the end")
	cmd.Flags().StringVar(&t.Progress, "progress", "auto", "progress on stderr: auto (a live view on a terminal, lines otherwise), plain (lines) or none")
}

// maxTransfers bounds --transfers: a transfer of backup or restore may hold an object of up to
// 1 MiB in memory, so a mistyped number must not take the machine's memory.
const maxTransfers = 1024

// checkTransferFlags refuses, before anything is read, a --progress or --transfers that sync
// and backup cannot use.
func checkTransferFlags(t transferOptions) error {
	if err := checkProgress(t.Progress); err != nil {
		return err
	}
	if t.Copy.Workers < 1 || t.Copy.Workers > maxTransfers {
		return badInput("--transfers %d: give how many files are copied at once, from 1 to %d (default %d)", t.Copy.Workers, maxTransfers, transfer.DefaultWorkers)
	}
	return nil
}

// md5CacheDir is where sync keeps the MD5s of the files it read (XDG's cache folder), ""
// when the environment names no home.
func (a *app) md5CacheDir() string {
	base := a.env.Getenv("XDG_CACHE_HOME")
	if base == "" {
		if home := a.env.Getenv("HOME"); home != "" {
			base = filepath.Join(home, ".cache")
		}
	}
	if base == "" {
		return ""
	}
	return filepath.Join(base, "assetwiz", "sync-md5")
}

// transferJob is one directory's (or bucket's) copy.
type transferJob struct {
	name string
	run  func(context.Context, transfer.Options) (*transfer.Summary, error)
}

// runTransfers runs the jobs side by side with the progress t asks for, then prints the
// summary (text, or JSON on stdout) and gives the exit code.
func (a *app) runTransfers(verb string, jobs []transferJob, t transferOptions) error {
	opt, asJSON, style := t.Copy, t.JSON, t.Progress
	ctx, cancel := context.WithCancel(a.ctx)
	defer cancel()
	opt.Progress = &transfer.Progress{}
	for _, j := range jobs {
		opt.Progress.Dir(j.name)
	}
	// The directories are copied side by side (their listings then overlap too), sharing
	// the transfers between them: never more at once than --transfers asks, but one for each
	// directory.
	if len(jobs) > 1 {
		opt.Workers = max(1, opt.Workers/len(jobs))
	}
	sums := make([]*transfer.Summary, len(jobs))
	errs := make([]error, len(jobs))
	var runErr error
	work := func() {
		var wg sync.WaitGroup
		for i, j := range jobs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sums[i], errs[i] = j.run(ctx, opt)
				if errs[i] == nil && (style == "plain" || (style == "auto" && !a.env.IsTerminal())) {
					a.printDone(verb, sums[i], opt.DryRun)
				}
			}()
		}
		wg.Wait()
		runErr = errors.Join(errs...)
		sums = slices.DeleteFunc(sums, func(s *transfer.Summary) bool { return s == nil })
	}
	if style == "auto" && a.env.IsTerminal() && !opt.DryRun {
		p := tea.NewProgram(transferview.New("Copying", opt.Progress, cancel), tea.WithInput(a.env.Stdin), tea.WithOutput(a.uiOutput()), tea.WithContext(a.ctx))
		finished := make(chan struct{})
		go func() { work(); close(finished); p.Send(transferview.DoneMsg{}) }()
		_, viewErr := p.Run()
		if viewErr != nil {
			cancel() // the view is gone (killed by Ctrl-C, or failed): stop the copy as well
		}
		<-finished
		if viewErr != nil && !errors.Is(viewErr, tea.ErrProgramKilled) && !errors.Is(viewErr, context.Canceled) {
			return failure(viewErr)
		}
	} else {
		work()
	}
	if t.ready != nil {
		if err := t.ready(); err != nil {
			return failure(err)
		}
	}

	out := io.Writer(a.stdout)
	if asJSON {
		out = a.stderr
		if err := writeTransferJSON(a.stdout, verb, opt.DryRun, runErr != nil, sums); err != nil {
			return failure(err)
		}
	}
	writeTransferText(out, verb, opt.DryRun, sums)
	if runErr != nil {
		if ctx.Err() != nil || errors.Is(runErr, context.Canceled) {
			fmt.Fprintf(a.stderr, "Interrupted: unfinished uploads were aborted, nothing half-written is left. Run assetwiz %s again to resume.\n", verb)
			return silentExit(exitInterrupted)
		}
		return failure(runErr)
	}
	var problems []string
	for _, s := range sums {
		if s.Error != "" {
			problems = append(problems, s.Error)
		}
		for _, i := range s.Unreadable {
			problems = append(problems, filepath.Join(s.From, filepath.FromSlash(i.Key))+": "+i.Reason)
		}
		for _, i := range s.Failed {
			problems = append(problems, s.To+"/"+i.Key+": "+i.Reason)
		}
	}
	if len(problems) > 0 {
		return failure(fmt.Errorf("%s not copied:\n  %s", plural(len(problems), "file or folder"), strings.Join(problems, "\n  ")))
	}
	return nil
}

// printDone is the plain progress line of a finished directory.
func (a *app) printDone(verb string, s *transfer.Summary, dry bool) {
	what := "copied"
	if dry {
		what = "to copy"
	}
	fmt.Fprintf(a.stderr, "%s %s %s: %s %s (%s), %d already there, %s\n", time.Now().UTC().Format("15:04:05"), verb,
		s.To, plural(int(s.Copied), "file"), what, humanize.Bytes(uint64(s.CopiedBytes)), s.Same, plural(len(s.Conflicts), "conflict"))
}

// writeTransferText is the summary in the plan's style: per directory, what is copied (+),
// already there (=), in conflict (!), and what could not be read (x).
// maxListed is how many skipped links, or files a dry run would copy, the text names;
// --json names every one.
const maxListed = 20

func writeTransferText(w io.Writer, verb string, dry bool, sums []*transfer.Summary) {
	var files, bytes, same, conflicts int64
	copied := "copied"
	if dry {
		copied = "to copy"
	}
	for _, s := range sums {
		fmt.Fprintf(w, "%s → %s\n", s.From, s.To)
		if s.Error != "" {
			fmt.Fprintf(w, "  x %s\n", s.Error)
		}
		fmt.Fprintf(w, "  + %s %s (%s)", plural(int(s.Copied), "file"), copied, humanize.Bytes(uint64(s.CopiedBytes)))
		if s.Overwritten > 0 {
			fmt.Fprintf(w, ", %d of them replacing what differed", s.Overwritten)
		}
		if len(s.ToCopy) > 0 {
			fmt.Fprint(w, ":")
			for i, name := range s.ToCopy {
				if i == maxListed {
					fmt.Fprintf(w, "\n      … and %d more (--json lists them all)", len(s.ToCopy)-maxListed)
					break
				}
				fmt.Fprintf(w, "\n      %s", name)
			}
		}
		fmt.Fprintf(w, "\n  = %d already there\n", s.Same)
		if len(s.Conflicts) > 0 {
			fmt.Fprintf(w, "  ! %s left alone (--overwrite replaces them):\n", plural(len(s.Conflicts), "conflict"))
			for _, c := range s.Conflicts {
				fmt.Fprintf(w, "      %s: %s\n", c.Key, c.Reason)
			}
		}
		for _, i := range s.Unreadable {
			fmt.Fprintf(w, "  x %s: %s\n", i.Key, i.Reason)
		}
		for _, i := range s.Failed {
			fmt.Fprintf(w, "  x %s: %s\n", i.Key, i.Reason)
		}
		if len(s.Symlinks) > 0 {
			fmt.Fprintf(w, "  - %s skipped (--follow-symlinks copies what they point to, inside --from):\n", plural(len(s.Symlinks), "symlink"))
			for i, l := range s.Symlinks {
				if i == maxListed {
					fmt.Fprintf(w, "      … and %d more (--json lists them all)\n", len(s.Symlinks)-maxListed)
					break
				}
				fmt.Fprintf(w, "      %s\n", l)
			}
		}
		for _, i := range s.Skipped {
			fmt.Fprintf(w, "  - %s skipped: %s\n", i.Key, i.Reason)
		}
		for _, m := range s.Warnings {
			fmt.Fprintf(w, "  ! %s\n", m)
		}
		files, bytes, same, conflicts = files+s.Copied, bytes+s.CopiedBytes, same+s.Same, conflicts+int64(len(s.Conflicts))
	}
	title := strings.ToUpper(verb[:1]) + verb[1:]
	if dry {
		title = title + " (dry run)"
	}
	fmt.Fprintf(w, "%s: %s %s (%s), %d already there, %s.\n", title, plural(int(files), "file"), copied, humanize.Bytes(uint64(bytes)), same, plural(int(conflicts), "conflict"))
}

func writeTransferJSON(w io.Writer, verb string, dry, interrupted bool, sums []*transfer.Summary) error {
	type totals struct {
		Files       int64 `json:"files"`
		Copied      int64 `json:"copied"`
		CopiedBytes int64 `json:"copied_bytes"`
		Same        int64 `json:"same"`
		Conflicts   int   `json:"conflicts"`
		Problems    int   `json:"problems"`
	}
	out := struct {
		FormatVersion string              `json:"format_version"`
		Command       string              `json:"command"`
		DryRun        bool                `json:"dry_run"`
		Interrupted   bool                `json:"interrupted"`
		Directories   []*transfer.Summary `json:"directories"`
		Totals        totals              `json:"totals"`
	}{FormatVersion: "1", Command: verb, DryRun: dry, Interrupted: interrupted, Directories: []*transfer.Summary{}}
	for _, s := range sums {
		out.Directories = append(out.Directories, s)
		out.Totals.Files += s.Files
		out.Totals.Copied += s.Copied
		out.Totals.CopiedBytes += s.CopiedBytes
		out.Totals.Same += s.Same
		out.Totals.Conflicts += len(s.Conflicts)
		out.Totals.Problems += s.Problems()
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

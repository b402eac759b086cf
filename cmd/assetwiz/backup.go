package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/assetwiz/assetwiz/provision/backup"
	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/provision/transfer"
	"github.com/assetwiz/assetwiz/steps"
)

// BackupOptions are backup's flags, parsed and checked.
type BackupOptions struct {
	app      *app
	Answers  answerOptions
	Restore  bool // --restore: from the backup buckets into the asset buckets
	Versions bool // --versions: every version, not only the current objects
	Transfer transferOptions
}

// NewCmdBackup is the backup command; runF, when given, runs instead of backupRun (for tests).
func NewCmdBackup(a *app, runF func(*BackupOptions) error) *cobra.Command {
	opts := &BackupOptions{app: a}
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "Copy every asset bucket to its backup bucket (or back, with --restore)",
		Long: `Once the uploads are offloaded, the asset buckets hold the only copy of them: versioning
protects against an overwrite, not against losing the account, the bucket or the provider.
backup copies every asset bucket into its backup bucket at the target the answers name
(backup.provider, backup.region, backup.endpoint, backup.bucket_suffix; keys from
BACKUP_S3_ACCESS_KEY and BACKUP_S3_SECRET_KEY). apply makes the backup buckets (versioned,
never public) and writes a cron line and a systemd timer that run backup daily.

Each run copies only what changed since the last (size and MD5 compared); an object changed
in the asset bucket replaces the backup's, whose older copy stays as a version. --versions
copies every version, not only the current objects. Nothing is ever deleted but a version
this run wrote that failed its check (below). At the end a marker in each backup bucket
(.assetwiz/last-backup.json) records the run; verify reports it.

--restore copies the other way, from the backup buckets into the asset buckets: objects
missing there (deleted ones included: a delete marker on top) are copied back; an object
that differs from the backup's newest copy (newer, or equal to an older version) is reported
as a conflict and left alone, with --versions too, unless --overwrite.

--versions is incremental for every object: a multipart object another tool wrote (no MD5)
is known by its size, ETag and version id, recorded on its copy. Every body read is bounded
by the listed size and a time; listings out of key order are detected and not trusted.
Every object whose bytes go through assetwiz is checked against the source's MD5 by the
provider: with Content-MD5, which it checks before it stores anything, or, for an object of
1 MiB or more streamed from one provider into a versioned bucket at another, by the ETag it
answers (a version that differs is deleted, so what was there is current again, and the
object goes again with Content-MD5).`,
		Example: `  assetwiz backup
  assetwiz backup --versions --json
  assetwiz backup --restore --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkTransferFlags(opts.Transfer); err != nil {
				return err
			}
			opts.Answers = answerOptionsOf(cmd.Flags())
			if runF != nil {
				return runF(opts)
			}
			return backupRun(opts)
		},
	}
	addAnswerFlags(cmd)
	cmd.Flags().BoolVar(&opts.Restore, "restore", false, "copy from the backup buckets back into the asset buckets (never deleting; conflicts reported)")
	cmd.Flags().BoolVar(&opts.Versions, "versions", false, "copy every version of every object, not only the current ones")
	addTransferFlags(cmd, &opts.Transfer)
	cmd.Flags().Lookup("overwrite").Usage = "with --restore: replace objects of the asset buckets that differ from the backup (default: report them as conflicts)"
	return cmd
}

func backupRun(opts *BackupOptions) error {
	a, restore, versions := opts.app, opts.Restore, opts.Versions
	loaded, err := a.loadAnswers(opts.Answers)
	if err != nil {
		return err
	}
	ans := &loaded.Answers
	if !ans.HasBackup() {
		return badInput("backup.provider: not answered; add a backup target to the answers file (backup.provider, backup.region, backup.endpoint), then run assetwiz apply to make its buckets")
	}
	// Both pairs of keys are named at once when both are missing.
	if err := errors.Join(ans.KeysNotSet(steps.StorageKeys), ans.KeysNotSet(steps.BackupKeys)); err != nil {
		return badInput("%w", err)
	}
	backupClient, err := a.backupClient(ans)
	if err != nil {
		return err
	}
	assetClient, err := buckets.NewClient(a.ctx, ans, a.env.Getenv)
	if err != nil {
		return failure(err)
	}
	t := opts.Transfer
	if !restore {
		// Uploads are never copied into a bucket open to everyone: its access is read while
		// the buckets are listed, and the copies wait for it before they write anything.
		open := make(chan []string, 1)
		go func() { open <- backup.Public(a.ctx, backupClient, ans) }()
		t.ready = sync.OnceValue(func() error {
			if o := <-open; len(o) > 0 {
				return fmt.Errorf("nothing was copied: %s", strings.Join(o, "; "))
			}
			return nil
		})
	}
	if !restore {
		// The backup buckets are ours and versioned: a changed upload replaces the backup's copy, which stays as a version.
		t.Copy.Overwrite = true
	}
	verb := "backup"
	if restore {
		verb = "restore"
	}
	var jobs []transferJob
	for _, bb := range ans.BackupBuckets() {
		pair := transfer.Buckets{Name: bb.Asset.Directory, From: assetClient, FromBucket: bb.Asset.Name, To: backupClient, ToBucket: bb.Name, Ready: t.ready}
		if restore {
			pair = transfer.Buckets{Name: bb.Asset.Directory, From: backupClient, FromBucket: bb.Name, To: assetClient, ToBucket: bb.Asset.Name, Restore: true}
		}
		jobs = append(jobs, transferJob{name: bb.Asset.Directory, run: func(ctx context.Context, o transfer.Options) (*transfer.Summary, error) {
			s, err := transfer.Copy(ctx, pair, o, versions)
			if err == nil && !restore && !o.DryRun && s.Problems() == 0 {
				m := transfer.Marker{Finished: time.Now().UTC(), From: pair.FromBucket, Objects: s.Files, Bytes: s.Bytes, Versions: versions}
				if werr := transfer.WriteMarker(ctx, backupClient, pair.ToBucket, m); werr != nil {
					s.Error = "bucket " + pair.ToBucket + ": the last-backup marker could not be written: " + werr.Error()
				}
			}
			return s, err
		}})
	}
	return a.runTransfers(verb, jobs, t)
}

package backup

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/dustin/go-humanize/english"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/provision/transfer"
	"github.com/assetwiz/assetwiz/steps"
)

// Verify checks each backup bucket: it exists, is versioned, is not public, and when the
// last backup finished (read from its marker). No backup finished yet is said, and holds:
// apply makes the buckets before the first backup runs. Nothing without a backup target.
func (b Backend) Verify(ctx context.Context, a *steps.Answers) []provision.Check {
	if b.Client == nil || !a.HasBackup() || len(a.Buckets()) == 0 {
		return nil
	}
	var out []provision.Check
	for _, bb := range a.BackupBuckets() {
		what := "backup bucket " + bb.Name
		exists, versioned, err := state(ctx, b.Client, bb.Name)
		switch {
		case err != nil:
			out = append(out, provision.Fail(what, "%w", err))
			continue
		case !exists:
			out = append(out, provision.Fail(what, "missing; run assetwiz apply to create it"))
			continue
		}
		var held []string
		fails := len(out)
		if versioned {
			held = append(held, "exists, versioned")
		} else {
			held = append(held, "exists")
			out = append(out, provision.Fail(what, "versioning is not enabled, and a backup run must never lose an older copy; run assetwiz apply"))
		}
		grants, err := buckets.PublicAccess(ctx, b.Client, bb.Name)
		if err != nil {
			out = append(out, provision.Fail(what, "cannot tell whether it is public: %w", err))
		}
		for _, g := range grants {
			out = append(out, provision.Fail(what, "public: %s, and a backup bucket is never public; run assetwiz apply to make it private", g.What))
		}
		if err == nil && len(grants) == 0 {
			held = append(held, "not public")
		}
		m, found, err := transfer.ReadMarker(ctx, b.Client, bb.Name)
		switch {
		case err != nil:
			out = append(out, provision.Check{Err: err})
		case !found:
			held = append(held, "no backup has finished yet; run assetwiz backup")
		default:
			held = append(held, fmt.Sprintf("last backup finished %s (%s), %s %s, %s",
				m.Finished.UTC().Format(time.RFC3339), humanize.Time(m.Finished), humanize.Comma(m.Objects),
				english.PluralWord(int(m.Objects), "object", ""), humanize.Bytes(uint64(m.Bytes))))
		}
		// What held comes first, then what did not, as for the asset buckets.
		out = append(out[:fails], append([]provision.Check{{What: what, Detail: strings.Join(held, ", ")}}, out[fails:]...)...)
	}
	return out
}

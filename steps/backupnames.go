package steps

import "fmt"

// backupNameClashes is a message (for backup.bucket_suffix) for each backup bucket named as
// an asset bucket, as directories images and images-backup make: it would be backed up into
// itself, and be the asset bucket (public for the plugin) and a backup (never public) at once.
func backupNameClashes(a *Answers) []string {
	asset := map[string]string{} // asset bucket name → its directory
	for _, b := range a.Buckets() {
		asset[b.Name] = b.Directory
	}
	var out []string
	for _, bb := range a.BackupBuckets() {
		if dir, ok := asset[bb.Name]; ok {
			out = append(out, fmt.Sprintf("makes the backup bucket of directory %s (%s) the same bucket as the asset bucket of directory %s (%s); use another suffix, or rename a directory",
				bb.Asset.Directory, bb.Name, dir, bb.Name))
		}
	}
	return out
}

package override

import (
	"fmt"
	"slices"
	"strings"

	"github.com/assetwiz/assetwiz/steps"
)

// The current toolkit names a directory's bucket twice on each web server
// (wintersys-projects adt-webserver-scripts, main @ae64d595). SetupAssetsStore.sh:128 names
// the bucket it mounts with every step, '_'→'-' last: assetwiz's name. Before mounting, it
// runs MountDatastore.sh "asset" "local" <directory> (:130), whose own name (MountDatastore.sh:68)
// lacks that last step, and PerformDatastoreMount.sh:57-63 makes that bucket with
// `rclone mkdir` when it is missing or empty. SetupAssetsStore.sh runs at the build (ws.sh:200)
// and from cron every minute (cron/InitialiseCron.sh:96). So a directory with '_' gets a
// second, empty bucket wherever the provider accepts '_' in a name (versitygw, like AWS,
// refuses it: the script logs the error). The build machine's InitialiseAssetDatastore.sh:41
// also names the bucket its own way (no '/'→'-', no '_'→'-'), but passes MountDatastore.sh
// no mode, so that script (adt-build-machine-scripts @1171dd1a, MountDatastore.sh:109-119)
// makes nothing.

// StrayBucket is a bucket the toolkit tries to make beside the one it mounts.
type StrayBucket struct {
	Directory string
	Name      string
	Mounted   string // the bucket the web servers mount: assetwiz's
}

// StrayScript is where the current toolkit tries the stray bucket.
const StrayScript = "adt-webserver-scripts providerscripts/datastore/operations/MountDatastore.sh:68, then PerformDatastoreMount.sh:63"

// StrayBuckets are the buckets the current toolkit will try to make for the answers'
// directories beside the ones it mounts, in the directories' order; none for other
// generations, or when the toolkit mounts nothing (persistence flag 0).
func StrayBuckets(a *steps.Answers) []StrayBucket {
	if a.Toolkit != steps.ToolkitCurrent || !a.Offloaded() {
		return nil
	}
	mounted := map[string]bool{}
	for _, b := range a.Buckets() {
		mounted[b.Name] = true
	}
	var out []StrayBucket
	for _, b := range a.Buckets() {
		name := webServerMountDatastoreBucket(a.WebsiteURL, b.Directory)
		if !mounted[name] && !slices.ContainsFunc(out, func(s StrayBucket) bool { return s.Name == name }) {
			out = append(out, StrayBucket{Directory: b.Directory, Name: name, Mounted: b.Name})
		}
	}
	return out
}

// webServerMountDatastoreBucket is MountDatastore.sh:68's name:
// sed -e 's/\./-/g' -e 's;/;-;g' -e 's/--/-/g' of "<website_url>-assets-<directory>".
func webServerMountDatastoreBucket(websiteURL, directory string) string {
	s := websiteURL + "-assets-" + directory
	s = strings.ReplaceAll(s, ".", "-")
	s = strings.ReplaceAll(s, "/", "-")
	return strings.ReplaceAll(s, "--", "-") // sed's g: left to right, one pass, like ReplaceAll
}

// String is the plan's warning for the stray bucket.
func (s StrayBucket) String() string {
	return fmt.Sprintf("directories: %s: the current toolkit's web servers will also try to make bucket %s (%s: its name keeps the '_' that the mounted bucket's name turns into '-'), besides %s, the bucket they mount, which assetwiz makes; a provider that accepts '_' in a bucket name gets that empty stray bucket: ignore it or delete it (the snippets' README.txt says so)",
		s.Directory, s.Name, StrayScript, s.Mounted)
}

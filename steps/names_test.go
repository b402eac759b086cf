package steps

import (
	"strings"
	"testing"
)

// The toolkit's own bucket-name expressions, transcribed by hand (the toolkit is GPL-3.0, so
// its code is not copied here). The names below were computed by running these expressions
// in bash on the toolkit's repositories at the commits of adt-toolkit.md §0:
//
//   - current: adt-webserver-scripts providerscripts/datastore/assets/SetupAssetsStore.sh:128
//     echo "${WEBSITE_URL}-assets-${directory}" | sed -e 's/\./-/g' -e 's;/;-;g' -e 's/--/-/g' -e 's/_/-/g'
//   - classic: adt-webserver-scripts.new providerscripts/datastore/SetupAssetsStore.sh:79,83,95
//     the dotted directory's '.' → '/', then '/' → '-'; echo "${WEBSITE_URL}"-assets | sed 's/\./-/g', then "-" and it
//   - original: agile-infrastructure-webserver-scripts providerscripts/datastore/SetupAssetsStore.sh:60,64,109
//     echo ${WEBSITE_URL} | awk -F'.' '{print each label}' | cut -c1-3 | tr '\n' '-' | sed 's/-//g', then "-" and the directory
//     (the EFS creation token is the same string: agile-infrastructure-build-client-scripts
//     providerscripts/server/ProvisionElasticFS.sh:70-72)
var toolkitNames = []struct {
	url, dir                   string
	current, classic, original string
}{
	// the presets
	{"www.example.com", "images", "www-example-com-assets-images", "www-example-com-assets-images", "wwwexacom-images"},
	{"www.example.com", "wp-content/uploads", "www-example-com-assets-wp-content-uploads", "www-example-com-assets-wp-content-uploads", "wwwexacom-wp-content-uploads"},
	{"www.example.com", "sites/default/files/pictures", "www-example-com-assets-sites-default-files-pictures", "www-example-com-assets-sites-default-files-pictures", "wwwexacom-sites-default-files-pictures"},
	{"www.example.com", "sites/default/files/styles", "www-example-com-assets-sites-default-files-styles", "www-example-com-assets-sites-default-files-styles", "wwwexacom-sites-default-files-styles"},
	{"www.example.com", "sites/default/files/inline-images", "www-example-com-assets-sites-default-files-inline-images", "www-example-com-assets-sites-default-files-inline-images", "wwwexacom-sites-default-files-inline-images"},
	{"www.example.com", "moodledata/filedir", "www-example-com-assets-moodledata-filedir", "www-example-com-assets-moodledata-filedir", "wwwexacom-moodledata-filedir"},
	{"www.nuocial.org.uk", "wp-content/uploads", "www-nuocial-org-uk-assets-wp-content-uploads", "www-nuocial-org-uk-assets-wp-content-uploads", "wwwnuoorguk-wp-content-uploads"},
	// tricky directories
	{"www.example.com", "Media/Big_Files", "www-example-com-assets-Media-Big-Files", "www-example-com-assets-Media-Big_Files", "wwwexacom-Media-Big_Files"},
	{"www.example.com", "cache_x", "www-example-com-assets-cache-x", "www-example-com-assets-cache_x", "wwwexacom-cache_x"},
	{"www.example.com", "a_-b", "www-example-com-assets-a--b", "www-example-com-assets-a_-b", "wwwexacom-a_-b"},
	{"www.example.com", "x___y", "www-example-com-assets-x---y", "www-example-com-assets-x___y", "wwwexacom-x___y"},
	{"www.example.com", "my-files_2", "www-example-com-assets-my-files-2", "www-example-com-assets-my-files_2", "wwwexacom-my-files_2"},
	{"www.example.com", "a---b", "www-example-com-assets-a--b", "www-example-com-assets-a---b", "wwwexacom-a---b"},
	// the original toolkit's sed also drops the '-' inside a label's first three characters
	{"www.my-site.co.uk", "images", "www-my-site-co-uk-assets-images", "www-my-site-co-uk-assets-images", "wwwmycouk-images"},
}

func TestToolkitBucketNamesAreTheToolkits(t *testing.T) {
	t.Parallel()
	for _, c := range toolkitNames {
		for toolkit, want := range map[string]string{ToolkitCurrent: c.current, ToolkitClassic: c.classic, ToolkitOriginal: c.original} {
			if got := ToolkitBucketName(toolkit, c.url, c.dir); got != want {
				t.Errorf("%s: %s + %s = %s, the toolkit mounts %s", toolkit, c.url, c.dir, got, want)
			}
		}
	}
}

// A directory whose toolkit name cannot be a bucket is bad input naming the directory and
// the name the toolkit would use; the others are accepted under that very name.
func TestToolkitNamesThatCannotBeBucketsAreBadInput(t *testing.T) {
	t.Parallel()
	bad := map[string][]string{ // generation → tricky directories it cannot take
		ToolkitCurrent:  {"Media/Big_Files"},
		ToolkitClassic:  {"Media/Big_Files", "cache_x", "a_-b", "x___y", "my-files_2"},
		ToolkitOriginal: {"Media/Big_Files", "cache_x", "a_-b", "x___y", "my-files_2"},
	}
	for toolkit, refused := range bad {
		for _, c := range toolkitNames {
			if c.url != "www.example.com" {
				continue
			}
			a := Answers{Toolkit: toolkit, Mode: ModeTemporal, Application: "joomla", WebsiteURL: c.url,
				Directories: []string{c.dir}, Technique: TechniquePlugin, Storage: Storage{Provider: "digitalocean"}}
			a.Complete()
			ps := a.Validate()
			want := ToolkitBucketName(toolkit, c.url, c.dir)
			if !contains(refused, c.dir) {
				if len(ps) > 0 {
					t.Errorf("%s %s: refused: %v", toolkit, c.dir, ps)
				} else if got := a.Buckets()[0].Name; got != want {
					t.Errorf("%s %s: bucket %s, toolkit mounts %s", toolkit, c.dir, got, want)
				}
				continue
			}
			if len(ps) != 1 || ps[0].Key != "directories[0]" || !strings.Contains(ps[0].Message, c.dir) || !strings.Contains(ps[0].Message, want) {
				t.Errorf("%s %s: want one problem on directories[0] naming %q and %s, got %v", toolkit, c.dir, c.dir, want, ps)
			}
		}
	}
}

// The mount tool is the generation's own unless answered, and is never stored as a default,
// so changing the generation or the technique leaves no stale tool behind.
func TestMountToolFollowsTheGeneration(t *testing.T) {
	t.Parallel()
	for tk, want := range map[string]string{ToolkitCurrent: "rclone", ToolkitClassic: "s3fs", ToolkitOriginal: "s3fs"} {
		a := Answers{Toolkit: tk, Mode: ModeTemporal, Application: "joomla", WebsiteURL: "www.example.com", Storage: Storage{Provider: "digitalocean"}}
		a.Complete()
		if ps := a.Validate(); len(ps) > 0 || a.MountTool != "" || a.MountToolUsed() != want {
			t.Errorf("%s: mount tool %q, used %q, problems %v; want none stored, %s used", tk, a.MountTool, a.MountToolUsed(), ps, want)
		}
	}
	a := Answers{Toolkit: ToolkitClassic, Mode: ModeTemporal, Application: "joomla", WebsiteURL: "www.example.com", MountTool: "rclone", Storage: Storage{Provider: "digitalocean"}}
	a.Complete()
	if ps := a.Validate(); len(ps) != 1 || ps[0].Key != "mount_tool" || !strings.Contains(ps[0].Message, "s3fs, goofys") {
		t.Errorf("rclone with classic: %v, want one problem on mount_tool naming s3fs, goofys", ps)
	}
	a.MountTool, a.Technique = "s3fs", TechniquePlugin
	if ps := a.Validate(); len(ps) != 1 || ps[0].Key != "mount_tool" {
		t.Errorf("mount_tool with plugin: %v, want one problem on mount_tool", ps)
	}
}

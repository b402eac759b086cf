package presets

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestApplicationsHaveTheToolkitDefaults(t *testing.T) {
	t.Parallel()
	want := map[string][]string{
		"joomla":    {"images"},
		"wordpress": {"wp-content/uploads"},
		"drupal":    {"sites/default/files/pictures", "sites/default/files/styles", "sites/default/files/inline-images"},
		"moodle":    {"moodledata/filedir"},
	}
	if got := Names(Applications()); len(got) != len(want) {
		t.Fatalf("applications = %v, want the %d of the contract", got, len(want))
	}
	for name, dirs := range want {
		app, ok := FindApplication(name)
		if !ok {
			t.Fatalf("application %s missing", name)
		}
		if !slices.Equal(app.Directories, dirs) {
			t.Errorf("%s directories = %v, want %v", name, app.Directories, dirs)
		}
		if app.Plugin.Name == "" {
			t.Errorf("%s has no offload plugin", name)
		}
	}
}

func TestProvidersAreComplete(t *testing.T) {
	t.Parallel()
	host := regexp.MustCompile(`^[a-z0-9.{}-]+$`)
	for _, name := range []string{"aws", "digitalocean", "linode", "vultr", "exoscale", "wasabi", "backblaze", "r2", "scaleway", "custom"} {
		p, ok := FindProvider(name)
		if !ok {
			t.Errorf("provider %s missing", name)
			continue
		}
		if len(p.Regions) == 0 {
			t.Errorf("%s has no regions", name)
		}
		if p.Endpoint != "" && !host.MatchString(p.Endpoint) {
			t.Errorf("%s endpoint pattern %q is not a host", name, p.Endpoint)
		}
		if p.BucketName.Min < 3 || p.BucketName.Max > 63 || p.BucketName.Min > p.BucketName.Max {
			t.Errorf("%s bucket name limits %+v out of S3's 3..63", name, p.BucketName)
		}
	}
	do, _ := FindProvider("digitalocean")
	if got := do.EndpointFor("ams3"); got != "ams3.digitaloceanspaces.com" {
		t.Errorf("digitalocean ams3 endpoint = %q", got)
	}
	// The classic toolkit knows exactly these DATASTORE_CHOICE values.
	classic := map[string]string{"aws": "amazonS3", "digitalocean": "digitalocean", "exoscale": "exoscale", "linode": "linode", "vultr": "vultr"}
	for _, p := range Providers() {
		if p.DatastoreChoice != classic[p.Name] {
			t.Errorf("%s datastore_choice = %q, want %q", p.Name, p.DatastoreChoice, classic[p.Name])
		}
	}
}

// The toolkit facts, transcribed by hand from the toolkit's own files (toolkits.yaml and
// adt-toolkit.md §0.1 give file:line), held against the embedded data.
func TestToolkits(t *testing.T) {
	t.Parallel()
	if got := Names(Toolkits()); !slices.Equal(got, []string{"current", "classic", "original"}) {
		t.Fatalf("toolkits = %v, want current (the default, first), classic, original", got)
	}
	type facts struct {
		persist, sep, bucketName, mountTool    string
		buildChoice, efs, aws, eu, defaultDirs bool
		datastore                              map[string]string
		knowsLondon                            bool // gb-lon-1.linodeobjects.com: G3 lists it, G2 does not
	}
	want := map[string]facts{
		// adt-build-machine-scripts: quick_specification.dat:27, buildstyles.dat:218
		"current": {persist: "PERSIST_ASSETS_TO_DATASTORE", sep: "/", bucketName: "current", mountTool: "rclone", knowsLondon: true},
		// adt-build-machine-scripts.orig: quick_specification.dat:25,26,62; buildstylesscp.dat:85
		"classic": {persist: "PERSIST_ASSETS_TO_CLOUD", sep: ".", bucketName: "classic", mountTool: "s3fs", buildChoice: true,
			datastore: map[string]string{"digitalocean": "digitalocean", "exoscale": "exoscale", "linode": "linode", "vultr": "vultr"}},
		// agile-infrastructure-build-client-scripts: templates/aws/aws3.tmpl:5,7,13,79,109-110
		"original": {persist: "PERSIST_ASSETS_TO_CLOUD", sep: ".", bucketName: "original", mountTool: "s3fs", buildChoice: true, efs: true, aws: true, eu: true, defaultDirs: true,
			datastore: map[string]string{"aws": "amazonS3", "digitalocean": "digitalocean", "exoscale": "exoscale", "linode": "linode", "vultr": "vultr"}},
	}
	for name, w := range want {
		tk, ok := FindToolkit(name)
		if !ok {
			t.Fatalf("toolkit %s missing", name)
		}
		if tk.PersistExport != w.persist || tk.DirectorySeparator != w.sep || tk.BucketName != w.bucketName || tk.DefaultMountTool() != w.mountTool {
			t.Errorf("%s: persist %s sep %q names %s mount %s; want %+v", name, tk.PersistExport, tk.DirectorySeparator, tk.BucketName, tk.DefaultMountTool(), w)
		}
		if tk.BuildChoice != w.buildChoice || tk.EFS != w.efs || tk.AWS != w.aws || tk.S3LocationEU != w.eu || tk.DefaultDirectoriesOnly != w.defaultDirs {
			t.Errorf("%s: build_choice %v efs %v aws %v eu %v default dirs %v; want %+v", name, tk.BuildChoice, tk.EFS, tk.AWS, tk.S3LocationEU, tk.DefaultDirectoriesOnly, w)
		}
		if len(tk.DatastoreChoice) != len(w.datastore) {
			t.Errorf("%s: datastore_choice %v, want %v", name, tk.DatastoreChoice, w.datastore)
		}
		for p, v := range w.datastore {
			if tk.DatastoreChoice[p] != v {
				t.Errorf("%s: DATASTORE_CHOICE for %s = %q, want %q", name, p, tk.DatastoreChoice[p], v)
			}
		}
		if got := tk.KnowsHostBase("gb-lon-1.linodeobjects.com"); got != w.knowsLondon {
			t.Errorf("%s knows gb-lon-1: %v, want %v", name, got, w.knowsLondon)
		}
		if tk.KnowsHostBase("s3.eu-west-1.amazonaws.com") || tk.KnowsHostBase("sos-bg-sof-1.exo.io") {
			t.Errorf("%s: no validator lists AWS hosts or sos-bg-sof-1.exo.io (the list has it without .exo.io)", name)
		}
		if tk.Overrides == "" || !strings.Contains(tk.Overrides, "/root/Environment.env") {
			t.Errorf("%s: overrides = %q, want where the build machine reads them", name, tk.Overrides)
		}
	}
}

// A provider's virtual-host form is its endpoint with the bucket in front (the CDN host's
// origin, issue 28); the path-style-only ones are those without a fixed endpoint.
func TestVirtualHostIsTheBucketBeforeTheEndpoint(t *testing.T) {
	t.Parallel()
	for _, p := range Providers() {
		switch {
		case p.VirtualHost == "" && p.Endpoint != "":
			t.Errorf("%s: an endpoint but no virtual_host", p.Name)
		case p.VirtualHost != "" && p.VirtualHostFor("b", "r1") != "b."+p.EndpointFor("r1"):
			t.Errorf("%s: virtual host %q is not the bucket before the endpoint %q", p.Name, p.VirtualHostFor("b", "r1"), p.EndpointFor("r1"))
		}
	}
}

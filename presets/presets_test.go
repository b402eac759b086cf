package presets

import (
	"regexp"
	"slices"
	"testing"
)

func TestApplicationsHaveTheToolkitDefaults(t *testing.T) {
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

func TestToolkits(t *testing.T) {
	c, ok1 := FindToolkit("classic")
	cur, ok2 := FindToolkit("current")
	if !ok1 || !ok2 {
		t.Fatal("classic and current toolkits must exist")
	}
	if c.PersistExport != "PERSIST_ASSETS_TO_CLOUD" || cur.PersistExport != "PERSIST_ASSETS_TO_DATASTORE" {
		t.Errorf("persist exports: %s / %s", c.PersistExport, cur.PersistExport)
	}
	if c.DirectorySeparator != "." || cur.DirectorySeparator != "/" {
		t.Errorf("separators: %q / %q", c.DirectorySeparator, cur.DirectorySeparator)
	}
	if !c.EFS || cur.EFS || !c.DatastoreChoice || cur.DatastoreChoice {
		t.Errorf("classic must have EFS and DATASTORE_CHOICE, current neither")
	}
}

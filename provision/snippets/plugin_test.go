package snippets

import (
	"strings"
	"testing"

	"github.com/assetwiz/assetwiz/presets"
)

// TestEndpointOverrideInEveryPluginSnippet: a preset provider whose storage.endpoint replaces
// its own endpoint gets plugin settings that point at that endpoint, for every application,
// and never at the preset's endpoint (where the buckets are not). WordPress goes through its
// Amazon S3 provider and the must-use plugin: its own DigitalOcean provider always builds
// https://<region>.digitaloceanspaces.com.
func TestEndpointOverrideInEveryPluginSnippet(t *testing.T) {
	t.Parallel()
	const gateway = "s3.gateway.example.net"
	for _, p := range presets.Providers() {
		region := p.DefaultRegion()
		own := p.EndpointFor(region)
		if own == "" {
			continue // no endpoint of its own: storage.endpoint is the only one (custom, r2)
		}
		for _, app := range []string{"wordpress", "drupal", "moodle", "joomla"} {
			t.Run(p.Name+"-"+app, func(t *testing.T) {
				set := Files(answers("plugin", app, p.Name, region, "https://"+gateway, true, ""))
				all := render(set)
				if strings.Contains(all, own) {
					t.Errorf("the snippets name %s, the preset's endpoint, not storage.endpoint %s:\n%s", own, gateway, all)
				}
				for _, f := range set.Files {
					if f.Name == PluginREADME {
						continue
					}
					if !strings.Contains(f.Content, gateway) && f.Name != WordPressConfig {
						t.Errorf("%s does not point at storage.endpoint %s:\n%s", f.Name, gateway, f.Content)
					}
				}
				if app != "wordpress" {
					return
				}
				files := map[string]string{}
				for _, f := range set.Files {
					files[f.Name] = f.Content
				}
				if !strings.Contains(files[WordPressConfig], "'provider' => 'aws'") {
					t.Errorf("%s: want the plugin's Amazon S3 provider, pointed at the endpoint:\n%s", WordPressConfig, files[WordPressConfig])
				}
				if !strings.Contains(files[WordPressEndpointMU], "$args['endpoint'] = 'https://"+gateway+"';") ||
					!strings.Contains(files[WordPressEndpointMU], "$args['use_path_style_endpoint'] = true;") {
					t.Errorf("%s does not point the client at https://%s, path-style:\n%s", WordPressEndpointMU, gateway, files[WordPressEndpointMU])
				}
				if !strings.Contains(files[PluginREADME], "Copy mu-plugins/assetwiz-offload-endpoint.php") {
					t.Errorf("%s does not say to copy the must-use plugin:\n%s", PluginREADME, files[PluginREADME])
				}
			})
		}
	}
}

// TestPresetEndpointsKeepTheirOwnWay: without storage.endpoint, AWS and DigitalOcean use the
// plugin's own providers; the endpoint written the same as the preset's (scheme, case, a
// trailing slash) is no override.
func TestPresetEndpointsKeepTheirOwnWay(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ provider, region, endpoint, want string }{
		{"aws", "eu-west-1", "", "aws"},
		{"digitalocean", "fra1", "", "do"},
		{"digitalocean", "fra1", "https://FRA1.digitaloceanspaces.com/", "do"},
		{"digitalocean", "fra1", "fra1.digitaloceanspaces.com", "do"},
		{"digitalocean", "fra1", "ams3.digitaloceanspaces.com", "aws"},
		{"linode", "gb-lon-1", "", "aws"},
	} {
		a := answers("plugin", "wordpress", c.provider, c.region, c.endpoint, true, "")
		if got := wordpressProvider(a); got != c.want {
			t.Errorf("%s %s endpoint %q: plugin provider %q, want %q", c.provider, c.region, c.endpoint, got, c.want)
		}
		_, mu := fileNamed(Files(a), WordPressEndpointMU)
		if wantMU := c.want == "do" || c.provider != "aws"; mu != wantMU {
			t.Errorf("%s %s endpoint %q: must-use plugin written: %v, want %v", c.provider, c.region, c.endpoint, mu, wantMU)
		}
	}
}

// TestRegionCacheForEveryRegionRequiredProvider: the must-use plugin answers the plugin's
// bucket-region cache with the bucket's region wherever the plugin's provider requires a
// region (its DigitalOcean provider), and only there.
func TestRegionCacheForEveryRegionRequiredProvider(t *testing.T) {
	t.Parallel()
	for _, p := range presets.Providers() {
		region, endpoint := p.DefaultRegion(), ""
		if p.EndpointFor(region) == "" {
			endpoint = "https://s3.example.net"
		}
		a := answers("plugin", "wordpress", p.Name, region, endpoint, true, "")
		mu, _ := fileNamed(Files(a), WordPressEndpointMU)
		_, required := wordpressRegionRequired[wordpressProvider(a)]
		line := "array( '" + a.Buckets()[0].Name + "' => '" + region + "' )"
		if has := strings.Contains(mu, "add_filter( 'pre_site_transient_as3cf_regions_cache'") && strings.Contains(mu, line); has != required {
			t.Errorf("%s: region cache answered: %v, want %v (plugin provider %s):\n%s", p.Name, has, required, wordpressProvider(a), mu)
		}
	}
}

func fileNamed(set Set, name string) (string, bool) {
	for _, f := range set.Files {
		if f.Name == name {
			return f.Content, true
		}
	}
	return "", false
}

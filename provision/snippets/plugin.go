package snippets

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/assetwiz/assetwiz/presets"
	"github.com/assetwiz/assetwiz/steps"
)

// Snippet names of the plugin technique, under output.snippets_dir. Only the application's
// own are written.
const (
	PluginREADME          = "plugin/README.txt"
	WordPressConfig       = "plugin/wp-config-offload-media.php"
	WordPressEndpointMU   = "plugin/mu-plugins/assetwiz-offload-endpoint.php"
	DrupalSettings        = "plugin/settings-s3fs.php"
	MoodleConfig          = "plugin/config-objectfs.php"
	JoomlaChecklist       = "plugin/joomla-checklist.txt"
	pluginKeysFromEnvNote = "The keys are read from the environment (S3_ACCESS_KEY, S3_SECRET_KEY): README.txt says how PHP gets them."
)

// The plugin versions the settings' keys were checked against, in the plugins' public
// source and documentation.
const (
	WordPressChecked = "WP Offload Media Lite 3.2.11 (deliciousbrains/wp-amazon-s3-and-cloudfront at its 3.2.11 release: classes/amazon-s3-and-cloudfront.php, classes/providers/storage/*-provider.php; run end to end with WordPress 6.1)"
	DrupalChecked    = "S3 File System (s3fs) 8.x-3.x (config/schema/s3fs.schema.yml, src/S3fsService.php, README.txt)"
	MoodleChecked    = "tool_objectfs (catalyst/moodle-tool_objectfs: classes/local/store/s3/client.php, the version with s3_base_url and key_prefix)"
	JoomlaChecked    = "no public source of the extension's settings was found: the checklist names the settings every S3 offload extension asks for"
)

// pluginTarget is what the plugin settings are filled with.
type pluginTarget struct {
	app      presets.Application
	bucket   steps.Bucket
	provider presets.Provider
	region   string
	host     string // endpoint host[:port]
	https    bool
	endpoint string // scheme://host[:port]
	// ownEndpoint: the settings must name the endpoint (every provider but AWS at its own
	// endpoint, and any provider whose storage.endpoint overrides the preset's).
	ownEndpoint bool
	pathStyle   bool // bucket in the path, not the host name
}

// presetEndpoint reports whether the answers' endpoint is the provider's own for the region,
// not one that storage.endpoint put in its place.
func presetEndpoint(a *steps.Answers) bool { return a.PresetEndpoint() }

// endpointOverridden reports whether storage.endpoint replaces a preset provider's own endpoint.
func endpointOverridden(a *steps.Answers) bool { return a.EndpointOverridden() }

func pluginFiles(a *steps.Answers) Set {
	var set Set
	buckets := a.Buckets()
	app, ok := presets.FindApplication(a.Application)
	if len(buckets) == 0 || !ok {
		return set
	}
	prov, _ := presets.FindProvider(a.Storage.Provider)
	t := pluginTarget{app: app, bucket: buckets[0], provider: prov, region: a.Storage.Region, host: a.HostBase(), https: true}
	if u, err := url.Parse(a.EndpointURL()); err == nil && u.Scheme == "http" {
		t.https = false
	}
	t.endpoint = S3fsURL(a)
	t.ownEndpoint = a.Storage.Provider != "aws" || !presetEndpoint(a)
	t.pathStyle = t.ownEndpoint && (prov.PathStyle || prov.Name == "" || !presetEndpoint(a))
	if len(buckets) > 1 {
		var others []string
		for _, b := range buckets[1:] {
			others = append(others, b.Name)
		}
		set.Warnings = append(set.Warnings, fmt.Sprintf("%s keeps every upload in one bucket: its settings name %s (for /%s); the other buckets (%s) are made but the plugin does not use them",
			app.Plugin.Name, t.bucket.Name, t.bucket.Directory, strings.Join(others, ", ")))
	}
	set.Files = append(set.Files, File{Name: PluginREADME, Mode: PublicMode, Content: pluginREADME(a, t), What: app.Plugin.Name + ": where to paste the settings"})
	switch app.Name {
	case "wordpress":
		set.Files = append(set.Files, File{Name: WordPressConfig, Mode: PublicMode, Content: wordpressConfig(a, t), What: "WP Offload Media settings for wp-config.php"})
		if mu := wordpressMU(a, t); len(mu) > 0 {
			set.Files = append(set.Files, File{Name: WordPressEndpointMU, Mode: PublicMode, Content: wordpressMUFile(t, mu), What: "WP Offload Media filters for " + t.host + " (must-use plugin)"})
		}
	case "drupal":
		set.Files = append(set.Files, File{Name: DrupalSettings, Mode: PublicMode, Content: drupalSettings(a, t), What: "s3fs module settings for settings.php"})
	case "moodle":
		set.Files = append(set.Files, File{Name: MoodleConfig, Mode: PublicMode, Content: moodleConfig(a, t), What: "tool_objectfs settings for config.php"})
		if t.ownEndpoint {
			set.Warnings = append(set.Warnings, "tool_objectfs addresses buckets by host name (bucket."+t.host+"); the version checked has no path-style setting, so the provider must accept virtual-host addressing")
		}
	case "joomla":
		set.Files = append(set.Files, File{Name: JoomlaChecklist, Mode: PublicMode, Content: joomlaChecklist(a, t), What: "checklist for the Joomla offload extension"})
	}
	return set
}

// cdnNote says what the CDN lines are for; indent starts its continuation line.
func cdnNote(a *steps.Answers, indent string) string {
	if a.CDN.Provider == steps.CDNCloudflare {
		return fmt.Sprintf("the Cloudflare cache rules assetwiz makes cover https://%s/<directory>/ only; to deliver\n%s// from a CDN host in front of the bucket (a proxied CNAME), set it here", a.WebsiteURL, indent)
	}
	return "to deliver from a CDN host in front of the bucket, set it here"
}

func drupalSettings(a *steps.Answers, t pluginTarget) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<?php\n// assetwiz: S3 File System (s3fs module) settings for %s: bucket %s (%s %s).\n", a.WebsiteURL, t.bucket.Name, a.Storage.Provider, t.region)
	b.WriteString("// Append to sites/default/settings.php.\n")
	fmt.Fprintf(&b, "// Keys checked against %s.\n", DrupalChecked)
	b.WriteString("// " + pluginKeysFromEnvNote + "\n")
	b.WriteString("$settings['s3fs.access_key'] = getenv('S3_ACCESS_KEY');\n")
	b.WriteString("$settings['s3fs.secret_key'] = getenv('S3_SECRET_KEY');\n")
	set := func(k, v string) { fmt.Fprintf(&b, "$config['s3fs.settings']['%s'] = %s;\n", k, v) }
	set("bucket", quotePHP(t.bucket.Name))
	set("region", quotePHP(t.region))
	if t.ownEndpoint {
		b.WriteString("// The provider's endpoint: hostname without scheme; use_https picks https.\n")
		set("use_customhost", "TRUE")
		set("hostname", quotePHP(t.host))
	}
	set("use_https", strings.ToUpper(phpBool(t.https)))
	if t.pathStyle {
		set("use_path_style_endpoint", "TRUE")
	}
	b.WriteString("// public:// (uploads, image styles) in the bucket, under its s3fs-public/ folder.\n")
	b.WriteString("$settings['s3fs.use_s3_for_public'] = TRUE;\n")
	b.WriteString("// Twig's compiled templates stay on local disk (the module's advice).\n")
	b.WriteString("$settings['php_storage']['twig']['directory'] = '../storage/php';\n")
	b.WriteString(drupalDelivery(a))
	return b.String()
}

func moodleConfig(a *steps.Answers, t pluginTarget) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<?php\n// assetwiz: Object storage file system (tool_objectfs) settings for %s: bucket %s (%s %s).\n", a.WebsiteURL, t.bucket.Name, a.Storage.Provider, t.region)
	b.WriteString("// Paste into config.php, above the line require_once(__DIR__ . '/lib/setup.php');\n")
	fmt.Fprintf(&b, "// Keys checked against %s.\n", MoodleChecked)
	b.WriteString("// " + pluginKeysFromEnvNote + "\n")
	b.WriteString("// Needs the local_aws plugin (the AWS SDK) beside tool_objectfs.\n")
	b.WriteString("$CFG->alternative_file_system_class = '\\tool_objectfs\\s3_file_system';\n")
	b.WriteString("$CFG->forced_plugin_settings['tool_objectfs'] = [\n")
	kv := func(k, v string) { fmt.Fprintf(&b, "    '%s' => %s,\n", k, v) }
	kv("filesystem", "'\\tool_objectfs\\s3_file_system'")
	kv("s3_key", "getenv('S3_ACCESS_KEY')")
	kv("s3_secret", "getenv('S3_SECRET_KEY')")
	kv("s3_bucket", quotePHP(t.bucket.Name))
	kv("s3_region", quotePHP(t.region))
	if t.ownEndpoint {
		kv("s3_base_url", quotePHP(t.endpoint))
	}
	b.WriteString("    // Objects keyed as in moodledata/filedir (ab/cd/<contenthash>), at the bucket's root.\n")
	kv("key_prefix", "''")
	b.WriteString("];\n")
	b.WriteString(moodleDelivery(a))
	return b.String()
}

func joomlaChecklist(a *steps.Answers, t pluginTarget) string {
	var b strings.Builder
	fmt.Fprintf(&b, "assetwiz: settings for the Joomla offload extension (%s) of %s\n\n", t.app.Plugin.Name, a.WebsiteURL)
	fmt.Fprintf(&b, "Checked against: %s.\n\n", JoomlaChecked)
	b.WriteString("In the extension's settings (System > Plugins, or its component's Options), fill in:\n\n")
	row := func(k, v string) { fmt.Fprintf(&b, "  [ ] %-28s %s\n", k, v) }
	row("Access key", "the value of S3_ACCESS_KEY (not written here)")
	row("Secret key", "the value of S3_SECRET_KEY (not written here)")
	row("Bucket", t.bucket.Name)
	row("Region", t.region)
	if t.ownEndpoint {
		row("Endpoint / custom host", t.endpoint)
		if t.pathStyle {
			row("Path-style requests", "on")
		}
	}
	row("Folder / prefix", "empty (keys as in /"+t.bucket.Directory+")")
	row("Use HTTPS", map[bool]string{true: "on", false: "off"}[t.https])
	row("CDN / custom domain", joomlaDelivery(a))
	b.WriteString("\nThen upload a test image through Media and check it appears in the bucket.\n")
	return b.String()
}

func pluginREADME(a *steps.Answers, t pluginTarget) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s settings for %s, written by assetwiz\n\n", t.app.Plugin.Name, a.WebsiteURL)
	fmt.Fprintf(&b, "The application writes uploads to bucket %s (%s, region %s, %s)\nthrough %s: %s\n\n",
		t.bucket.Name, a.Storage.Provider, t.region, t.endpoint, t.app.Plugin.Name, t.app.Plugin.URL)
	b.WriteString("Install the plugin on the site, then on EVERY web server:\n\n")
	switch t.app.Name {
	case "wordpress":
		b.WriteString("1. Paste wp-config-offload-media.php (without its first line, <?php) into wp-config.php,\n   above the line that starts \"/* That's all, stop editing!\".\n")
		if len(wordpressMU(a, t)) > 0 {
			b.WriteString("2. Copy mu-plugins/assetwiz-offload-endpoint.php to wp-content/mu-plugins/ (make the\n   folder if it is missing).\n")
		}
	case "drupal":
		b.WriteString("1. Append settings-s3fs.php (without its first line, <?php) to sites/default/settings.php.\n")
		b.WriteString("2. drush s3fs:copy-local to move the existing files, then drush s3fs:refresh-cache.\n")
	case "moodle":
		b.WriteString("1. Paste config-objectfs.php (without its first line, <?php) into config.php, above the\n   require_once of lib/setup.php.\n")
		b.WriteString("2. Enable the scheduled tasks of tool_objectfs: they move files to the bucket.\n")
	case "joomla":
		b.WriteString("1. Fill in the extension's settings as joomla-checklist.txt lists them.\n")
	}
	b.WriteString(`
The keys are not in these files. PHP reads them from the environment, S3_ACCESS_KEY and
S3_SECRET_KEY; give them to PHP-FPM in a pool file that only root can read, e.g.
/etc/php/<version>/fpm/pool.d/zz-assetwiz-keys.conf, mode 0600:
    [www]
    env[S3_ACCESS_KEY] = <the access key>
    env[S3_SECRET_KEY] = <the secret key>
and to the command-line jobs (cron, wp-cli, drush, Moodle's admin/cli) in their environment.
(Apache with mod_php: SetEnv in a root-only file included by the site's configuration.)
`)
	return b.String()
}

func quotePHP(s string) string {
	return "'" + phpQuoted.Replace(s) + "'"
}

var phpQuoted = strings.NewReplacer(`\`, `\\`, `'`, `\'`)

func phpBool(v bool) string {
	if v {
		return "true"
	}
	return "false"
}

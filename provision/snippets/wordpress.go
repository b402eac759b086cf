package snippets

import (
	"fmt"
	"strings"

	"github.com/assetwiz/assetwiz/steps"
)

// The WordPress snippets of the plugin technique: WP Offload Media's settings for wp-config.php
// (AS3CF_SETTINGS) and, where the settings alone are not enough, a must-use plugin of filters.
// Both are lists (wordpressSettings, wordpressMU), so that a setting or a filter is one entry.

// wordpressProvider is WP Offload Media's provider key: its own for AWS and DigitalOcean at
// their own endpoints; else its Amazon S3 provider, pointed at the endpoint by the must-use
// plugin (the plugin's DigitalOcean provider always builds https://<region>.digitaloceanspaces.com,
// so an endpoint that storage.endpoint overrides goes the Amazon S3 way too).
func wordpressProvider(a *steps.Answers) string {
	if a.Storage.Provider == "digitalocean" && presetEndpoint(a) {
		return "do"
	}
	return "aws"
}

// wordpressViaEndpoint reports whether the plugin's Amazon S3 provider is pointed at the
// answers' endpoint by the must-use plugin.
func wordpressViaEndpoint(a *steps.Answers, t pluginTarget) bool {
	return wordpressProvider(a) == "aws" && t.ownEndpoint
}

// wordpressRegionRequired: the plugin's providers that require a region (their
// $region_required), with where 3.2.11 says so.
var wordpressRegionRequired = map[string]string{
	"do": "classes/providers/storage/digitalocean-provider.php:105",
}

// wpSetting is one key of AS3CF_SETTINGS: its PHP value, the comment lines above it and the
// comment at the end of its line.
type wpSetting struct {
	key, value string
	above      []string
	after      string
}

// wordpressSettings are the plugin's settings for the answers, in the file's order.
func wordpressSettings(a *steps.Answers, t pluginTarget) []wpSetting {
	s := []wpSetting{
		{key: "provider", value: quotePHP(wordpressProvider(a))},
		{key: "access-key-id", value: "getenv( 'S3_ACCESS_KEY' )"},
		{key: "secret-access-key", value: "getenv( 'S3_SECRET_KEY' )"},
		{key: "bucket", value: quotePHP(t.bucket.Name)},
		{key: "region", value: quotePHP(t.region)},
		{key: "copy-to-s3", value: "true"},
		{key: "enable-object-prefix", value: "false", above: []string{
			"Object keys as in the upload folder (2024/01/photo.jpg), the layout of the toolkit's",
			"s3fs mount of the same bucket; bucket versioning keeps old copies instead.",
		}},
		{key: "use-yearmonth-folders", value: "true"},
		{key: "object-versioning", value: "false"},
		{key: "delivery-provider", value: quotePHP(wordpressDeliveryProvider(a))},
		{key: "serve-from-s3", value: "true"},
		{key: "force-https", value: phpBool(t.https || a.CDNHost() != "")},
		{key: "remove-local-file", value: "false"},
	}
	if !t.https && a.CDNHost() == "" {
		// use_ssl() (amazon-s3-and-cloudfront.php:1677-1680) turns https on for an https page
		// whatever the setting says.
		s[11].after = "the endpoint is http, but false does not keep links on http: on a page served over https the plugin links with https all the same (use_ssl())"
	}
	return s
}

// wordpressConfig is the file to paste into wp-config.php.
func wordpressConfig(a *steps.Answers, t pluginTarget) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<?php\n// assetwiz: WP Offload Media settings for %s: bucket %s (%s %s).\n", a.WebsiteURL, t.bucket.Name, a.Storage.Provider, t.region)
	b.WriteString("// Paste into wp-config.php, above the line that starts \"/* That's all, stop editing!\".\n")
	fmt.Fprintf(&b, "// Keys checked against %s.\n", WordPressChecked)
	b.WriteString("// " + pluginKeysFromEnvNote + "\n")
	if wordpressViaEndpoint(a, t) {
		switch {
		case endpointOverridden(a):
			fmt.Fprintf(&b, "// storage.endpoint %s is not %s's own endpoint: the plugin's Amazon S3 provider is\n// pointed at it by mu-plugins/assetwiz-offload-endpoint.php.\n", t.endpoint, t.provider.Title)
		case !presetEndpoint(a):
			fmt.Fprintf(&b, "// The plugin's Amazon S3 provider is pointed at storage.endpoint %s by\n// mu-plugins/assetwiz-offload-endpoint.php.\n", t.endpoint)
		default:
			fmt.Fprintf(&b, "// The plugin has no provider of its own for %s: its Amazon S3 provider is pointed at\n// %s by mu-plugins/assetwiz-offload-endpoint.php.\n", t.provider.Title, t.endpoint)
		}
	}
	b.WriteString("define( 'AS3CF_SETTINGS', serialize( array(\n")
	for _, s := range wordpressSettings(a, t) {
		for _, line := range s.above {
			b.WriteString("\t// " + line + "\n")
		}
		fmt.Fprintf(&b, "\t'%s' => %s,", s.key, s.value)
		if s.after != "" {
			b.WriteString(" // " + s.after)
		}
		b.WriteString("\n")
	}
	b.WriteString(wordpressDelivery(a))
	b.WriteString(") ) );\n")
	return b.String()
}

// muSection is one part of the must-use plugin: why it is there (comment lines) and its PHP.
type muSection struct {
	why  []string
	code string
}

// wordpressMU are the must-use plugin's sections for the answers; none: no must-use plugin.
func wordpressMU(a *steps.Answers, t pluginTarget) []muSection {
	var out []muSection
	if wordpressViaEndpoint(a, t) {
		out = append(out,
			muSection{
				why: []string{fmt.Sprintf("The plugin's Amazon S3 provider talks to %s (%s).", t.endpoint, t.provider.Title)},
				code: "add_filter( 'as3cf_aws_s3_client_args', function ( $args ) {\n" +
					fmt.Sprintf("\t$args['endpoint'] = %s;\n", quotePHP(t.endpoint)) +
					fmt.Sprintf("\t$args['region'] = %s;\n", quotePHP(t.region)) +
					fmt.Sprintf("\t$args['use_path_style_endpoint'] = %s;\n", phpBool(t.pathStyle)) +
					"\treturn $args;\n} );\n",
			},
			muSection{
				why: []string{"Let the settings page accept the provider's region."},
				code: "add_filter( 'as3cf_aws_get_regions', function ( $regions ) {\n" +
					fmt.Sprintf("\t$regions[%s] = %s;\n", quotePHP(t.region), quotePHP(t.provider.Title+" "+t.region)) +
					"\treturn $regions;\n} );\n",
			},
			muSection{
				why: []string{"Links to the uploads: the endpoint with the bucket in the path."},
				code: "add_filter( 'as3cf_aws_s3_url_domain', function ( $domain, $bucket ) {\n" +
					fmt.Sprintf("\treturn %s . $bucket;\n}, 10, 2 );\n", quotePHP(t.host+"/")),
			})
	}
	if where, ok := wordpressRegionRequired[wordpressProvider(a)]; ok {
		out = append(out, muSection{
			why: []string{
				fmt.Sprintf("The plugin's %s provider requires a region", t.provider.Title),
				fmt.Sprintf("(%s). On the first request after these settings", where),
				"name a new bucket, bucket_changed() drops the region (classes/amazon-s3-and-cloudfront.php:",
				"249, 1148-1166); get_setting('region') then asks get_bucket_region() (1068-1075, 1978-1997),",
				"whose client asks get_setting('region') again (1938-1940): a recursion that ends only when",
				"PHP runs out of memory, so the site fails to load. Answering the plugin's bucket-region",
				"cache with the bucket's region stops it. (A closure, not fn: the plugin runs on PHP 7.2.)",
			},
			code: "add_filter( 'pre_site_transient_as3cf_regions_cache', function ( $regions ) {\n" +
				fmt.Sprintf("\treturn array_merge( is_array( $regions ) ? $regions : array(), array( %s => %s ) );\n", quotePHP(t.bucket.Name), quotePHP(t.region)) +
				"} );\n",
		})
	}
	return out
}

// wordpressMUFile is the must-use plugin made of its sections.
func wordpressMUFile(t pluginTarget, sections []muSection) string {
	var b strings.Builder
	b.WriteString("<?php\n/*\n * Plugin Name: assetwiz settings for WP Offload Media\n")
	fmt.Fprintf(&b, " * Description: What WP Offload Media needs beyond its settings to use bucket %s (%s).\n */\n", t.bucket.Name, t.provider.Title)
	b.WriteString("// assetwiz: copy to wp-content/mu-plugins/assetwiz-offload-endpoint.php (must-use plugins load\n// without being activated).\n")
	fmt.Fprintf(&b, "// Filters checked against %s.\n", WordPressChecked)
	for _, s := range sections {
		for _, line := range s.why {
			b.WriteString("// " + line + "\n")
		}
		b.WriteString(s.code)
	}
	return b.String()
}

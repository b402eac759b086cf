package snippets

import (
	"fmt"

	"github.com/assetwiz/assetwiz/steps"
)

// The delivery settings of each plugin: with a CDN host in front of the bucket (cdn.host,
// technique plugin with Cloudflare), the plugin links uploads to https://<cdn.host>/<key>;
// without one, to the bucket itself. Kept apart from plugin.go so each plugin's storage
// settings and its delivery settings change independently.

// wordpressDeliveryProvider is WP Offload Media's delivery provider key. With a CDN host:
// "cloudflare" where the plugin supports it for the storage provider in use (its
// classes/providers/delivery/cloudflare.php lists only 'aws', with "TODO: Add 'do' after
// testing"), else "other" (classes/providers/delivery/other.php: any storage). Both allow a
// delivery domain; "storage" (the bucket's own URLs) does not (storage.php:
// $delivery_domain_allowed = false), so item.php's get_url ignores delivery-domain with it.
func wordpressDeliveryProvider(a *steps.Answers) string {
	switch {
	case a.CDNHost() == "":
		return "storage"
	case wordpressProvider(a) == "aws":
		return "cloudflare"
	}
	return "other"
}

// wordpressDelivery is the CDN part of AS3CF_SETTINGS (keys checked against WP Offload Media
// Lite 3.2.11: classes/items/item.php get_url reads enable-delivery-domain and
// delivery-domain; force-https makes the scheme https, amazon-s3-and-cloudfront.php use_ssl).
func wordpressDelivery(a *steps.Answers) string {
	host := a.CDNHost()
	if host == "" {
		return fmt.Sprintf("\t// CDN: %s:\n", cdnNote(a, "\t")) +
			"\t// 'delivery-provider' => 'other',\n\t// 'enable-delivery-domain' => true,\n\t// 'delivery-domain' => 'cdn.example.com',\n"
	}
	return fmt.Sprintf("\t// CDN: uploads are linked to https://%s/, the Cloudflare host assetwiz points at the bucket\n", host) +
		"\t// (a proxied CNAME, an origin rule and a cache rule); delivery-provider above is the plugin's\n" +
		"\t// Cloudflare (or custom domain) delivery, which allows a delivery domain.\n" +
		"\t'enable-delivery-domain' => true,\n" +
		fmt.Sprintf("\t'delivery-domain' => %s,\n", quotePHP(host))
}

// drupalDelivery is the s3fs module's CNAME settings (use_cname, domain: s3fs.schema.yml;
// links become https://<domain>/<key>, the key keeping its s3fs-public/ folder).
func drupalDelivery(a *steps.Answers) string {
	host := a.CDNHost()
	if host == "" {
		return fmt.Sprintf("// CDN: %s:\n", cdnNote(a, "")) +
			"// $config['s3fs.settings']['use_cname'] = TRUE;\n// $config['s3fs.settings']['domain'] = 'cdn.example.com';\n"
	}
	return fmt.Sprintf("// CDN: files are linked to https://%s/, the Cloudflare host assetwiz points at the bucket.\n", host) +
		"$config['s3fs.settings']['use_cname'] = TRUE;\n" +
		fmt.Sprintf("$config['s3fs.settings']['domain'] = %s;\n", quotePHP(host))
}

// moodleDelivery is an honest note: tool_objectfs has no custom-domain delivery for S3.
func moodleDelivery(a *steps.Answers) string {
	if host := a.CDNHost(); host != "" {
		return fmt.Sprintf("// CDN: tool_objectfs has no custom-domain setting for S3: Moodle serves files itself\n"+
			"// (pluginfile.php), or through pre-signed URLs (CloudFront only). The CDN host %s that\n"+
			"// assetwiz makes is not used by Moodle.\n", host)
	}
	return "// CDN: tool_objectfs delivers through pre-signed URLs or CloudFront only; the Cloudflare rules\n// of assetwiz do not apply to it.\n"
}

// joomlaDelivery is the checklist's CDN row.
func joomlaDelivery(a *steps.Answers) string {
	if host := a.CDNHost(); host != "" {
		return "https://" + host + "/ (the Cloudflare host assetwiz points at the bucket)"
	}
	return "empty, unless a CDN host is in front of the bucket"
}

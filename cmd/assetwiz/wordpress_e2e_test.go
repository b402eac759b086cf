package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/presets"
	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
	"github.com/assetwiz/assetwiz/provision/cloudflare/cloudflaretest"
	"github.com/assetwiz/assetwiz/provision/snippets"
)

// The real WP Offload Media, as ../shared/plugins/README.md describes it.
const (
	offloadMediaTarball = "amazon-s3-and-cloudfront-3.2.11.tar.gz"
	offloadMediaSHA256  = "e0238975b46fb206650591c8925ecd6495a1a9381908c1987fa7aa25923b898e"
	// EnvOffloadMedia names the tarball where ../shared/plugins/ is not beside the project.
	envOffloadMedia = "ASSETWIZ_WP_OFFLOAD_MEDIA"
	debianWordPress = "/usr/share/wordpress"
)

// TestWordPressOffloadMediaEndToEnd proves the plugin technique with the real thing: Debian's
// WordPress 6.1 on a MariaDB started for the test, the real WP Offload Media Lite 3.2.11, set
// up only with the snippets `assetwiz apply` writes, pasted as their README.txt says. For each
// provider, the first request after the paste loads (DigitalOcean's used to recurse until PHP
// ran out of memory), and an image uploaded with media_handle_sideload lands in assetwiz's
// bucket with its five generated sizes, byte for byte, with no prefix; the attachment URL is
// the provider's and an anonymous GET of it serves the upload; the plugin itself reports the
// upload offloaded to that bucket. A preset provider's endpoint is routed to the loopback
// server by a test-only must-use plugin through the plugin's own client-args filters, which
// also record the endpoint the plugin would have used: the preset's. With storage.endpoint
// the answers' endpoint is the loopback server itself and nothing is routed.
//
// With cdn.provider cloudflare (the Cloudflare double, an Enterprise zone), the attachment URL
// is on the CDN host, the double holds the proxied record, the origin rule and the cache rule
// for it, and the test plays Cloudflare's edge with the double's own values: a request to the
// loopback server (the record's target) with the origin rule's Host header, the bucket's
// virtual host, and the URL's path serves the upload, with CORS for the site's pages. The
// plugin's uploads there are routed virtual-host style too, as DigitalOcean's client sends them.
func TestWordPressOffloadMediaEndToEnd(t *testing.T) {
	t.Parallel()
	tarball := findOffloadMedia(t)
	php := needWordPress(t)
	socket := startMariaDB(t)
	photo := testPhoto(t)

	cases := []struct {
		name, provider, region string
		ownEndpoint            bool // storage.endpoint is the loopback server: nothing routed
		pluginProvider         string
		cdn                    bool // cdn.provider cloudflare: a CDN host in front of the bucket
	}{
		{name: "digitalocean", provider: "digitalocean", region: "fra1", pluginProvider: "do"},
		{name: "linode", provider: "linode", region: "gb-lon-1", pluginProvider: "aws"},
		{name: "vultr", provider: "vultr", region: "ams1", pluginProvider: "aws"},
		{name: "custom", provider: "custom", region: s3test.Region, ownEndpoint: true, pluginProvider: "aws"},
		{name: "digitalocean-endpoint", provider: "digitalocean", region: "ams3", ownEndpoint: true, pluginProvider: "aws"},
		{name: "digitalocean-cdn", provider: "digitalocean", region: "ams3", pluginProvider: "do", cdn: true},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Its own server, database, host and folder (MariaDB is shared): the cases run in parallel.
			t.Parallel()
			host := fmt.Sprintf("www.wp%d-%d.example.com", os.Getpid(), i) // short: the bucket name stays within 63
			bucket := strings.ReplaceAll(host, ".", "-") + "-assets-wp-content-uploads"
			preset, _ := presets.FindProvider(c.provider)
			var srv *s3test.Server
			if c.cdn {
				// The loopback server answers for the preset's endpoint host as the provider
				// does: <bucket>.<endpoint host> is the bucket (virtual-host addressing).
				srv = s3test.StartVirtualHosted(t, c.region, preset.EndpointFor(c.region))
			} else {
				srv = s3test.StartRegion(t, c.region)
			}

			// assetwiz apply: the bucket on the loopback server, the snippets on disk.
			dir := t.TempDir()
			answers := fmt.Sprintf("mode: temporal\napplication: wordpress\nwebsite_url: %s\ntechnique: plugin\nstorage:\n  provider: %s\n  region: %s\n", host, c.provider, c.region)
			env := map[string]string{"S3_ACCESS_KEY": srv.AccessKey, "S3_SECRET_KEY": srv.SecretKey}
			if c.ownEndpoint {
				answers += "  endpoint: " + srv.Endpoint + "\n"
			} else {
				env["AWS_ENDPOINT_URL_S3"] = srv.Endpoint // the preset's endpoint, played by the loopback server
			}
			var cf *cloudflaretest.Server
			var zoneID, cdnHost string
			if c.cdn {
				// Zone example.com, found through the API: cdn.host takes its default there,
				// website_url without the zone, '.'→'-', "-assets." and the zone.
				cf, zoneID = cdnHostDouble(t, "enterprise") // the origin rule's host_header needs Enterprise
				cdnHost = fmt.Sprintf("www-wp%d-%d-assets.example.com", os.Getpid(), i)
				answers += "cdn:\n  provider: cloudflare\n"
				env["CLOUDFLARE_API_TOKEN"], env["CLOUDFLARE_BASE_URL"] = cfToken, cf.URL()
			}
			writeFile(t, filepath.Join(dir, "assetwiz.yaml"), answers)
			if r := runCLI(t, dir, env, "apply", "--yes"); r.code != 0 {
				t.Fatalf("apply: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			} else if c.cdn && strings.Contains(r.stdout+r.stderr, cfToken) {
				t.Errorf("apply printed the Cloudflare token")
			}
			out := filepath.Join(dir, "assetwiz-out", "plugin")

			wp := newWordPressSite(t, php, tarball, socket, fmt.Sprintf("wp_e2e_%d", i), host, srv)
			writeFile(t, filepath.Join(wp.dir, "e2e-photo.jpg"), string(photo))
			wp.runJSON("install", &struct{}{})
			wp.runJSON("activate", &struct{}{})
			wp.pasteAsREADMESays(out)
			var routedFor string
			if !c.ownEndpoint {
				routedFor = c.pluginProvider
				if c.cdn {
					wp.routeVirtualHosted(c.pluginProvider, preset.EndpointFor(c.region), bucket)
				} else {
					wp.routeTo(c.pluginProvider)
				}
			}

			// The first request after the paste loads.
			var loaded struct {
				Loaded bool     `json:"loaded"`
				Routed []string `json:"routed"`
			}
			wp.runJSON("load", &loaded)
			if !loaded.Loaded {
				t.Fatalf("the first request after the paste did not load WordPress")
			}

			var up uploadResult
			before := time.Now().UTC()
			wp.runJSON("upload", &up)
			after := time.Now().UTC()
			if !up.Setup || up.ProviderKey != c.pluginProvider || up.Bucket != bucket {
				t.Errorf("the plugin reports setup %v, provider %q, bucket %q; want true, %q, %q", up.Setup, up.ProviderKey, up.Bucket, c.pluginProvider, bucket)
			}
			if up.Item == nil {
				t.Fatalf("the plugin holds no offloaded item for attachment %d (%s)", up.ID, up.URL)
			}
			key := up.Meta.File
			if want := (offloadItem{Provider: c.pluginProvider, Region: c.region, Bucket: bucket, Path: key}); *up.Item != want {
				t.Errorf("the plugin's item: %+v, want %+v", *up.Item, want)
			}
			// WordPress's site time is UTC; the upload ran between before and after.
			if key != before.Format("2006/01")+"/e2e-photo.jpg" && key != after.Format("2006/01")+"/e2e-photo.jpg" {
				t.Errorf("upload key %q, want %s/e2e-photo.jpg (the upload folder's layout for the run's year and month, no prefix)", key, after.Format("2006/01"))
			}

			// The bucket holds the upload and its five sizes, byte for byte, and nothing else.
			want := []string{key}
			for _, name := range []string{"thumbnail", "medium", "medium_large", "large", "1536x1536"} {
				s, ok := up.Meta.Sizes[name]
				if !ok {
					t.Errorf("WordPress made no %s size: %v", name, up.Meta.Sizes)
					continue
				}
				want = append(want, path.Join(path.Dir(key), s.File))
			}
			client := srv.Client(t)
			listed, err := client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
			if err != nil {
				t.Fatalf("list %s: %v", bucket, err)
			}
			var got []string
			for _, o := range listed.Contents {
				got = append(got, aws.ToString(o.Key))
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("bucket %s holds %v, want %v", bucket, got, want)
			}
			for _, k := range want {
				local, err := os.ReadFile(filepath.Join(up.BaseDir, filepath.FromSlash(k)))
				if err != nil {
					t.Fatalf("the local copy of %s: %v", k, err)
				}
				obj, err := client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(k)})
				if err != nil {
					t.Errorf("get %s: %v", k, err)
					continue
				}
				remote, _ := io.ReadAll(obj.Body)
				obj.Body.Close()
				if !bytes.Equal(remote, local) {
					t.Errorf("object %s: %d bytes, not the %d bytes of the upload folder's copy", k, len(remote), len(local))
				}
			}
			if local, _ := os.ReadFile(filepath.Join(up.BaseDir, filepath.FromSlash(key))); !bytes.Equal(local, photo) {
				t.Errorf("the original upload is not the photo uploaded")
			}

			// The attachment URL is the provider's own (or the CDN host's), and an anonymous GET of
			// it serves the upload.
			var wantURL string
			var served *http.Request
			if c.cdn {
				wantURL = "https://" + cdnHost + "/" + key
				// The edge is played for the URL wanted (checked against the plugin's just below).
				served = playTheEdge(t, cf, zoneID, wantURL, host, bucket+"."+preset.EndpointFor(c.region), srv.Endpoint)
			} else {
				var servedURL string
				wantURL, servedURL = attachmentURL(t, c.provider, c.region, c.ownEndpoint, srv.Endpoint, bucket, key)
				if served, err = http.NewRequest(http.MethodGet, servedURL, nil); err != nil {
					t.Fatal(err)
				}
			}
			if up.URL != wantURL {
				t.Errorf("wp_get_attachment_url: %s, want %s", up.URL, wantURL)
			}
			resp, err := http.DefaultClient.Do(served)
			if err != nil {
				t.Fatalf("anonymous GET %s, Host %s (for %s): %v", served.URL, served.Host, up.URL, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !bytes.Equal(body, photo) {
				t.Errorf("anonymous GET %s, Host %s (for %s): %s, %d bytes; want 200 and the %d bytes of the photo", served.URL, served.Host, up.URL, resp.Status, len(body), len(photo))
			}
			if o := served.Header.Get("Origin"); o != "" && resp.Header.Get("Access-Control-Allow-Origin") != o {
				t.Errorf("the bucket's answer to the site's page (Origin %s) allows origin %q: its CORS does not cover the CDN host's responses",
					o, resp.Header.Get("Access-Control-Allow-Origin"))
			}

			// The endpoint the plugin would have used, before the test routed it: the preset's.
			if routedFor != "" {
				wantRouted := []string{"https://" + preset.EndpointFor(c.region)}
				routed := append(loaded.Routed, up.Routed...)
				slices.Sort(routed)
				if routed = slices.Compact(routed); !slices.Equal(routed, wantRouted) {
					t.Errorf("the plugin's %s client was headed for %v, want %v", routedFor, routed, wantRouted)
				}
			}
			if errs := pluginErrors(wp.stderr.String()); len(errs) > 0 {
				t.Errorf("the plugin logged errors:\n%s", strings.Join(errs, "\n"))
			}
		})
	}
}

// playTheEdge checks what the Cloudflare double holds for the CDN host of attachment URL u (a
// proxied CNAME to the bucket's virtual host, an origin rule and a cache rule for it, and no
// rule on the site's host), and returns the request Cloudflare's edge would send the origin:
// to the record's target, played by the loopback server at endpoint, with the origin rule's
// own Host header and the URL's path. Every value is read back from the double.
func playTheEdge(t *testing.T, cf *cloudflaretest.Server, zoneID, u, site, bucketHost, endpoint string) *http.Request {
	t.Helper()
	parsed, err := url.Parse(u)
	if err != nil || parsed.Scheme != "https" {
		t.Fatalf("the attachment URL %q is not https (%v)", u, err)
	}
	matches := `(http.host eq "` + parsed.Host + `")`

	recs := cf.DNSRecords(zoneID)
	if len(recs) != 1 || recs[0].Name != parsed.Host || recs[0].Type != "CNAME" || !recs[0].Proxied || recs[0].Content != bucketHost {
		t.Fatalf("the double's DNS records: %+v; want one proxied CNAME %s → %s", recs, parsed.Host, bucketHost)
	}
	origin := cf.PhaseRules(zoneID, "http_request_origin")
	if len(origin) != 1 || origin[0]["expression"] != matches || origin[0]["action"] != "route" || origin[0]["enabled"] != true {
		t.Fatalf("the double's origin rules: %v; want one enabled route for %s", origin, matches)
	}
	params, _ := origin[0]["action_parameters"].(map[string]any)
	hostHeader, _ := params["host_header"].(string)
	if hostHeader != bucketHost {
		t.Errorf("the origin rule's host_header is %q, want the bucket's virtual host %s", hostHeader, bucketHost)
	}
	cache := cf.Rules(zoneID)
	if len(cache) != 1 || cache[0]["expression"] != matches || cache[0]["action"] != "set_cache_settings" || cache[0]["enabled"] != true {
		t.Fatalf("the double's cache rules: %v; want one for %s (none on %s: its uploads never go there)", cache, matches, site)
	}
	if cp, _ := cache[0]["action_parameters"].(map[string]any); cp["cache"] != true {
		t.Errorf("the cache rule does not cache: %v", cache[0])
	}

	req, err := http.NewRequest(http.MethodGet, endpoint+parsed.EscapedPath(), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = hostHeader
	// A page of the site asks for it (a font, a script): Cloudflare passes the Origin on.
	req.Header.Set("Origin", "https://"+site)
	return req
}

// pluginErrors are the errors WP Offload Media logged (AS3CF_Error::log, "AS3CF: ..." on
// stderr), but for its question about a bucket's Block Public Access status: the Amazon S3
// provider asks it of every bucket, and a server without that part of the API (versitygw,
// like many S3-compatible providers) answers NotImplemented, which the plugin logs and goes on.
func pluginErrors(stderr string) []string {
	var out []string
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, "AS3CF: ") && !strings.HasPrefix(line, "AS3CF: Could not get Block All Public Access status") {
			out = append(out, line)
		}
	}
	return out
}

// attachmentURL is the URL the plugin should give for key, and where the loopback server
// serves it: the provider's host in the URL, the server's path-style address for the GET.
func attachmentURL(t *testing.T, provider, region string, ownEndpoint bool, endpoint, bucket, key string) (want, served string) {
	t.Helper()
	pathStyle := endpoint + "/" + bucket + "/" + key
	switch {
	case ownEndpoint:
		// storage.endpoint is the loopback server (http): the plugin links to it, path-style.
		return pathStyle, pathStyle
	case provider == "digitalocean":
		// The plugin's own DigitalOcean provider: virtual-host style.
		return "https://" + bucket + "." + region + ".digitaloceanspaces.com/" + key, pathStyle
	default:
		p, _ := presets.FindProvider(provider)
		return "https://" + p.EndpointFor(region) + "/" + bucket + "/" + key, pathStyle
	}
}

type offloadItem struct {
	Provider string `json:"provider"`
	Region   string `json:"region"`
	Bucket   string `json:"bucket"`
	Path     string `json:"path"`
}

// uploadResult is what the upload request printed.
type uploadResult struct {
	ID          int          `json:"id"`
	URL         string       `json:"url"`
	BaseDir     string       `json:"basedir"`
	Setup       bool         `json:"setup"`
	ProviderKey string       `json:"provider_key"`
	Bucket      string       `json:"bucket"`
	Item        *offloadItem `json:"item"`
	Routed      []string     `json:"routed"`
	Meta        struct {
		File  string `json:"file"`
		Sizes map[string]struct {
			File string `json:"file"`
		} `json:"sizes"`
	} `json:"meta"`
}

// wordPressSite is one WordPress site: Debian's WordPress files linked into a folder of its
// own, with its own wp-config.php, wp-content (the plugin unpacked in it) and database.
type wordPressSite struct {
	t      *testing.T
	php    string
	dir    string
	env    []string
	s3     string // the loopback server's endpoint
	stderr bytes.Buffer
}

func newWordPressSite(t *testing.T, php, tarball, socket, db, host string, srv *s3test.Server) *wordPressSite {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(debianWordPress)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() == "wp-config.php" || e.Name() == "wp-content" {
			continue // Debian's wp-config.php reads /etc/wordpress; the site has its own
		}
		if err := os.Symlink(filepath.Join(debianWordPress, e.Name()), filepath.Join(dir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"plugins", "uploads"} {
		if err := os.MkdirAll(filepath.Join(dir, "wp-content", d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	untar(t, tarball, filepath.Join(dir, "wp-content", "plugins"))
	sample, err := os.ReadFile(filepath.Join(debianWordPress, "wp-config-sample.php"))
	if err != nil {
		t.Fatal(err)
	}
	config := string(sample)
	for _, r := range [][2]string{
		{"'database_name_here'", "'" + db + "'"},
		{"'username_here'", "'root'"},
		{"'password_here'", "''"},
		{"define( 'DB_HOST', 'localhost' );", "define( 'DB_HOST', 'localhost:" + socket + "' );"},
		// Errors to stderr, not WordPress's "critical error" page; no HTTP out (the machine
		// reaches only loopback), no cron requests.
		{"define( 'WP_DEBUG', false );", "define( 'WP_DEBUG', true );\ndefine( 'WP_DEBUG_DISPLAY', false );\ndefine( 'WP_DISABLE_FATAL_ERROR_HANDLER', true );\ndefine( 'WP_HTTP_BLOCK_EXTERNAL', true );\ndefine( 'DISABLE_WP_CRON', true );\ndefine( 'AUTOMATIC_UPDATER_DISABLED', true );"},
	} {
		if !strings.Contains(config, r[0]) {
			t.Fatalf("%s/wp-config-sample.php has no %s", debianWordPress, r[0])
		}
		config = strings.Replace(config, r[0], r[1], 1)
	}
	writeFile(t, filepath.Join(dir, "wp-config.php"), config)
	driver := filepath.Join(dir, "assetwiz-e2e-driver.php")
	writeFile(t, driver, wordPressDriver)
	// Only what PHP needs: the keys as README.txt has PHP read them, and the driver's inputs.
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"S3_ACCESS_KEY=" + srv.AccessKey, "S3_SECRET_KEY=" + srv.SecretKey,
		"WP_E2E_SITE=" + dir, "WP_E2E_HOST=" + host, "WP_E2E_DB=" + db, "WP_E2E_DB_SOCKET=" + socket,
		"WP_E2E_S3=" + srv.Endpoint,
	}
	return &wordPressSite{t: t, php: php, dir: dir, env: env, s3: srv.Endpoint}
}

// run is one request: the driver with one action, in php-cli, with a memory limit (the
// recursion this test guards against otherwise eats gigabytes) and a time limit.
func (w *wordPressSite) run(action string) []byte {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, w.php, "-d", "memory_limit=128M", "-d", "error_reporting=E_ALL & ~E_DEPRECATED",
		filepath.Join(w.dir, "assetwiz-e2e-driver.php"), action)
	cmd.Env = w.env
	cmd.Dir = w.dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	w.t.Logf("php %s: %v", action, time.Since(start).Round(time.Millisecond))
	w.stderr.Write(stderr.Bytes())
	if err != nil {
		w.t.Fatalf("php %s: %v\n%s\n%s", action, err, tail(stdout.String(), 30), tail(stderr.String(), 60))
	}
	return stdout.Bytes()
}

func (w *wordPressSite) runJSON(action string, v any) {
	w.t.Helper()
	out := w.run(action)
	if err := json.Unmarshal(out, v); err != nil {
		w.t.Fatalf("php %s printed no JSON (%v):\n%s\n%s", action, err, tail(string(out), 30), tail(w.stderr.String(), 60))
	}
}

// pasteAsREADMESays follows README.txt: the settings, without their first line, above the
// line that starts "/* That's all, stop editing!" of wp-config.php; the must-use plugin into
// wp-content/mu-plugins/ when the README says to copy it.
func (w *wordPressSite) pasteAsREADMESays(out string) {
	w.t.Helper()
	readme, err := os.ReadFile(filepath.Join(out, "README.txt"))
	if err != nil {
		w.t.Fatal(err)
	}
	step1 := "1. Paste wp-config-offload-media.php (without its first line, <?php) into wp-config.php,\n   above the line that starts \"/* That's all, stop editing!\"."
	if !strings.Contains(string(readme), step1) {
		w.t.Fatalf("README.txt does not say what the test does:\n%s\n--- README.txt:\n%s", step1, readme)
	}
	settings, err := os.ReadFile(filepath.Join(out, "wp-config-offload-media.php"))
	if err != nil {
		w.t.Fatal(err)
	}
	first, rest, _ := strings.Cut(string(settings), "\n")
	if first != "<?php" {
		w.t.Fatalf("wp-config-offload-media.php starts with %q, not <?php", first)
	}
	configPath := filepath.Join(w.dir, "wp-config.php")
	config, _ := os.ReadFile(configPath)
	at := strings.Index(string(config), "/* That's all, stop editing!")
	if at < 0 {
		w.t.Fatal("wp-config.php has no line that starts /* That's all, stop editing!")
	}
	writeFile(w.t, configPath, string(config[:at])+rest+"\n"+string(config[at:]))

	mu := filepath.Join("mu-plugins", filepath.Base(snippets.WordPressEndpointMU))
	copyStep := "Copy " + filepath.ToSlash(mu) + " to wp-content/mu-plugins/"
	_, statErr := os.Stat(filepath.Join(out, mu))
	if says := strings.Contains(string(readme), copyStep); says != (statErr == nil) {
		w.t.Fatalf("README.txt says %q: %v, but %s exists: %v", copyStep, says, mu, statErr == nil)
	}
	if statErr == nil {
		data, _ := os.ReadFile(filepath.Join(out, mu))
		if err := os.MkdirAll(filepath.Join(w.dir, "wp-content", "mu-plugins"), 0o755); err != nil {
			w.t.Fatal(err)
		}
		writeFile(w.t, filepath.Join(w.dir, "wp-content", mu), string(data))
	}
}

// routeTo adds the test-only must-use plugin that points the plugin's provider client at the
// loopback server, through the plugin's own filters (as3cf_<provider>_init_client_args and
// as3cf_<provider>_s3_client_args), after assetwiz's own filters (priority 99), noting the
// endpoint each was headed for.
func (w *wordPressSite) routeTo(pluginProvider string) {
	w.t.Helper()
	if err := os.MkdirAll(filepath.Join(w.dir, "wp-content", "mu-plugins"), 0o755); err != nil {
		w.t.Fatal(err)
	}
	code := strings.ReplaceAll(`<?php
// assetwiz's end-to-end test only: the storage provider's endpoint is played by a loopback S3 server.
$GLOBALS['assetwiz_e2e_routed'] = array();
foreach ( array( 'as3cf_PROVIDER_init_client_args', 'as3cf_PROVIDER_s3_client_args' ) as $hook ) {
	add_filter( $hook, function ( $args ) {
		if ( ! empty( $args['endpoint'] ) ) {
			$GLOBALS['assetwiz_e2e_routed'][] = $args['endpoint'];
		}
		$args['endpoint'] = getenv( 'WP_E2E_S3' );
		$args['use_path_style_endpoint'] = true;
		return $args;
	}, 99 );
}
`, "PROVIDER", pluginProvider)
	writeFile(w.t, filepath.Join(w.dir, "wp-content", "mu-plugins", "zz-assetwiz-e2e-route.php"), code)
}

// routeVirtualHosted is routeTo for a provider that addresses buckets by virtual host: the
// plugin's client keeps its own addressing, <bucket>.<endpointHost>, on the loopback server's
// port, and curl resolves those two names to loopback (the server answers for endpointHost).
func (w *wordPressSite) routeVirtualHosted(pluginProvider, endpointHost, bucket string) {
	w.t.Helper()
	u, err := url.Parse(w.s3)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(w.dir, "wp-content", "mu-plugins"), 0o755); err != nil {
		w.t.Fatal(err)
	}
	code := strings.NewReplacer("PROVIDER", pluginProvider, "ENDPOINT_HOST", endpointHost, "BUCKET", bucket, "PORT", u.Port()).Replace(`<?php
// assetwiz's end-to-end test only: the storage provider's endpoint is played by a loopback S3
// server that answers virtual-host requests, as the provider does.
$GLOBALS['assetwiz_e2e_routed'] = array();
foreach ( array( 'as3cf_PROVIDER_init_client_args', 'as3cf_PROVIDER_s3_client_args' ) as $hook ) {
	add_filter( $hook, function ( $args ) {
		if ( ! empty( $args['endpoint'] ) ) {
			$GLOBALS['assetwiz_e2e_routed'][] = $args['endpoint'];
		}
		$args['endpoint'] = 'http://ENDPOINT_HOST:PORT';
		$args['use_path_style_endpoint'] = false;
		$args['http']['curl'][ CURLOPT_RESOLVE ] = array( 'ENDPOINT_HOST:PORT:127.0.0.1', 'BUCKET.ENDPOINT_HOST:PORT:127.0.0.1' );
		return $args;
	}, 99 );
}
`)
	writeFile(w.t, filepath.Join(w.dir, "wp-content", "mu-plugins", "zz-assetwiz-e2e-route.php"), code)
}

// wordPressDriver runs one request of the site: install, activate (the plugin), load (only
// wp-load.php) or upload (media_handle_sideload of the photo), printing JSON.
const wordPressDriver = `<?php
// A constant: WordPress's files run in this scope and use a variable $action of their own.
define( 'WP_E2E_ACTION', $argv[1] );
define( 'ABSPATH', getenv( 'WP_E2E_SITE' ) . '/' );
$_SERVER['HTTP_HOST']   = getenv( 'WP_E2E_HOST' );
$_SERVER['REQUEST_URI'] = '/';
if ( 'install' === WP_E2E_ACTION ) {
	define( 'WP_INSTALLING', true );
	// No mail server: the installer's notice goes nowhere.
	function wp_mail() {
		return true;
	}
	$db = new mysqli( 'localhost', 'root', '', '', 0, getenv( 'WP_E2E_DB_SOCKET' ) );
	$db->query( 'CREATE DATABASE ' . getenv( 'WP_E2E_DB' ) );
	$db->close();
}
require ABSPATH . 'wp-load.php';
switch ( WP_E2E_ACTION ) {
	case 'install':
		require_once ABSPATH . 'wp-admin/includes/upgrade.php';
		wp_install( 'assetwiz e2e', 'admin', 'admin@example.com', false, '', wp_generate_password( 24 ) );
		update_option( 'siteurl', 'https://' . getenv( 'WP_E2E_HOST' ) );
		update_option( 'home', 'https://' . getenv( 'WP_E2E_HOST' ) );
		echo json_encode( array( 'installed' => true ) );
		break;
	case 'activate':
		require_once ABSPATH . 'wp-admin/includes/plugin.php';
		$r = activate_plugin( 'amazon-s3-and-cloudfront/wordpress-s3.php' );
		if ( is_wp_error( $r ) ) {
			fwrite( STDERR, $r->get_error_message() . "\n" );
			exit( 1 );
		}
		echo json_encode( array( 'activated' => true ) );
		break;
	case 'load':
		echo json_encode( array( 'loaded' => did_action( 'wp_loaded' ) > 0, 'routed' => $GLOBALS['assetwiz_e2e_routed'] ?? array() ) );
		break;
	case 'upload':
		require_once ABSPATH . 'wp-admin/includes/file.php';
		require_once ABSPATH . 'wp-admin/includes/media.php';
		require_once ABSPATH . 'wp-admin/includes/image.php';
		wp_set_current_user( 1 );
		$tmp = wp_tempnam( 'e2e-photo.jpg' );
		copy( getenv( 'WP_E2E_SITE' ) . '/e2e-photo.jpg', $tmp );
		$id = media_handle_sideload( array( 'name' => 'e2e-photo.jpg', 'tmp_name' => $tmp ), 0 );
		if ( is_wp_error( $id ) ) {
			fwrite( STDERR, $id->get_error_message() . "\n" );
			exit( 1 );
		}
		global $as3cf;
		$item = DeliciousBrains\WP_Offload_Media\Items\Media_Library_Item::get_by_source_id( $id );
		echo json_encode( array(
			'id'           => $id,
			'url'          => wp_get_attachment_url( $id ),
			'basedir'      => wp_upload_dir()['basedir'],
			'meta'         => wp_get_attachment_metadata( $id ),
			'setup'        => $as3cf->is_plugin_setup( true ),
			'provider_key' => $as3cf->get_storage_provider()->get_provider_key_name(),
			'bucket'       => $as3cf->get_setting( 'bucket' ),
			'item'         => $item ? array( 'provider' => $item->provider(), 'region' => $item->region(), 'bucket' => $item->bucket(), 'path' => $item->path() ) : null,
			'routed'       => $GLOBALS['assetwiz_e2e_routed'] ?? array(),
		) );
		break;
}
`

// findOffloadMedia is the plugin's tarball: $ASSETWIZ_WP_OFFLOAD_MEDIA, else ../shared/plugins/
// beside the project's root. A clean clone has neither: the test is skipped, saying so.
func findOffloadMedia(t *testing.T) string {
	t.Helper()
	file := os.Getenv(envOffloadMedia)
	if file == "" {
		root, err := projectRoot()
		if err != nil {
			t.Fatal(err)
		}
		file = filepath.Join(filepath.Dir(root), "shared", "plugins", offloadMediaTarball)
	}
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("WP Offload Media 3.2.11 is not at %s (set %s to its %s): the real-plugin test cannot run", file, envOffloadMedia, offloadMediaTarball)
	}
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != offloadMediaSHA256 {
		t.Fatalf("%s has sha256 %x, not WP Offload Media Lite 3.2.11's %s", file, sum, offloadMediaSHA256)
	}
	return file
}

// projectRoot is the folder of go.mod above the test's working folder.
func projectRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the test's folder")
		}
		dir = parent
	}
}

// needWordPress checks what scripts/test installs: Debian's wordpress, php-cli with its
// extensions, mariadb-server. It returns php's path.
func needWordPress(t *testing.T) string {
	t.Helper()
	const packages = "wordpress php-cli php-mysql php-curl php-xml php-mbstring php-gd mariadb-server"
	php, err := exec.LookPath("php")
	if err != nil {
		t.Fatalf("php is not installed: apt-get install %s (scripts/test installs them)", packages)
	}
	if _, err := os.Stat(filepath.Join(debianWordPress, "wp-settings.php")); err != nil {
		t.Fatalf("Debian's WordPress is not in %s: apt-get install %s (scripts/test installs them)", debianWordPress, packages)
	}
	mods, _ := exec.Command(php, "-m").Output()
	for _, m := range []string{"mysqli", "curl", "dom", "mbstring", "gd"} {
		if !slices.Contains(strings.Fields(string(mods)), m) {
			t.Fatalf("php has no %s extension: apt-get install %s (scripts/test installs them)", m, packages)
		}
	}
	for _, bin := range []string{"mariadbd", "mariadb-install-db"} {
		if _, err := lookSbin(bin); err != nil {
			t.Fatalf("%s is not installed: apt-get install %s (scripts/test installs them)", bin, packages)
		}
	}
	return php
}

// lookSbin finds a program on PATH or in /usr/sbin (not on a user's PATH).
func lookSbin(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return exec.LookPath(filepath.Join("/usr/sbin", name))
}

// startMariaDB starts a MariaDB of its own for the test, as the current user, on a socket in
// a temporary folder, with no TCP port; it is stopped when the test ends. It returns the socket.
func startMariaDB(t *testing.T) string {
	t.Helper()
	// A short folder: a socket's path has at most 107 bytes.
	dir, err := os.MkdirTemp("", "awmdb")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	data, socket, logFile := filepath.Join(dir, "data"), filepath.Join(dir, "mysqld.sock"), filepath.Join(dir, "error.log")
	installDB, _ := lookSbin("mariadb-install-db")
	install := exec.Command(installDB, "--no-defaults", "--datadir="+data, "--user="+me.Username,
		"--auth-root-authentication-method=normal", "--skip-test-db")
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, tail(string(out), 60))
	}
	mariadbd, _ := lookSbin("mariadbd")
	server := exec.Command(mariadbd, "--no-defaults", "--datadir="+data, "--socket="+socket, "--skip-networking",
		"--pid-file="+filepath.Join(dir, "mariadbd.pid"), "--log-error="+logFile, "--user="+me.Username,
		// A throwaway database: no waiting for the disk at each commit.
		"--innodb-buffer-pool-size=16M", "--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0", "--skip-log-bin")
	if err := server.Start(); err != nil {
		t.Fatalf("mariadbd: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = server.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = server.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = server.Process.Kill()
			<-exited
		}
	})
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case <-exited:
			log, _ := os.ReadFile(logFile)
			t.Fatalf("mariadbd exited:\n%s", tail(string(log), 60))
		default:
		}
		if c, err := net.Dial("unix", socket); err == nil {
			c.Close()
			return socket
		}
	}
	log, _ := os.ReadFile(logFile)
	t.Fatalf("mariadbd did not answer on %s within 60s:\n%s", socket, tail(string(log), 60))
	return ""
}

// testPhoto is a 1600x1200 JPEG: large enough for WordPress to make its five sizes
// (thumbnail, medium, medium_large, large, 1536x1536), below its 2560 big-image threshold.
func testPhoto(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
	for y := 0; y < 1200; y++ {
		for x := 0; x < 1600; x++ {
			img.Set(x, y, color.RGBA{uint8(x / 7), uint8(y / 5), uint8((x + y) / 11), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// untar unpacks a .tar.gz of plain files and folders into dir, refusing any other entry and
// any name that would leave dir.
func untar(t *testing.T, file, dir string) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.FromSlash(path.Clean(h.Name))
		if !filepath.IsLocal(name) {
			t.Fatalf("%s: entry %q leaves the folder", file, h.Name)
		}
		target := filepath.Join(dir, name)
		switch h.Typeflag {
		case tar.TypeXGlobalHeader:
			continue // git archive's commit id, not a file
		case tar.TypeDir:
			err = os.MkdirAll(target, 0o755)
		case tar.TypeReg:
			err = writeTarFile(target, tr)
		default:
			t.Fatalf("%s: entry %q is neither a file nor a folder", file, h.Name)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func writeTarFile(target string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	out, err := os.Create(target)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, r); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Package presets holds assetwiz's built-in data: the applications the toolkit builds, the
// storage providers, and the toolkit generations. It is data, embedded as YAML, so that a new
// provider or region is a data change, not code.
package presets

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Application is a web application the toolkit can build.
type Application struct {
	Name        string   `yaml:"name" json:"name"`
	Title       string   `yaml:"title" json:"title"`
	Directories []string `yaml:"directories" json:"directories"`
	Plugin      Plugin   `yaml:"plugin" json:"plugin"`
}

// Plugin is the application plugin that offloads uploads to S3-compatible storage.
type Plugin struct {
	Name string `yaml:"name" json:"name"`
	URL  string `yaml:"url" json:"url"`
	// ServesFromBucket: the plugin links uploads straight to the bucket, so the bucket needs
	// public reads (a read-only s3:GetObject policy).
	ServesFromBucket bool `yaml:"serves_from_bucket" json:"serves_from_bucket"`
}

// Provider is an S3-compatible storage provider.
type Provider struct {
	Name  string `yaml:"name" json:"name"`
	Title string `yaml:"title" json:"title"`
	// DatastoreChoice is the classic toolkit's DATASTORE_CHOICE value; empty when it has none.
	DatastoreChoice string `yaml:"datastore_choice" json:"datastore_choice,omitempty"`
	// Endpoint is a host pattern with {region}; empty when the user must give the endpoint.
	Endpoint        string `yaml:"endpoint" json:"endpoint,omitempty"`
	EndpointExample string `yaml:"endpoint_example" json:"endpoint_example,omitempty"`
	PathStyle       bool   `yaml:"path_style" json:"path_style"`
	// VirtualHost is the host pattern of one bucket ({bucket}, {region}); "" when the
	// provider serves buckets by path only (providers.yaml says what that means for a CDN).
	VirtualHost  string       `yaml:"virtual_host" json:"virtual_host,omitempty"`
	Regions      []string     `yaml:"regions" json:"regions"`
	AnyRegion    bool         `yaml:"any_region" json:"any_region,omitempty"`
	Capabilities Capabilities `yaml:"capabilities" json:"capabilities"`
	BucketName   NameLimits   `yaml:"bucket_name" json:"bucket_name"`
}

// Capabilities says which bucket features a provider's S3 API offers.
type Capabilities struct {
	Versioning bool `yaml:"versioning" json:"versioning"`
	Lifecycle  bool `yaml:"lifecycle" json:"lifecycle"`
	Policy     bool `yaml:"policy" json:"policy"`
	CORS       bool `yaml:"cors" json:"cors"`
}

// NameLimits are a provider's bucket name length limits.
type NameLimits struct {
	Min int `yaml:"min" json:"min"`
	Max int `yaml:"max" json:"max"`
}

// Toolkit is a generation of the Agile Deployment Toolkit: it reads different exports and
// names the asset buckets differently (toolkits.yaml says where each fact comes from).
type Toolkit struct {
	Name  string `yaml:"name" json:"name"`
	Title string `yaml:"title" json:"title"`
	// Repositories are the toolkit's build machine and web server repositories.
	Repositories []string `yaml:"repositories" json:"repositories"`
	// PersistExport is the name of the asset persistence flag export.
	PersistExport string `yaml:"persist_export" json:"persist_export"`
	// DirectorySeparator replaces '/' inside a directory in DIRECTORIES_TO_MOUNT.
	DirectorySeparator string `yaml:"directory_separator" json:"directory_separator"`
	// BuildChoice: the generation takes the temporal period from BUILD_CHOICE (0–6).
	BuildChoice bool `yaml:"build_choice" json:"build_choice"`
	// DatastoreChoice maps a storage provider to its DATASTORE_CHOICE value; empty when the
	// generation has no such export.
	DatastoreChoice map[string]string `yaml:"datastore_choice" json:"datastore_choice,omitempty"`
	// BucketName names which of the toolkit's expressions names the asset buckets.
	BucketName string `yaml:"bucket_name" json:"bucket_name"`
	EFS        bool   `yaml:"efs" json:"efs"`
	// AWS: the generation provisions and mounts on AWS itself.
	AWS bool `yaml:"aws" json:"aws"`
	// S3LocationEU: S3_LOCATION is "EU" for an AWS region in Europe.
	S3LocationEU bool `yaml:"s3_location_eu" json:"s3_location_eu"`
	// DefaultDirectoriesOnly: the generation replaces DIRECTORIES_TO_MOUNT with the
	// application's default directories.
	DefaultDirectoriesOnly bool `yaml:"default_directories_only" json:"default_directories_only"`
	// MountTools are the tools the generation can mount buckets with, its default first.
	MountTools []string `yaml:"mount_tools" json:"mount_tools"`
	// Validator is the generation's template validator, "" when it has none.
	Validator string `yaml:"validator" json:"validator,omitempty"`
	// Overrides says where the generation reads the override exports.
	Overrides string `yaml:"overrides" json:"overrides"`
	// S3HostBases are the S3_HOST_BASE values the validator knows; any other makes it warn.
	S3HostBases []string `yaml:"s3_host_bases" json:"s3_host_bases,omitempty"`
}

// KnowsHostBase reports whether the generation's validator accepts an S3_HOST_BASE.
func (t Toolkit) KnowsHostBase(host string) bool {
	for _, h := range t.S3HostBases {
		if strings.EqualFold(h, host) {
			return true
		}
	}
	return false
}

// DefaultMountTool is the tool the generation mounts buckets with unless told otherwise.
func (t Toolkit) DefaultMountTool() string {
	if len(t.MountTools) == 0 {
		return ""
	}
	return t.MountTools[0]
}

// DefaultRegion is the region used when the answers give none: the first one listed.
func (p Provider) DefaultRegion() string {
	if len(p.Regions) == 0 {
		return ""
	}
	return p.Regions[0]
}

// HasRegion reports whether region is one of the provider's regions.
func (p Provider) HasRegion(region string) bool {
	if p.AnyRegion {
		return true
	}
	for _, r := range p.Regions {
		if r == region {
			return true
		}
	}
	return false
}

// EndpointFor gives the provider's endpoint host for a region, or "" when the user must give it.
func (p Provider) EndpointFor(region string) string {
	if p.Endpoint == "" {
		return ""
	}
	return strings.ReplaceAll(p.Endpoint, "{region}", region)
}

// VirtualHostFor is the host of bucket in region (virtual-host addressing), or "" when the
// provider serves buckets by path only.
func (p Provider) VirtualHostFor(bucket, region string) string {
	if p.VirtualHost == "" {
		return ""
	}
	return strings.ReplaceAll(strings.ReplaceAll(p.VirtualHost, "{bucket}", bucket), "{region}", region)
}

var (
	//go:embed applications.yaml
	applicationsYAML []byte
	//go:embed providers.yaml
	providersYAML []byte
	//go:embed toolkits.yaml
	toolkitsYAML []byte
)

// Parsed on first use, so commands that need no presets (--version) do not pay for them.
var (
	Applications = sync.OnceValue(func() []Application { return mustParse[Application](applicationsYAML) })
	Providers    = sync.OnceValue(func() []Provider { return mustParse[Provider](providersYAML) })
	Toolkits     = sync.OnceValue(func() []Toolkit { return mustParse[Toolkit](toolkitsYAML) })
)

func mustParse[T any](data []byte) []T {
	var out []T
	if err := yaml.Unmarshal(data, &out); err != nil {
		panic(fmt.Sprintf("presets: embedded data is broken: %v", err))
	}
	return out
}

// Names lists the names of presets, in their listed order.
func Names[T interface {
	Application | Provider | Toolkit
}](items []T) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		switch v := any(it).(type) {
		case Application:
			out = append(out, v.Name)
		case Provider:
			out = append(out, v.Name)
		case Toolkit:
			out = append(out, v.Name)
		}
	}
	return out
}

// FindApplication returns the application with this name.
func FindApplication(name string) (Application, bool) { return find(Applications(), name) }

// FindProvider returns the storage provider with this name.
func FindProvider(name string) (Provider, bool) { return find(Providers(), name) }

// FindToolkit returns the toolkit generation with this name.
func FindToolkit(name string) (Toolkit, bool) { return find(Toolkits(), name) }

func find[T interface {
	Application | Provider | Toolkit
}](items []T, name string) (T, bool) {
	names := Names(items)
	for i, n := range names {
		if n == name {
			return items[i], true
		}
	}
	var zero T
	return zero, false
}

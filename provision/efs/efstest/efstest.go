// Package efstest is an in-memory httptest double of the Amazon EFS REST-JSON
// API (version 2015-02-01). Point the real aws-sdk-go-v2 efs client at it with
// efs.Options.BaseEndpoint = aws.String(s.URL()), or set AWS_ENDPOINT_URL_EFS
// when the client is built from config.LoadDefaultConfig.
//
// The package deliberately does not import the SDK: it speaks the wire format
// only, so tests that drive it with the real client prove wire compatibility.
package efstest

import (
	"crypto/rand"
	"encoding/hex"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"
)

// Lifecycle states used by EFS file systems and mount targets.
const (
	StateCreating  = "creating"
	StateAvailable = "available"
)

// ownerID is the fake AWS account that owns every resource.
const ownerID = "123456789012"

// FileSystem is a snapshot of a stored file system.
type FileSystem struct {
	ID                           string
	CreationToken                string
	Encrypted                    bool
	PerformanceMode              string // generalPurpose | maxIO
	ThroughputMode               string // bursting | provisioned | elastic
	ProvisionedThroughputInMibps float64
	Tags                         map[string]string
	LifecyclePolicies            []LifecyclePolicy
	LifeCycleState               string
	Region                       string // taken from the SigV4 credential scope of the create call
	CreatedAt                    time.Time
}

// LifecyclePolicy mirrors the EFS LifecyclePolicy shape; exactly one field is set.
type LifecyclePolicy struct {
	TransitionToIA                  string `json:",omitempty"`
	TransitionToArchive             string `json:",omitempty"`
	TransitionToPrimaryStorageClass string `json:",omitempty"`
}

// MountTarget is a snapshot of a stored mount target.
type MountTarget struct {
	ID                   string
	FileSystemID         string
	SubnetID             string
	AvailabilityZoneName string
	IpAddress            string
	SecurityGroups       []string
	LifeCycleState       string
}

// Request records one HTTP call the server received, in arrival order.
type Request struct {
	Method string
	Path   string
	Query  string
	Op     string // SDK operation name, e.g. "CreateFileSystem"; "" if unrouted
	Status int
}

// Option configures a Server.
type Option func(*Server)

// WithFileSystemReadyAfter makes a new file system report "available" on the
// n-th DescribeFileSystems call that returns it (n <= 0: available at once).
func WithFileSystemReadyAfter(n int) Option { return func(s *Server) { s.fsReadyAfter = n } }

// WithMountTargetReadyAfter is the same for mount targets and DescribeMountTargets.
func WithMountTargetReadyAfter(n int) Option { return func(s *Server) { s.mtReadyAfter = n } }

// Server is the EFS double. All methods are safe for concurrent use.
type Server struct {
	srv          *httptest.Server
	fsReadyAfter int
	mtReadyAfter int

	mu           sync.Mutex
	fileSystems  []*fileSystem  // creation order, which is also listing order
	mountTargets []*mountTarget // creation order
	subnets      map[string]*subnet
	subnetOrder  int
	sgs          map[string]bool
	requests     []Request
	writes       int
	fault        fault
}

type fileSystem struct {
	FileSystem
	polls int
}

type mountTarget struct {
	MountTarget
	polls int
}

type subnet struct {
	az     string
	index  int // gives each subnet its own fake 10.0.<index>.0/24 range
	nextIP int
}

type fault struct {
	left   int
	status int
	code   string
}

// New starts a server that is closed when the test ends. Resources become
// available after 2 Describe calls unless configured otherwise.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		fsReadyAfter: 2,
		mtReadyAfter: 2,
		subnets:      map[string]*subnet{},
		sgs:          map[string]bool{},
	}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewServer(s.routes())
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the endpoint to use as efs.Options.BaseEndpoint.
func (s *Server) URL() string { return s.srv.URL }

// AddSubnet makes subnetID known, located in availabilityZone.
func (s *Server) AddSubnet(subnetID, availabilityZone string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.subnetOrder++
	s.subnets[subnetID] = &subnet{az: availabilityZone, index: s.subnetOrder, nextIP: 10}
}

// AddSecurityGroup makes sgID known.
func (s *Server) AddSecurityGroup(sgID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sgs[sgID] = true
}

// FailNext makes the next n authenticated requests fail with status and an
// EFS-style error carrying errorCode (e.g. 503 "ThrottlingException").
func (s *Server) FailNext(n, status int, errorCode string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = fault{left: n, status: status, code: errorCode}
}

// FileSystems returns copies of all file systems in creation order.
func (s *Server) FileSystems() []FileSystem {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]FileSystem, 0, len(s.fileSystems))
	for _, fs := range s.fileSystems {
		out = append(out, fs.snapshot())
	}
	return out
}

// MountTargets returns copies of fsID's mount targets in creation order.
func (s *Server) MountTargets(fsID string) []MountTarget {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []MountTarget
	for _, mt := range s.mountTargets {
		if mt.FileSystemID == fsID {
			out = append(out, mt.snapshot())
		}
	}
	return out
}

// Requests returns every request received so far, including rejected ones.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Writes counts successful (2xx) mutating requests, i.e. state changes;
// an idempotent re-run that only describes should leave it unchanged.
func (s *Server) Writes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes
}

func (fs *fileSystem) snapshot() FileSystem {
	c := fs.FileSystem
	c.Tags = maps.Clone(fs.Tags)
	c.LifecyclePolicies = slices.Clone(fs.LifecyclePolicies)
	return c
}

func (mt *mountTarget) snapshot() MountTarget {
	c := mt.MountTarget
	c.SecurityGroups = slices.Clone(mt.SecurityGroups)
	return c
}

// observe advances a "creating" resource by one poll; it is how clients are
// forced to loop on Describe instead of assuming instant readiness.
func observe(state *string, polls *int, readyAfter int) {
	if *state != StateCreating {
		return
	}
	*polls++
	if *polls >= readyAfter {
		*state = StateAvailable
	}
}

// initialState is "available" only when no polling was configured.
func initialState(readyAfter int) string {
	if readyAfter <= 0 {
		return StateAvailable
	}
	return StateCreating
}

// newID returns prefix + 17 hex digits, the current EFS id format.
func newID(prefix string) string {
	b := make([]byte, 9)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return prefix + hex.EncodeToString(b)[:17]
}

func (s *Server) findFS(id string) *fileSystem {
	for _, fs := range s.fileSystems {
		if fs.ID == id {
			return fs
		}
	}
	return nil
}

func (s *Server) countMountTargets(fsID string) int {
	n := 0
	for _, mt := range s.mountTargets {
		if mt.FileSystemID == fsID {
			n++
		}
	}
	return n
}

func notFoundFS(id string) *apiError {
	return errf(http.StatusNotFound, "FileSystemNotFound", "File system '%s' does not exist.", id)
}

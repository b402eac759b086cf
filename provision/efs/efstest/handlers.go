package efstest

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// Wire shapes. Field names are the JSON member names the SDK's
// deserializers.go switches on.

type tagJSON struct {
	Key   string
	Value string
}

type sizeJSON struct {
	Value     int64
	Timestamp float64 `json:",omitempty"`
}

type fileSystemJSON struct {
	FileSystemId                 string
	FileSystemArn                string
	CreationToken                string
	CreationTime                 float64 // restJson timestamps are epoch seconds
	OwnerId                      string
	LifeCycleState               string
	Name                         string `json:",omitempty"` // EFS mirrors the Name tag here
	NumberOfMountTargets         int
	SizeInBytes                  sizeJSON
	PerformanceMode              string
	ThroughputMode               string
	ProvisionedThroughputInMibps *float64 `json:",omitempty"`
	Encrypted                    bool
	Tags                         []tagJSON
}

type mountTargetJSON struct {
	MountTargetId        string
	FileSystemId         string
	SubnetId             string
	AvailabilityZoneName string
	IpAddress            string
	LifeCycleState       string
	OwnerId              string
	NetworkInterfaceId   string
}

func (s *Server) fileSystemJSON(fs *fileSystem) fileSystemJSON {
	out := fileSystemJSON{
		FileSystemId:         fs.ID,
		FileSystemArn:        fmt.Sprintf("arn:aws:elasticfilesystem:%s:%s:file-system/%s", fs.Region, ownerID, fs.ID),
		CreationToken:        fs.CreationToken,
		CreationTime:         float64(fs.CreatedAt.Unix()),
		OwnerId:              ownerID,
		LifeCycleState:       fs.LifeCycleState,
		Name:                 fs.Tags["Name"],
		NumberOfMountTargets: s.countMountTargets(fs.ID),
		SizeInBytes:          sizeJSON{Value: 6144},
		PerformanceMode:      fs.PerformanceMode,
		ThroughputMode:       fs.ThroughputMode,
		Encrypted:            fs.Encrypted,
		Tags:                 tagsJSON(fs.Tags),
	}
	if fs.ThroughputMode == "provisioned" {
		out.ProvisionedThroughputInMibps = &fs.ProvisionedThroughputInMibps
	}
	return out
}

func mountTargetToJSON(mt *mountTarget) mountTargetJSON {
	return mountTargetJSON{
		MountTargetId:        mt.ID,
		FileSystemId:         mt.FileSystemID,
		SubnetId:             mt.SubnetID,
		AvailabilityZoneName: mt.AvailabilityZoneName,
		IpAddress:            mt.IpAddress,
		LifeCycleState:       mt.LifeCycleState,
		OwnerId:              ownerID,
		NetworkInterfaceId:   "eni-" + mt.ID[len("fsmt-"):],
	}
}

// tagsJSON renders tags sorted by key so responses are deterministic.
func tagsJSON(tags map[string]string) []tagJSON {
	out := []tagJSON{}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, tagJSON{Key: k, Value: tags[k]})
	}
	return out
}

// mergeTags applies tags on top of dst, rejecting empty keys like EFS does.
func mergeTags(dst map[string]string, tags []tagJSON) *apiError {
	for _, t := range tags {
		if t.Key == "" {
			return badRequest("tag keys must not be empty")
		}
	}
	for _, t := range tags {
		dst[t.Key] = t.Value
	}
	return nil
}

// POST /2015-02-01/file-systems
func (s *Server) createFileSystem(r *http.Request) (int, any, *apiError) {
	var in struct {
		CreationToken                string
		Encrypted                    bool
		PerformanceMode              string
		ThroughputMode               string
		ProvisionedThroughputInMibps float64
		Tags                         []tagJSON
	}
	if aerr := decode(r, &in); aerr != nil {
		return 0, nil, aerr
	}
	// The SDK auto-fills a random token when CreationToken is nil, so only raw
	// HTTP (or an explicit "") reaches this; EFS itself requires the member.
	if in.CreationToken == "" {
		return 0, nil, badRequest("CreationToken is required")
	}
	if len(in.CreationToken) > 64 {
		return 0, nil, badRequest("CreationToken must be at most 64 characters")
	}
	for _, fs := range s.fileSystems {
		if fs.CreationToken == in.CreationToken {
			e := errf(http.StatusConflict, "FileSystemAlreadyExists", "File system '%s' already exists with creation token '%s'", fs.ID, in.CreationToken)
			e.fileSystemID = fs.ID // lets an idempotent client adopt the existing file system
			return 0, nil, e
		}
	}
	in.PerformanceMode = cmp.Or(in.PerformanceMode, "generalPurpose") // EFS defaults
	in.ThroughputMode = cmp.Or(in.ThroughputMode, "bursting")
	if !slices.Contains([]string{"generalPurpose", "maxIO"}, in.PerformanceMode) {
		return 0, nil, badRequest("invalid PerformanceMode %q", in.PerformanceMode)
	}
	if !slices.Contains([]string{"bursting", "provisioned", "elastic"}, in.ThroughputMode) {
		return 0, nil, badRequest("invalid ThroughputMode %q", in.ThroughputMode)
	}
	if in.ThroughputMode == "provisioned" && in.ProvisionedThroughputInMibps <= 0 {
		return 0, nil, badRequest("ProvisionedThroughputInMibps is required for provisioned throughput")
	}
	if in.ThroughputMode == "elastic" && in.PerformanceMode == "maxIO" {
		return 0, nil, badRequest("elastic throughput is not supported with maxIO performance mode")
	}
	tags := map[string]string{}
	if aerr := mergeTags(tags, in.Tags); aerr != nil {
		return 0, nil, aerr
	}
	fs := &fileSystem{FileSystem: FileSystem{
		ID:                           newID("fs-"),
		CreationToken:                in.CreationToken,
		Encrypted:                    in.Encrypted,
		PerformanceMode:              in.PerformanceMode,
		ThroughputMode:               in.ThroughputMode,
		ProvisionedThroughputInMibps: in.ProvisionedThroughputInMibps,
		Tags:                         tags,
		LifeCycleState:               initialState(s.fsReadyAfter),
		Region:                       signingRegion(r),
		CreatedAt:                    time.Now().UTC(),
	}}
	s.fileSystems = append(s.fileSystems, fs)
	return http.StatusCreated, s.fileSystemJSON(fs), nil // EFS answers 201 here
}

// GET /2015-02-01/file-systems?FileSystemId=&CreationToken=&Marker=&MaxItems=
func (s *Server) describeFileSystems(r *http.Request) (int, any, *apiError) {
	q := r.URL.Query()
	id, token := q.Get("FileSystemId"), q.Get("CreationToken")
	var matched []*fileSystem
	for _, fs := range s.fileSystems {
		if (id == "" || fs.ID == id) && (token == "" || fs.CreationToken == token) {
			matched = append(matched, fs)
		}
	}
	// An unknown id is an error; an unknown token is just an empty list.
	if id != "" && len(matched) == 0 && s.findFS(id) == nil {
		return 0, nil, notFoundFS(id)
	}
	pageItems, next, aerr := paginate(matched, func(fs *fileSystem) string { return fs.ID }, q)
	if aerr != nil {
		return 0, nil, aerr
	}
	out := []fileSystemJSON{}
	for _, fs := range pageItems {
		observe(&fs.LifeCycleState, &fs.polls, s.fsReadyAfter)
		out = append(out, s.fileSystemJSON(fs))
	}
	return http.StatusOK, pageJSON("FileSystems", out, q.Get("Marker"), next), nil
}

// PUT /2015-02-01/file-systems/{id}/lifecycle-configuration
func (s *Server) putLifecycleConfiguration(r *http.Request) (int, any, *apiError) {
	var in struct{ LifecyclePolicies []LifecyclePolicy }
	if aerr := decode(r, &in); aerr != nil {
		return 0, nil, aerr
	}
	fs := s.findFS(r.PathValue("id"))
	if fs == nil {
		return 0, nil, notFoundFS(r.PathValue("id"))
	}
	if fs.LifeCycleState != StateAvailable {
		return 0, nil, errf(http.StatusConflict, "IncorrectFileSystemLifeCycleState", "File system '%s' is in state %s", fs.ID, fs.LifeCycleState)
	}
	for _, p := range in.LifecyclePolicies {
		set := 0
		for _, v := range []string{p.TransitionToIA, p.TransitionToArchive, p.TransitionToPrimaryStorageClass} {
			if v != "" {
				set++
			}
		}
		if set != 1 { // EFS wants one transition per policy object
			return 0, nil, badRequest("each LifecyclePolicy must set exactly one transition")
		}
	}
	fs.LifecyclePolicies = slices.Clone(in.LifecyclePolicies)
	return http.StatusOK, map[string]any{"LifecyclePolicies": nonNil(fs.LifecyclePolicies)}, nil
}

// POST /2015-02-01/mount-targets
func (s *Server) createMountTarget(r *http.Request) (int, any, *apiError) {
	var in struct {
		FileSystemId   string
		SubnetId       string
		IpAddress      string
		SecurityGroups []string
	}
	if aerr := decode(r, &in); aerr != nil {
		return 0, nil, aerr
	}
	if in.FileSystemId == "" || in.SubnetId == "" {
		return 0, nil, badRequest("FileSystemId and SubnetId are required")
	}
	fs := s.findFS(in.FileSystemId)
	if fs == nil {
		return 0, nil, notFoundFS(in.FileSystemId)
	}
	if fs.LifeCycleState != StateAvailable {
		return 0, nil, errf(http.StatusConflict, "IncorrectFileSystemLifeCycleState", "File system '%s' is in state %s; it must be available", fs.ID, fs.LifeCycleState)
	}
	sn := s.subnets[in.SubnetId]
	if sn == nil {
		return 0, nil, errf(http.StatusBadRequest, "SubnetNotFound", "The subnet ID '%s' does not exist", in.SubnetId)
	}
	if len(in.SecurityGroups) > 5 {
		return 0, nil, errf(http.StatusBadRequest, "SecurityGroupLimitExceeded", "at most 5 security groups per mount target")
	}
	for _, sg := range in.SecurityGroups {
		if !s.sgs[sg] {
			return 0, nil, errf(http.StatusBadRequest, "SecurityGroupNotFound", "The security group '%s' does not exist", sg)
		}
	}
	for _, mt := range s.mountTargets {
		if mt.FileSystemID == fs.ID && mt.AvailabilityZoneName == sn.az {
			return 0, nil, errf(http.StatusConflict, "MountTargetConflict", "mount target already exists in this AZ (%s): %s", sn.az, mt.ID)
		}
		if in.IpAddress != "" && mt.IpAddress == in.IpAddress {
			return 0, nil, errf(http.StatusConflict, "IpAddressInUse", "IP address %s is already in use", in.IpAddress)
		}
	}
	ip := in.IpAddress
	if ip == "" {
		ip = fmt.Sprintf("10.0.%d.%d", sn.index, sn.nextIP)
		sn.nextIP++
	}
	mt := &mountTarget{MountTarget: MountTarget{
		ID:                   newID("fsmt-"),
		FileSystemID:         fs.ID,
		SubnetID:             in.SubnetId,
		AvailabilityZoneName: sn.az,
		IpAddress:            ip,
		SecurityGroups:       slices.Clone(in.SecurityGroups),
		LifeCycleState:       initialState(s.mtReadyAfter),
	}}
	s.mountTargets = append(s.mountTargets, mt)
	return http.StatusOK, mountTargetToJSON(mt), nil
}

// GET /2015-02-01/mount-targets?FileSystemId=|MountTargetId=&Marker=&MaxItems=
func (s *Server) describeMountTargets(r *http.Request) (int, any, *apiError) {
	q := r.URL.Query()
	fsID, mtID := q.Get("FileSystemId"), q.Get("MountTargetId")
	if fsID == "" && mtID == "" {
		return 0, nil, badRequest("one of FileSystemId or MountTargetId is required")
	}
	if fsID != "" && s.findFS(fsID) == nil {
		return 0, nil, notFoundFS(fsID)
	}
	var matched []*mountTarget
	for _, mt := range s.mountTargets {
		if (fsID == "" || mt.FileSystemID == fsID) && (mtID == "" || mt.ID == mtID) {
			matched = append(matched, mt)
		}
	}
	if mtID != "" && len(matched) == 0 {
		return 0, nil, errf(http.StatusNotFound, "MountTargetNotFound", "Mount target '%s' does not exist.", mtID)
	}
	pageItems, next, aerr := paginate(matched, func(mt *mountTarget) string { return mt.ID }, q)
	if aerr != nil {
		return 0, nil, aerr
	}
	out := []mountTargetJSON{}
	for _, mt := range pageItems {
		observe(&mt.LifeCycleState, &mt.polls, s.mtReadyAfter)
		out = append(out, mountTargetToJSON(mt))
	}
	return http.StatusOK, pageJSON("MountTargets", out, q.Get("Marker"), next), nil
}

// GET /2015-02-01/mount-targets/{id}/security-groups (DescribeMountTargets omits SGs)
func (s *Server) describeMountTargetSecurityGroups(r *http.Request) (int, any, *apiError) {
	id := r.PathValue("id")
	for _, mt := range s.mountTargets {
		if mt.ID == id {
			return http.StatusOK, map[string]any{"SecurityGroups": nonNil(mt.SecurityGroups)}, nil
		}
	}
	return 0, nil, errf(http.StatusNotFound, "MountTargetNotFound", "Mount target '%s' does not exist.", id)
}

// POST /2015-02-01/resource-tags/{id} (TagResource, the current tagging API)
func (s *Server) tagResource(r *http.Request) (int, any, *apiError) {
	return s.addTags(r, http.StatusOK)
}

// POST /2015-02-01/create-tags/{id} (the deprecated CreateTags answers 204)
func (s *Server) createTags(r *http.Request) (int, any, *apiError) {
	return s.addTags(r, http.StatusNoContent)
}

func (s *Server) addTags(r *http.Request, status int) (int, any, *apiError) {
	var in struct{ Tags []tagJSON }
	if aerr := decode(r, &in); aerr != nil {
		return 0, nil, aerr
	}
	fs := s.findFS(r.PathValue("id"))
	if fs == nil {
		return 0, nil, notFoundFS(r.PathValue("id"))
	}
	if aerr := mergeTags(fs.Tags, in.Tags); aerr != nil {
		return 0, nil, aerr
	}
	return status, nil, nil
}

// GET /2015-02-01/resource-tags/{id}
func (s *Server) listTagsForResource(r *http.Request) (int, any, *apiError) {
	fs := s.findFS(r.PathValue("id"))
	if fs == nil {
		return 0, nil, notFoundFS(r.PathValue("id"))
	}
	return http.StatusOK, map[string]any{"Tags": tagsJSON(fs.Tags)}, nil
}

// paginate applies EFS Marker/MaxItems paging. The marker is the id of the
// first item of the next page: opaque to clients, stable under appends.
func paginate[T any](items []T, id func(T) string, q url.Values) ([]T, string, *apiError) {
	pageSize := 100 // EFS default page size
	if v := q.Get("MaxItems"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, "", badRequest("MaxItems must be a positive integer")
		}
		pageSize = n
	}
	start := 0
	if m := q.Get("Marker"); m != "" {
		start = slices.IndexFunc(items, func(it T) bool { return id(it) == m })
		if start < 0 {
			return nil, "", badRequest("invalid Marker %q", m)
		}
	}
	end := min(start+pageSize, len(items))
	next := ""
	if end < len(items) {
		next = id(items[end])
	}
	return items[start:end], next, nil
}

// pageJSON builds a list response; Marker echoes the request, NextMarker is
// omitted on the last page (that is how the SDK paginator knows to stop).
func pageJSON(key string, items any, marker, next string) map[string]any {
	out := map[string]any{key: items}
	if marker != "" {
		out["Marker"] = marker
	}
	if next != "" {
		out["NextMarker"] = next
	}
	return out
}

// nonNil keeps empty lists as [] rather than null on the wire.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

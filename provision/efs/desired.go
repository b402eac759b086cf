// Package efs is the AWS EFS backend: one encrypted file system per asset directory and a
// mount target in each given subnet (technique efs, original toolkit).
package efs

import (
	"context"
	"fmt"
	"strings"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// FileSystem is the EFS file system of one asset directory.
type FileSystem struct {
	Directory string
	// CreationToken makes creation idempotent: the same site and directory give the same
	// token, so a re-run finds the file system instead of making a second one.
	CreationToken string
}

// FileSystems are the file systems the answers ask for.
func FileSystems(a *steps.Answers) []FileSystem {
	if a.Technique != steps.TechniqueEFS {
		return nil
	}
	out := make([]FileSystem, 0, len(a.Directories))
	for _, d := range a.Directories {
		out = append(out, FileSystem{Directory: d, CreationToken: a.BucketName(d)})
	}
	return out
}

// Offline plans the file systems without asking AWS: all to be created.
type Offline struct{}

// Plan lists every file system and mount target as create, and the snippet files as made
// (or remade, when they exist) with the ids of those new file systems.
func (Offline) Plan(_ context.Context, a *steps.Answers) (provision.Plan, error) {
	p := Desired(a)
	fss := FileSystems(a)
	if len(fss) == 0 {
		return p, nil
	}
	files, err := snippetActions(a, nil, nil, fileSystemKeys(fss))
	if err != nil {
		return provision.Plan{}, err
	}
	p.Actions = append(p.Actions, files...)
	return p, nil
}

// fileSystemKeys are the plan keys of the file system actions.
func fileSystemKeys(fss []FileSystem) []string {
	out := make([]string, 0, len(fss))
	for _, fs := range fss {
		out = append(out, fileSystemKey(fs.CreationToken))
	}
	return out
}

func fileSystemKey(token string) string { return string(provision.EFSFileSystem) + "/" + token }

// Desired is what the answers ask of EFS, as if nothing existed yet.
func Desired(a *steps.Answers) provision.Plan {
	var p provision.Plan
	for _, fs := range FileSystems(a) {
		p.Actions = append(p.Actions, provision.Action{
			Resource: provision.EFSFileSystem, ID: fs.CreationToken, Op: provision.Create,
			Detail: fmt.Sprintf("for /%s in %s: encrypted, elastic throughput", fs.Directory, a.EFS.Region),
		})
		for _, subnet := range a.EFS.SubnetIDs {
			detail := "in " + subnet
			if len(a.EFS.SecurityGroupIDs) > 0 {
				detail += ", security groups " + strings.Join(a.EFS.SecurityGroupIDs, ", ")
			}
			p.Actions = append(p.Actions, provision.Action{
				Resource: provision.EFSMountTarget, ID: fs.CreationToken + "/" + subnet, Op: provision.Create,
				Detail: detail, After: []string{fileSystemKey(fs.CreationToken)},
			})
		}
	}
	if len(p.Actions) > 0 && len(a.EFS.SecurityGroupIDs) == 0 {
		p.Warn("no efs.security_group_ids: the mount targets get the VPC's default security group, which must allow NFS (TCP 2049) from the web servers")
	}
	return p
}

//go:build !unix

package awsclient

import "os/exec"

// ownGroup: without process groups, the context's end kills the process itself.
func ownGroup(*exec.Cmd) {}

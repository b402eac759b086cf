package main

import (
	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/efs"
	"github.com/assetwiz/assetwiz/steps"
)

// efsBackend plans the EFS file systems and mount targets.
func (a *app) efsBackend(ans *steps.Answers, offline bool) (provision.Backend, error) {
	if offline || len(efs.FileSystems(ans)) == 0 {
		return efs.Offline{}, nil
	}
	return nil, errNotLive("EFS file systems")
}

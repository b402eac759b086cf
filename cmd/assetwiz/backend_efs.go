package main

import (
	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/efs"
	"github.com/assetwiz/assetwiz/steps"
)

// efsBackend plans the EFS file systems, their mount targets and the mount snippets: live
// against the EFS API (AWS_ENDPOINT_URL_EFS honoured), or offline.
func (a *app) efsBackend(ans *steps.Answers, offline bool) (provision.Backend, error) {
	if offline || len(efs.FileSystems(ans)) == 0 {
		return efs.Offline{}, nil
	}
	live, err := efs.NewLive(a.ctx, ans, a.env.Getenv)
	if err != nil {
		return nil, failure(err)
	}
	return live, nil
}

package override

import (
	"github.com/assetwiz/assetwiz/presets"
	"github.com/assetwiz/assetwiz/steps"
)

// NextSteps are what the user does after apply, for the answers' toolkit generation and
// technique: where that generation reads the override, and what its build then does.
func NextSteps(a *steps.Answers) []string {
	tk, _ := presets.FindToolkit(a.Toolkit)
	out := []string{"Put the exports of " + a.Output.OverrideFile + " into " + tk.Overrides + "; the next build of the " + tk.Name + " toolkit uses them."}
	switch a.Technique {
	case steps.TechniqueS3fs:
		tool := a.MountToolUsed()
		out = append(out, "Build the servers (temporal): each mounts the buckets with "+tool+"; the mount for a server built already is in "+a.Output.SnippetsDir+"/"+tool+"/.")
		if a.Toolkit == steps.ToolkitCurrent && tool != steps.MountToolRclone {
			out = append(out, "Set DATASTOREMOUNTTOOL:"+steps.BuildstyleTool(tool)+":... in the toolkit's builddescriptors/buildstyles.dat (its default is rclone:binary), so the build mounts with "+tool+".")
		}
	case steps.TechniqueEFS:
		out = append(out, "Build the servers (temporal) on AWS: when the build machine asks \"Do you want to use Elastic File System\", answer Y (its answer replaces ENABLE_EFS); each web server then mounts the EFS file system named after the site and directory.")
	case steps.TechniquePlugin:
		if app, ok := presets.FindApplication(a.Application); ok {
			out = append(out, "Install "+app.Plugin.Name+" ("+app.Plugin.URL+") and point it at the buckets; its settings are in "+a.Output.SnippetsDir+"/plugin/.")
		}
	case steps.TechniqueLocal:
		out = append(out, "Uploads stay on each server's disk: nothing is offloaded.")
	}
	switch {
	case a.CDNHostAsked():
		// The plugin links uploads to the CDN host, whose proxied record assetwiz makes.
		out = append(out, "Uploads are served from https://"+a.CDNHost()+"/, whose proxied record assetwiz made, so the cache rules apply.")
	case a.CDN.Provider == steps.CDNCloudflare:
		out = append(out, "Keep "+a.WebsiteURL+" proxied through Cloudflare (orange cloud), so the cache rules apply.")
	}
	switch {
	case a.HasBackup():
		// The paths are provision/backup's (ConfigDir, EnvFile), which imports this package.
		dir := a.Output.SnippetsDir + "/backup"
		out = append(out, "Keep the second copy: on a server that runs daily, copy "+dir+"/assetwiz-backup.service and assetwiz-backup.timer into /etc/systemd/system "+
			"(or "+dir+"/assetwiz-backup.cron into /etc/cron.d), the answers into /etc/assetwiz/assetwiz.yaml, and "+
			steps.ExportS3AccessKey+", "+steps.ExportS3SecretKey+", "+steps.EnvBackupAccessKey+", "+steps.EnvBackupSecretKey+
			" into /etc/assetwiz/backup.env (mode 0600); then `systemctl enable --now assetwiz-backup.timer`.",
			"Run the first backup now: `assetwiz backup` (with those four variables set).")
	case a.MakesBuckets():
		out = append(out, "The buckets hold the only copy of the uploads: to keep a second one, answer the Second copy step (assetwiz init) and run `assetwiz backup`.")
	}
	return append(out, "Run `assetwiz verify` to check the result.")
}

package backup

import (
	"strings"

	"github.com/assetwiz/assetwiz/steps"
)

// Where the schedule expects things on the server: the answers in /etc/assetwiz (the
// default answers file there), the keys in an environment file only root reads.
const (
	ConfigDir = "/etc/assetwiz"
	EnvFile   = ConfigDir + "/backup.env"
	LogFile   = "/var/log/assetwiz-backup.log"
)

type scheduleFile struct {
	name, what, content string
}

// ScheduleFiles are the cron line and the systemd service and timer that run
// `assetwiz backup` daily at 03:17 (off the hour, when schedulers everywhere pile up).
func ScheduleFiles(a *steps.Answers) []scheduleFile {
	if !a.HasBackup() {
		return nil
	}
	cmd := "assetwiz backup --progress plain"
	keys := strings.Join([]string{steps.ExportS3AccessKey, steps.ExportS3SecretKey, steps.EnvBackupAccessKey, steps.EnvBackupSecretKey}, ", ")
	return []scheduleFile{
		{"backup/assetwiz-backup.cron", "cron line for /etc/cron.d/assetwiz-backup", `# /etc/cron.d/assetwiz-backup: copy the asset buckets to their backup every day at 03:17.
# ` + EnvFile + ` (mode 0600) holds ` + keys + ` as NAME=value lines.
# The answers are ` + ConfigDir + `/assetwiz.yaml.
PATH=/usr/local/bin:/usr/bin:/bin
17 3 * * * root cd ` + ConfigDir + ` && set -a && . ` + EnvFile + ` && set +a && ` + cmd + ` >>` + LogFile + ` 2>&1
`},
		{"backup/assetwiz-backup.service", "systemd service for /etc/systemd/system", `# /etc/systemd/system/assetwiz-backup.service: one run of assetwiz backup.
# ` + EnvFile + ` (mode 0600) holds ` + keys + ` as NAME=value lines.
[Unit]
Description=Copy the site's asset buckets to their backup (assetwiz backup)
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
WorkingDirectory=` + ConfigDir + `
EnvironmentFile=` + EnvFile + `
ExecStart=/usr/bin/env ` + cmd + `
`},
		{"backup/assetwiz-backup.timer", "systemd timer for /etc/systemd/system (systemctl enable --now assetwiz-backup.timer)", `# /etc/systemd/system/assetwiz-backup.timer: runs assetwiz-backup.service every day at 03:17.
# Use this or the cron line, not both.
[Unit]
Description=Daily backup of the site's asset buckets

[Timer]
OnCalendar=*-*-* 03:17:00
RandomizedDelaySec=10min
Persistent=true

[Install]
WantedBy=timers.target
`},
	}
}

#!/usr/bin/env bash
# The same with rclone: `rclone mkdir` and the S3 backend's `versioning` command (which sets
# the status, then reads it back), per bucket, one after another.
# Usage: rclone.sh REMOTE BUCKET...   (the remote configured through RCLONE_CONFIG_<REMOTE>_*)
set -euo pipefail
remote=$1
shift
for b in "$@"; do
	rclone mkdir "$remote:$b"
	rclone backend versioning "$remote:$b" Enabled >/dev/null
done

#!/usr/bin/env bash
# What the toolkit itself does with s3cmd: `s3cmd mb` per bucket, one after another.
# Versioning: s3cmd 2.3.0 (Debian 12) has no command for it (`setversioning` came later), so
# when this s3cmd lacks it the buckets are made without versioning, and RESULTS.md says so.
# Usage: s3cmd.sh S3CFG BUCKET...
set -euo pipefail
cfg=$1
shift
versioning=
if s3cmd --help 2>/dev/null | grep -q setversioning; then versioning=1; fi
for b in "$@"; do
	s3cmd -c "$cfg" mb "s3://$b" >/dev/null
	if [[ -n $versioning ]]; then
		s3cmd -c "$cfg" setversioning "s3://$b" enable >/dev/null
	fi
done

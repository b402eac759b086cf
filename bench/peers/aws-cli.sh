#!/usr/bin/env bash
# What a toolkit user scripts with aws-cli: for each bucket, one after another, create it,
# turn versioning on and expire old versions after 30 days (what assetwiz does). Usage: aws-cli.sh ENDPOINT BUCKET...   (keys from AWS_ACCESS_KEY_ID/...)
set -euo pipefail
endpoint=$1
shift
aws=${AWS_CLI:-aws}
for b in "$@"; do
	"$aws" --endpoint-url "$endpoint" s3api create-bucket --bucket "$b" >/dev/null
	"$aws" --endpoint-url "$endpoint" s3api put-bucket-versioning --bucket "$b" \
		--versioning-configuration Status=Enabled
	"$aws" --endpoint-url "$endpoint" s3api put-bucket-lifecycle-configuration --bucket "$b" \
		--lifecycle-configuration '{"Rules":[{"ID":"noncurrent-version-expiry","Status":"Enabled","Filter":{"Prefix":""},"NoncurrentVersionExpiration":{"NoncurrentDays":30}}]}'
done

#!/usr/bin/env bash
# End-to-end run of the wizard in tmux, as a user types it: builds assetwiz, runs
# `assetwiz init --dry-run` in a temporary folder at 80x24, answers a WordPress temporal s3fs
# site at DigitalOcean with send-keys, shows each screen (capture-pane -p), and checks the
# saved assetwiz.yaml and that nothing else was written. Needs tmux.
#   scripts/wizard-e2e.sh          # quiet; SHOW=1 prints every screen
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
session="assetwiz-e2e-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT

(cd "$root" && go build -o "$work/assetwiz" ./cmd/assetwiz)
mkdir "$work/site"
tmux new-session -d -s "$session" -x 80 -y 24 \
	"cd '$work/site' && AWS_ENDPOINT_URL_S3=http://127.0.0.1:9 S3_ACCESS_KEY=AKIAXYZZY S3_SECRET_KEY=plughplugh '$work/assetwiz' init --dry-run; echo EXIT=\$? > '$work/exit'; sleep 30"

screen() { tmux capture-pane -p -t "$session"; }
# waitfor TEXT [TENTHS]: wait until the screen shows TEXT (5 s unless told), then show it when SHOW=1.
waitfor() {
	for _ in $(seq "${2:-50}"); do
		if screen | grep -qF -- "$1"; then
			[ -n "${SHOW:-}" ] && { echo "----- $1"; screen; }
			return 0
		fi
		sleep 0.1
	done
	echo "FAIL: the screen never showed: $1" >&2
	screen >&2
	exit 1
}
keys() { tmux send-keys -t "$session" "$@"; sleep 0.15; }

waitfor "Step 1 of";            keys Enter                   # current
waitfor "How is the site built"; keys Enter                  # temporal
waitfor "temporal backup";       keys Down Enter             # daily
waitfor "Application and site";  keys Down Enter             # WordPress
keys -l "https://www.example.com/"
waitfor "✓ www.example.com";     keys Enter
waitfor "Asset directories";     keys Enter Enter
waitfor "How should the servers"; keys Enter                 # s3fs (temporal's default)
waitfor "Which tool mounts";     keys Down Down Enter        # goofys (the build's DATASTOREMOUNTTOOL:goof)
waitfor "Storage provider";      keys Down Enter             # digitalocean
waitfor "Region at";             keys Down Enter             # nyc3
waitfor "in the environment"; keys Enter Enter       # keys from the environment
# Testing the keys goes to 127.0.0.1:9 (AWS_ENDPOINT_URL_S3: tests stay on loopback) and fails: go on anyway.
if screen | grep -q "Testing the keys\|Continue anyway"; then
	waitfor "Continue anyway"; keys Down Down Enter
fi
waitfor "Keep old versions";     keys Enter Enter            # versioning, 30 days
waitfor "Serve uploads";         keys Enter                  # no CDN
waitfor "Override file";         keys Enter Enter
waitfor "The plan (as" 600    # planning retries the unreachable endpoint before the offline plan
screen | grep -q "dry-run: nothing is applied" || { echo "FAIL: no dry-run note" >&2; exit 1; }
screen | grep -q "Apply this plan" && { echo "FAIL: apply offered with --dry-run" >&2; exit 1; }
keys Enter                                                    # save the answers and quit
for _ in $(seq 50); do [ -s "$work/exit" ] && break; sleep 0.1; done
[ -n "${SHOW:-}" ] && { echo "----- end"; screen; }

fail() { echo "FAIL: $*" >&2; cat "$work/site/assetwiz.yaml" >&2 || true; exit 1; }
grep -q "EXIT=0" "$work/exit" || fail "exit $(cat "$work/exit")"
y="$work/site/assetwiz.yaml"
for want in "mode: temporal" "period: daily" "application: wordpress" "website_url: www.example.com" \
	"technique: s3fs" "mount_tool: goofys" "provider: digitalocean" "region: nyc3"; do
	grep -qF "$want" "$y" || fail "assetwiz.yaml lacks '$want'"
done
grep -q "plugh\|XYZZY" "$y" && fail "a secret was saved"
[ "$(ls -A "$work/site")" = "assetwiz.yaml" ] || fail "--dry-run wrote more than the answers: $(ls -A "$work/site")"
# The saved answers plan the same without the wizard.
(cd "$work/site" && "$work/assetwiz" plan --offline >/dev/null) || fail "assetwiz plan cannot read the saved answers"
echo "ok: wizard e2e (dry-run) saved assetwiz.yaml"

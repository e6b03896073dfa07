#!/usr/bin/env bash
# Measures a whole `slackprov sync --dry-run` of N directory users (default
# 1,000,000; 1% changed) against the Slack emulator in its own process, with
# its rate limits off: CPU time (user + system) and peak resident memory of
# the slackprov process alone (/usr/bin/time -v), and the garbage
# collector's last cycle (GODEBUG=gctrace=1): the peak is about the heap live
# at that cycle plus all that is allocated after it. docs/performance.md
# records the figures.
#
#   bash bench/dryrun.sh            # 1M users
#   bash bench/dryrun.sh 100000     # 100k users
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
out=$(mktemp -d)
emu=""
cleanup() {
	if [ -n "$emu" ]; then kill "$emu" 2>/dev/null || true; fi
	rm -rf "$out"
}
trap cleanup EXIT

go build -o "$out/slackprov" .
go run bench/dryrun-data.go -users "$n" -dir "$out"

"$out/slackprov" emulator --port 0 --no-rate-limits --seed "$out/slack-seed.json" >"$out/emulator.log" 2>&1 &
emu=$!
for _ in $(seq 600); do
	grep -q 'listening at' "$out/emulator.log" && break
	kill -0 "$emu" 2>/dev/null || { cat "$out/emulator.log"; exit 1; }
	sleep 1
done
url=$(sed -n 's/.*listening at \(http[^ ]*\).*/\1/p' "$out/emulator.log")

cat >"$out/cfg.yaml" <<CFG
slack:
  scim_url: $url/scim/v2/
  rate_share: 1000
source:
  type: file
  file:
    path: $out/people.json
state_dir: $out/state
CFG

echo "== sync --dry-run of $n users (1% changed)"
set +e
GODEBUG=gctrace=1 SLACKPROV_SLACK_TOKEN=xoxp-emulator-token /usr/bin/time -v "$out/slackprov" --config "$out/cfg.yaml" \
	sync --dry-run --detailed-exitcode >"$out/plan.txt" 2>"$out/time"
code=$?
set -e
if [ "$code" != 2 ]; then
	echo "sync exited $code, expected 2 (changes planned)"; tail -20 "$out/plan.txt" "$out/time"; exit 1
fi
grep -E '^Plan:' "$out/plan.txt"
grep -E 'User time|System time|Maximum resident set size|Elapsed' "$out/time"
echo "collections: $(grep -c '^gc ' "$out/time"); the last (heap at start->end->live MB, goal):"
grep '^gc ' "$out/time" | tail -1 | grep -oE '[0-9]+->[0-9]+->[0-9]+ MB, [0-9]+ MB goal'
awk -F': ' '/User time/{u=$2} /System time/{s=$2} END{printf "CPU (user+system): %.2f s\n", u+s}' "$out/time"

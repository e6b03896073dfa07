#!/usr/bin/env bash
# Measures planning: CPU time and allocations per plan (go test -bench) and
# the peak resident memory of one 100k-user plan (/usr/bin/time). Also prints
# the Slack request counts of the 2,000-user end-to-end sync.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== planning benchmarks (directory and Slack both populated, 1% changed)"
go test -run '^$' -bench 'Build' -benchmem -count 3 ./provision/ | grep -E '^Benchmark'

echo "== peak memory of the 100k benchmark process (setup included: 100k directory users, 100k Slack users)"
go test -c -o "$out/provision.test" ./provision/
/usr/bin/time -v "$out/provision.test" -test.run '^$' -test.bench 'Build100k' -test.benchtime 1x 2>"$out/time" >/dev/null
grep -E 'Maximum resident set size|User time|Elapsed' "$out/time"

echo "== mapping evaluation cost per user"
go test -run '^$' -bench 'Eval' -benchmem ./mapping/ | grep -E '^Benchmark'

echo "== Slack requests of the 2,000-user end-to-end sync"
go test -count=1 -run 'TestEndToEndCompanySync' -v ./provision/ | grep -E 'requests:' || true

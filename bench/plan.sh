#!/usr/bin/env bash
# Measures planning: CPU time and allocations per plan and per user (go test -bench), the
# peak resident memory of one 100k-user plan (/usr/bin/time), the mapping
# evaluation cost, and the Slack and Graph request counts of the end-to-end
# syncs. docs/performance.md records the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== planning benchmarks (directory and Slack both populated, 1% changed)"
go test -run '^$' -bench 'Build(10k|100k|100kDirectMapping)$' -benchmem -count 6 -benchtime 3x ./provision/ | grep -E '^Benchmark'

echo "== scaling: 300k and 1M users (minutes; bench/scaling.sh compares 100k and 1M per user)"
go test -run '^$' -bench 'Build(300k|1M)$' -benchmem -benchtime 2x -timeout 60m ./provision/ | grep -E '^Benchmark'

echo "== peak memory of the 100k benchmark process (setup included: 100k directory users, 100k Slack users)"
go test -c -o "$out/provision.test" ./provision/
/usr/bin/time -v "$out/provision.test" -test.run '^$' -test.bench 'Build100k$' -test.benchtime 1x 2>"$out/time" >/dev/null
grep -E 'Maximum resident set size|User time|Elapsed' "$out/time"

echo "== mapping evaluation cost per user"
go test -run '^$' -bench 'Eval' -benchmem ./mapping/ | grep -E '^Benchmark'

echo "== Slack requests of the 2,000-user end-to-end sync"
go test -count=1 -run 'TestEndToEndCompanySync' -v ./provision/ | grep -E 'requests:'

echo "== Graph and Slack requests of the 5,000-user Entra syncs"
go test -count=1 -run 'TestEntraFullThenIncremental' -v ./commands/ | grep -E 'requests|incremental:'


#!/usr/bin/env bash
# Measures how planning scales, the way a sync plans: one plan per process,
# so every size pays the same fresh heap. Runs BenchmarkBuild1M and
# BenchmarkBuild100k (a re-sync: every user linked), or with
# PLAN=BuildFirstSync the first sync of an org whose accounts exist (no
# links: every user found by externalId), with -benchtime 1x in fresh
# processes, interleaved (one
# 1M run, then two 100k runs, ROUNDS times, default 5) so that the machine's
# drift falls on both sizes alike, and prints each run's CPU per user (user +
# system), system time, bytes and page faults per user, the medians, and the
# 1M/100k ratios of the medians (issue 16: within 1.2).
#
#   bash bench/scaling.sh
#   ROUNDS=9 bash bench/scaling.sh
#   PLAN=BuildFirstSync bash bench/scaling.sh
#   PLAN_TEST=/tmp/before.test bash bench/scaling.sh   # a test binary built
#                                                      # elsewhere (go test -c)
# docs/performance.md records the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bin=${PLAN_TEST:-}
if [ -z "$bin" ]; then
	bin="$out/plan.test"
	go test -c -o "$bin" ./provision/
fi

# plan SIZE USERS: one plan in a fresh process; prints "cpu-ns sys-ns bytes
# faults", per user.
plan() {
	"$bin" -test.run '^$' -test.bench "${PLAN:-Build}$1\$" -test.benchmem -test.benchtime 1x |
		awk -v users="$2" '/^Benchmark/ {
			for (i = 3; i < NF; i++) m[$(i+1)] = $i
			printf "%s %s %.0f %s\n", m["cpu-ns/user"], m["sys-ns/user"], m["B/op"] / users, m["faults/user"]
		}'
}

for _ in $(seq "${ROUNDS:-5}"); do
	plan 1M 1000000 >>"$out/1M"
	plan 100k 100000 >>"$out/100k"
	plan 100k 100000 >>"$out/100k"
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for size in 100k 1M; do
	echo "== $size, one plan per process: cpu-ns/user sys-ns/user B/user faults/user"
	cat "$out/$size"
	printf 'median: %s cpu-ns/user, %s B/user\n' "$(cut -d' ' -f1 "$out/$size" | median)" "$(cut -d' ' -f3 "$out/$size" | median)"
done
for col in 1 3; do
	awk -v a="$(cut -d' ' -f"$col" "$out/100k" | median)" -v b="$(cut -d' ' -f"$col" "$out/1M" | median)" \
		-v name="$([ "$col" = 1 ] && echo "CPU per user" || echo "bytes per user")" \
		'BEGIN { printf "%s, 1M / 100k: %.2f\n", name, b / a }'
done

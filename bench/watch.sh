#!/usr/bin/env bash
# Measures `slackprov watch` against the emulators (Slack with its rate
# limits on, Entra with delta queries): directory change → Slack latency at
# --interval 30s (median and max over 20 changes, about three minutes), and
# the requests of an idle cycle for a 10,000-user tenant (Slack, Graph and
# token requests per cycle; the first full sync of 10,000 users comes
# first). docs/service.md records the figures.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== change → Slack latency at --interval 30s, 20 changes"
go test -run '^$' -bench 'WatchLatency30s' -benchtime 1x -timeout 30m ./commands/ | grep -E '^Benchmark|FAIL'

echo "== requests per idle cycle, 10,000-user tenant"
go test -run '^$' -bench 'WatchIdle10k' -benchtime 1x -timeout 60m -v ./commands/ | grep -E '^Benchmark|Graph requests|FAIL'

#!/usr/bin/env bash
# Measures slackprov's writes while another SCIM app spends the same org's
# budget, against the Slack emulator at Slack's real limits and real clock
# (about 2.5 minutes): the sustained creates per minute as a share of what
# the other app leaves, and the time back to the budgeted rate after a 429
# storm. Then the same sharing on a simulated clock over ten minutes, for
# other apps spending 0 to 120 of the 180 creates a minute.
# docs/performance.md records the figures.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== against the emulator, real clock"
go test -run '^$' -bench 'CompetingClient' -benchtime 1x ./scim/ | grep -E '^Benchmark|FAIL|competing_test'

echo "== simulated clock, 10 minutes each"
go test -count=1 -run 'TestPacerSharesOrgWithCompetitor' -v ./scim/ | grep -E 'slackprov [0-9]'

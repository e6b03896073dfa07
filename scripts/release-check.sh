#!/usr/bin/env bash
# Checks the release configuration the way a release would use it:
# `goreleaser check`, then a snapshot build of the linux/amd64 target whose
# binary must print the version GoReleaser injected.
#
# GoReleaser comes from the Go module proxy, pinned. Building it cold takes
# long (docs/releasing.md has the figures), so the binary is kept in
# $(go env GOPATH)/bin and reinstalled only when the pinned version is not
# the one found there.
set -euo pipefail
cd "$(dirname "$0")/.."

GORELEASER_VERSION=v2.15.1
bin="$(go env GOPATH)/bin/goreleaser"
if ! "$bin" --version 2>/dev/null | grep -Eq "GitVersion: +v?${GORELEASER_VERSION#v}$"; then
  echo "installing goreleaser $GORELEASER_VERSION from the Go module proxy (cold: several minutes)"
  go install "github.com/goreleaser/goreleaser/v2@$GORELEASER_VERSION"
fi

"$bin" check

# GoReleaser reads the commit only where git has a remote (a clone does; a
# bare `git init` or some worktrees do not): build from a local clone then.
src=.
if [ -z "$(git remote)" ]; then
  src=$(mktemp -d)
  trap 'rm -rf "$src"' EXIT
  git clone -q . "$src"
  git -C "$src" checkout -q "$(git rev-parse HEAD)"
fi
# A clean clone has no tag: the snapshot version is derived from v0.0.0.
(cd "$src" && GOOS=linux GOARCH=amd64 "$bin" build --snapshot --clean --single-target >/dev/null)
out=$("$src"/dist/slackprov_linux_amd64*/slackprov --version)
echo "$out"
case "$out" in
  "slackprov 0.0.1-next+"*" (commit "*", built "*")") ;;
  *) echo "the snapshot binary does not print the injected version: $out" >&2; exit 1 ;;
esac
commit=$(git rev-parse HEAD)
case "$out" in
  *"commit $commit"*) ;;
  *) echo "the snapshot binary does not print the injected commit $commit: $out" >&2; exit 1 ;;
esac

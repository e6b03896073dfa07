#!/usr/bin/env bash
# The test command: vets, then runs every test, the real-keychain and
# real-browser ones included, and checks the release configuration
# (scripts/release-check.sh). It installs what those need on a Debian machine
# (as root) and runs the suite inside a private D-Bus session with an
# unlocked gnome-keyring, so go-keyring talks to the real Secret Service.
set -euo pipefail
cd "$(dirname "$0")/.."

packages="gnome-keyring dbus dbus-user-session libsecret-tools chromium tmux openssl man-db groff-base"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing packages:$missing — install them (sudo apt-get install$missing) and rerun" >&2
    exit 1
  fi
  echo "installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

go vet ./...
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change: $unformatted" >&2
  exit 1
fi

# The release configuration: `goreleaser check` and a linux/amd64 snapshot
# that prints its injected version (about 45 s warm; see docs/releasing.md).
bash scripts/release-check.sh

export SLACKPROV_TEST_KEYRING=1
export SLACKPROV_TEST_BROWSER=/usr/bin/chromium
# The keyring lives in a fresh data dir each run: a login keyring left by an
# earlier run (with another password) would refuse to unlock.
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
dbus-run-session -- sh -c '
  printf %s "slackprov-test-keyring" | XDG_DATA_HOME="$0" gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec go test -count=1 -timeout 20m "$@" ./...
' "$keyring_home" "$@"

# Each fuzz target, briefly, on top of its committed corpus (testdata/fuzz);
# one line per target. A count, not a duration: a -fuzztime duration can fail
# with "context deadline exceeded" and no crasher on a busy machine
# (go.dev/issue/75804).
go test -run '^$' -fuzz '^FuzzParseJSON$' -fuzztime 60000x ./directory/file/
go test -run '^$' -fuzz '^FuzzParseCSV$' -fuzztime 100000x ./directory/file/
go test -run '^$' -fuzz '^FuzzLoadConfig$' -fuzztime 20000x ./commands/

#!/bin/sh
# Writes the shell completions and the man page that the release archives,
# packages and Homebrew cask ship, generated from the command tree.
set -eu
cd "$(dirname "$0")/.."
rm -rf completions manpages
mkdir -p completions manpages
go build -o completions/.slackprov .
for shell in bash zsh fish; do
  completions/.slackprov completion "$shell" > "completions/slackprov.$shell"
done
completions/.slackprov man | gzip -9n > manpages/slackprov.1.gz
rm completions/.slackprov

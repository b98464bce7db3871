#!/usr/bin/env bash
# Installs the pinned CDK Terrain fork of fork/package-lock.json outside the repository and prints
# the folder it is in. The folder is named after the hash of fork/package.json and its lockfile and
# appears only complete (installed beside it, then renamed): the next run reuses it at once, and a
# changed pin installs anew. A cold machine needs the npm registry; npm's cache serves the rest.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/kafka-privatelink"
hash="$(cat "$here/fork/package.json" "$here/fork/package-lock.json" | sha256sum | cut -c1-16)"
dest="$cache/fork-$hash"
mkdir -p "$cache"
# Parallel test runs (and sibling checkouts) share the folder: one installs, the others wait.
exec 9>"$cache/fork.lock"
flock 9
if [[ ! -d "$dest" ]]; then
  staging="$dest.staging-$$"
  trap 'rm -rf "$staging"' EXIT
  mkdir -p "$staging"
  cp "$here/fork/package.json" "$here/fork/package-lock.json" "$staging/"
  # The fork's packages declare Node >= 22.11; the library runs on Node 20 too, which the check proves.
  if ! (cd "$staging" && npm ci --no-audit --no-fund --loglevel=error) >&2; then
    echo "fork-check: could not install tools/fork-check/fork/package-lock.json (npm ci failed above)" >&2
    exit 1
  fi
  mv "$staging" "$dest"
fi
echo "$dest"

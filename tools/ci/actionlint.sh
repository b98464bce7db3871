#!/usr/bin/env bash
# Runs actionlint, the GitHub Actions workflow linter, on the given workflow files (default: all of
# .github/workflows). actionlint is built from the Go module proxy on first use into ~/.cache,
# outside the repository, pinned to one version.
#
#   tools/ci/actionlint.sh [workflow file]...
#
# Exit status: actionlint's (0 clean, 1 problems found), or 3 when it could not be built.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
version=v1.7.12
bin_dir="${XDG_CACHE_HOME:-$HOME/.cache}/kafka-privatelink/actionlint-$version"
if [ ! -x "$bin_dir/actionlint" ]; then
  command -v go >/dev/null || { echo "actionlint.sh: go is not on PATH: install Go (the README's machine has Go 1.26) to build actionlint" >&2; exit 3; }
  echo "actionlint.sh: building actionlint $version into $bin_dir" >&2
  GOBIN="$bin_dir" go install "github.com/rhysd/actionlint/cmd/actionlint@$version" >&2 || { echo "actionlint.sh: building actionlint $version failed" >&2; exit 3; }
fi
if [ "$#" -eq 0 ]; then
  set -- .github/workflows/*.yml
fi
# shellcheck and pyflakes checks of run: scripts run only where those tools are installed; the
# workflow's own checks always do.
exec "$bin_dir/actionlint" -no-color "$@"

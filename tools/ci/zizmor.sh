#!/usr/bin/env bash
# Runs zizmor, the security linter for GitHub Actions workflows, on the given workflow files
# (default: all of .github/workflows), offline: only the audits that need no GitHub API. zizmor is
# installed from PyPI on first use into a virtual environment under ~/.cache, outside the
# repository, pinned to one version.
#
#   tools/ci/zizmor.sh [workflow file]...
#
# Exit status: zizmor's (0 clean, 10-14 findings by their highest severity, 1 a usage or parse
# error), or 3 when it could not be installed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
version=1.33.1
venv="${XDG_CACHE_HOME:-$HOME/.cache}/kafka-privatelink/zizmor-$version"
if [ ! -x "$venv/bin/zizmor" ]; then
  command -v python3 >/dev/null || { echo "zizmor.sh: python3 is not on PATH: install Python 3 (the README's machine has Python 3.11) to install zizmor" >&2; exit 3; }
  echo "zizmor.sh: installing zizmor $version into $venv" >&2
  rm -rf "$venv"
  { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet --disable-pip-version-check "zizmor==$version"; } >&2 || { echo "zizmor.sh: installing zizmor $version failed" >&2; rm -rf "$venv"; exit 3; }
fi
if [ "$#" -eq 0 ]; then
  set -- .github/workflows/*.yml
fi
# pedantic: every finding, code smells included; a finding that is accepted is explained where it is.
exec "$venv/bin/zizmor" --offline --no-progress --color=never --format=plain --persona=pedantic "$@"

#!/usr/bin/env bash
# Every test of the repository, in one run (`npm test`): per project the type-check, lint and unit
# tests; the checkov scan of the synthesized stacks; the twin's end-to-end run with real Kafka.
# Runs all of them even when one fails, then prints one closing line and fails if anything did.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export CHECKPOINT_DISABLE=1 NX_NO_CLOUD=true

rm -rf .gen/test-results
status=0
step() {
  echo "== $*"
  "$@" || { echo "== FAILED: $*"; status=1; }
}
step npx nx run-many -t typecheck lint test --output-style=static
step npx nx run provider:scan --output-style=static
step npx nx run twin:verify --output-style=static
step node tools/ci/summary.mjs
exit "$status"

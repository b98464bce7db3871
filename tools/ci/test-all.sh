#!/usr/bin/env bash
# Every test of the repository, in one run (`npm test`): per project the type-check, lint and unit
# tests; the checkov scan of the synthesized stacks; the twin's end-to-end runs with real Kafka
# (the exposure, then TLS, SASL_SSL and faults);
# real Terraform with the real AWS provider against the AWS emulator.
# Runs all of them even when one fails, then prints one closing line and fails if anything did.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export CHECKPOINT_DISABLE=1 NX_NO_CLOUD=true

rm -rf .gen/test-results
mkdir -p .gen
# Terraform first (on PATH for the unit tests that evaluate expressions with it); it is on the
# machine or builds in minutes.
terraform_bin="$(bash tools/emulator/provision.sh --terraform-only)" || { echo "== FAILED: providing Terraform"; exit 1; }
export PATH="$(dirname "$terraform_bin"):$PATH"
# On a new machine the AWS provider is built from source (about 45 minutes on 2 cores): start
# that first, beside the other tests; emulator:verify waits for it. With ~/.cache warm it takes seconds.
bash tools/emulator/provision.sh >.gen/provision.log 2>&1 &
provision=$!
status=0
step() {
  echo "== $*"
  "$@" || { echo "== FAILED: $*"; status=1; }
}
step npx nx run-many -t typecheck lint test --output-style=static
step npx nx run provider:scan --output-style=static
step npx nx run twin:verify --output-style=static
step npx nx run twin:faults --output-style=static
echo "== provisioning Terraform, the AWS provider and the emulator (log: .gen/provision.log)"
wait "$provision" || { tail -5 .gen/provision.log; echo "== FAILED: provisioning"; status=1; }
step npx nx run emulator:verify --output-style=static
step node tools/ci/summary.mjs
exit "$status"

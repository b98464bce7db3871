#!/usr/bin/env bash
# Every test of the repository, in one run (`npm test`): per project the type-check, lint and unit
# tests and the checkov scan of the synthesized stacks, beside real Terraform with the real AWS
# provider against the AWS emulator (emulator:verify, its scenarios side by side); then the twin's
# end-to-end runs with real Kafka (the exposure, then TLS, SASL_SSL and faults).
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
# Each step's output goes to .gen/test-logs/<step>.log and is printed whole when the step ends,
# with its time; its exit code to <step>.rc. Steps of one lane run one after another, lanes side
# by side.
logs=.gen/test-logs
rm -rf "$logs"
mkdir -p "$logs"
# On a new machine the AWS provider is built from source (about 45 minutes on 2 cores): start
# that first, beside the other tests; emulator:verify waits for it. With ~/.cache warm it takes seconds.
{ bash tools/emulator/provision.sh >.gen/provision.log 2>&1; echo $? >"$logs/provision.rc"; } &
step() {
  local name=$1 started=$SECONDS
  shift
  echo "== started $name: $*"
  "$@" >"$logs/$name.log" 2>&1
  local rc=$?
  echo "$rc" >"$logs/$name.rc"
  # One step's output at a time, whole.
  {
    flock 9
    echo "== $name: $*"
    cat "$logs/$name.log"
    if [[ $rc -eq 0 ]]; then echo "== passed $name in $((SECONDS - started)) s"; else echo "== FAILED: $name (exit $rc) in $((SECONDS - started)) s"; fi
  } 9>"$logs/print.lock"
}
# The unit suite and the checkov scan synthesize into the repository's cdktf.out and run nx there,
# as emulator:verify's used-by commands do: those wait for this lock (KAFKA_PRIVATELINK_CDKTF_OUT_LOCK),
# while the emulator's scenarios, which use folders of their own, run beside the unit suite.
export KAFKA_PRIVATELINK_CDKTF_OUT_LOCK="$PWD/$logs/cdktf-out.lock"
(
  flock 8
  step unit npx nx run-many -t typecheck lint test --output-style=static
  step scan npx nx run provider:scan --output-style=static
) 8>"$KAFKA_PRIVATELINK_CDKTF_OUT_LOCK" &
repository=$!
(
  echo "== waiting for the provisioning of Terraform, the AWS provider and the emulator (log: .gen/provision.log)"
  while [[ ! -f "$logs/provision.rc" ]]; do sleep 5; done
  [[ "$(cat "$logs/provision.rc")" == 0 ]] || { tail -5 .gen/provision.log; echo "== FAILED: provisioning"; }
  step emulator npx nx run emulator:verify --output-style=static
) &
emulator=$!
wait "$repository" "$emulator"
# The twin's checks time down windows, detection and idle timeouts: they run after the others,
# not beside them on a 2-core machine.
step twin-verify npx nx run twin:verify --output-style=static
step twin-faults npx nx run twin:faults --output-style=static
status=0
for rc in "$logs"/*.rc; do [[ "$(cat "$rc")" == 0 ]] || status=1; done
step summary node tools/ci/summary.mjs
[[ "$(cat "$logs/summary.rc")" == 0 ]] || status=1
exit "$status"

#!/usr/bin/env bash
# What the saved plans of some stacks will do, for a reviewer: the Jenkinsfile's approval gates
# show the summary, and the build keeps both files.
#
#   tools/ci/plan-summary.sh <name> <stack folder>...
#
# <name>: [a-z0-9-] parts separated by single dots, e.g. provider or cluster-payments.provider.
#
# Writes plans/<name>.txt (each stack's whole plan, from `terraform show`) and
# plans/<name>.summary.txt (per stack, one line per resource change and Terraform's counts).
# Exit status: 0 written, 1 terraform could not read a plan, 2 wrong arguments or no saved plan.
set -euo pipefail
if [ "$#" -lt 2 ]; then
  echo "usage: plan-summary.sh <name> <stack folder>..." >&2
  exit 2
fi
name="$1"
shift
# The name is a file name in plans/, never a path elsewhere.
if ! [[ "$name" =~ ^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)*$ ]]; then
  echo "plan-summary: name ${name@Q} must be lower-case letters, digits and hyphens, in parts separated by single dots (e.g. cluster-payments.provider)" >&2
  exit 2
fi
mkdir -p plans
: >"plans/$name.txt"
: >"plans/$name.summary.txt"
for folder in "$@"; do
  # A stack the spec does not make (no acceptance required, no consumer: an unmatched glob).
  if [ ! -d "$folder" ]; then
    echo "== $(basename "$folder"): not in this synth, nothing to apply" >>"plans/$name.summary.txt"
    continue
  fi
  if [ ! -f "$folder/plan" ]; then
    echo "plan-summary: $folder/plan does not exist: plan the stack first (nx run <project>:diff)" >&2
    exit 2
  fi
  stack="$(basename "$folder")"
  shown="$(terraform -chdir="$folder" show -no-color plan)" || exit 1
  printf '== %s\n%s\n\n' "$stack" "$shown" >>"plans/$name.txt"
  {
    echo "== $stack"
    grep -E '^  # .+ (will|must) be ' <<<"$shown" || true
    grep -E '^(Plan: |No changes\.|Changes to Outputs:)' <<<"$shown" || true
  } >>"plans/$name.summary.txt"
done

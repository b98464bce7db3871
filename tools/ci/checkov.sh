#!/usr/bin/env bash
# Security scan of the synthesized Terraform JSON of every stack in the synth output, with checkov.
# Synthesizes first when the output holds no stack; exits non-zero on any failed check.
#
#   bash tools/ci/checkov.sh            # scans cdktf.out/stacks/*
#   CDKTF_OUTDIR=out bash tools/ci/checkov.sh
set -euo pipefail

CHECKOV_VERSION=3.3.30
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUTDIR="$(cd "$ROOT" && realpath -m "${CDKTF_OUTDIR:-cdktf.out}")"
# A virtualenv per checkov version, outside the repository, so that a pinned version is what runs.
VENV="${CHECKOV_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/checkov-$CHECKOV_VERSION}"

# Checks skipped for every stack. checkov reads suppression comments in HCL only; its
# terraform_json runner ignores them (and cdktf's "//" metadata), so each skip is listed here with
# its reason. Keep this list short: a skip needs a reason that holds for every stack.
SKIPS=(
  # "ELBv2 has access logging enabled": NLB access logs are written for TLS listeners only. The
  # NLBs here carry TCP listeners that pass Kafka's own protocol (and its TLS, when the listener
  # uses it) through to the brokers, so a log bucket would stay empty.
  CKV_AWS_91
)

# The package's metadata folder says which version is installed without starting checkov (~3 s).
if ! compgen -G "$VENV/lib/python3*/site-packages/checkov-$CHECKOV_VERSION.dist-info" >/dev/null || [[ ! -x "$VENV/bin/checkov" ]]; then
  echo "checkov.sh: installing checkov $CHECKOV_VERSION into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
fi

shopt -s nullglob
stacks=("$OUTDIR"/stacks/*/cdk.tf.json)
if [[ ${#stacks[@]} -eq 0 ]]; then
  echo "checkov.sh: no stack in $OUTDIR, synthesizing" >&2
  (cd "$ROOT" && CDKTF_OUTDIR="$OUTDIR" node --import tsx stacks/app/src/main.ts)
  stacks=("$OUTDIR"/stacks/*/cdk.tf.json)
fi
if [[ ${#stacks[@]} -eq 0 ]]; then
  echo "checkov.sh: the synth wrote no stack to $OUTDIR/stacks" >&2
  exit 1
fi

args=(--framework terraform_json --compact --quiet --skip-download --skip-check "$(IFS=,; echo "${SKIPS[*]}")")
for file in "${stacks[@]}"; do args+=(--file "$file"); done
# --skip-download: no calls to the vendor's platform (nothing is uploaded, and it works offline).
"$VENV/bin/checkov" "${args[@]}"

#!/usr/bin/env bash
# Provides what `npx nx run emulator:verify` runs: Terraform, the AWS provider and the AWS API
# emulator (moto with our PrivateLink extension). Everything lands under ~/.cache, outside the
# repository; a second run takes seconds. Writes a manifest of what it provided and where:
#
#   bash tools/emulator/provision.sh                   # prints the manifest's path on its last line
#   bash tools/emulator/provision.sh --terraform-only  # Terraform alone, linked as ~/.cache/kafka-privatelink/bin/terraform
#
# Terraform: the `terraform` on PATH when it is >= 1.10 (the S3 backend's native locking), else
#   Terraform $TERRAFORM_VERSION built from the Go module proxy.
# AWS provider: where the public Terraform registry answers, `terraform init` downloads the
#   pinned version as it does for every user, through a plugin cache. Where it does not (an
#   air-gapped machine), the provider is built once from the Go module proxy and installed into a
#   filesystem mirror under the pinned version's label; the manifest records what really stands
#   there. The build takes about 45 minutes on 2 cores, ~12 GB of memory and ~11 GB of disk.
set -euo pipefail

PINNED_AWS=6.25.0            # what @cdktf/provider-aws 21.22.1 requires in every stack
AWS_MODULE=github.com/hashicorp/terraform-provider-aws
AWS_MODULE_VERSION=v1.60.1-0.20260602190131-5f2286d6d836
TERRAFORM_VERSION=1.11.4
MOTO_VERSION=5.2.5
PYTEST_VERSION=9.0.2

CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/kafka-privatelink"
MANIFEST="$CACHE/emulator-tools.json"
mkdir -p "$CACHE"
# One provisioning at a time per machine: a second caller waits for the first one's build.
exec 9>"$CACHE/provision.lock"
flock 9
say() { echo "provision: $*" >&2; }
fail() { echo "provision: $*" >&2; exit 1; }

# --- Terraform ---------------------------------------------------------------------------------
terraform_ok() { "$1" version -json 2>/dev/null | python3 -c 'import json,sys; v=json.load(sys.stdin)["terraform_version"].split("."); sys.exit(0 if (int(v[0]),int(v[1]))>=(1,10) else 1)'; }
# Look past our own link: `npm test` puts $CACHE/bin first on PATH before it provisions the rest,
# and a link made to itself would loop. Link the real binary.
TERRAFORM="$(PATH="$(tr ':' '\n' <<<"$PATH" | grep -vxF "$CACHE/bin" | paste -sd: -)" command -v terraform || true)"
[[ -z "$TERRAFORM" ]] || TERRAFORM="$(readlink -f "$TERRAFORM")"
if [[ -z "$TERRAFORM" ]] || ! terraform_ok "$TERRAFORM"; then
  TERRAFORM="$CACHE/terraform-$TERRAFORM_VERSION/bin/terraform"
  if ! [[ -x "$TERRAFORM" ]]; then
    command -v go >/dev/null || fail "no terraform >= 1.10 on PATH and no Go to build Terraform $TERRAFORM_VERSION"
    say "building Terraform $TERRAFORM_VERSION from the Go module proxy (a few minutes)"
    GOBIN="$(dirname "$TERRAFORM")" GOFLAGS="-mod=mod -buildvcs=false" \
      go install "github.com/hashicorp/terraform@v$TERRAFORM_VERSION" || fail "building Terraform $TERRAFORM_VERSION failed"
  fi
fi
TERRAFORM_REAL="$("$TERRAFORM" version -json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["terraform_version"])')"
say "terraform $TERRAFORM_REAL at $TERRAFORM"
mkdir -p "$CACHE/bin"
ln -sfn "$TERRAFORM" "$CACHE/bin/terraform"
if [[ "${1:-}" == --terraform-only ]]; then
  echo "$CACHE/bin/terraform"
  exit 0
fi

# --- AWS provider ------------------------------------------------------------------------------
MIRROR="$CACHE/terraform-mirror"
PLUGIN_CACHE="$CACHE/terraform-plugin-cache"
CLI_CONFIG="$CACHE/terraform.rc"
MIRRORED="$MIRROR/registry.terraform.io/hashicorp/aws/$PINNED_AWS/linux_amd64/terraform-provider-aws_v$PINNED_AWS"
BUILD="$CACHE/aws-provider-build"

registry_answers() {
  local probe; probe="$(mktemp -d)"
  printf '{"terraform":{"required_providers":{"aws":{"source":"hashicorp/aws","version":"%s"}}}}\n' "$PINNED_AWS" >"$probe/main.tf.json"
  mkdir -p "$PLUGIN_CACHE"
  printf 'plugin_cache_dir = "%s"\n' "$PLUGIN_CACHE" >"$probe/rc"
  local ok=1
  (cd "$probe" && TF_CLI_CONFIG_FILE="$probe/rc" CHECKPOINT_DISABLE=1 timeout 300 "$TERRAFORM" init -input=false -backend=false >"$probe/log" 2>&1) && ok=0
  rm -rf "$probe"
  return $ok
}

if [[ -x "$MIRRORED" ]]; then
  SOURCE=mirror
elif [[ "${KAFKA_PRIVATELINK_PROVIDER_SOURCE:-auto}" != mirror ]] && registry_answers; then
  SOURCE=registry
else
  [[ "${KAFKA_PRIVATELINK_PROVIDER_SOURCE:-auto}" == registry ]] && fail "the Terraform registry does not answer, and KAFKA_PRIVATELINK_PROVIDER_SOURCE=registry forbids building"
  SOURCE=mirror
  command -v go >/dev/null || fail "the Terraform registry does not answer and there is no Go to build the AWS provider"
  free_kb=$(df -Pk "$CACHE" | awk 'NR==2 {print $4}')
  (( free_kb > 12 * 1024 * 1024 )) || fail "building the AWS provider needs ~12 GB of free disk under $CACHE; $((free_kb / 1024 / 1024)) GB free"
  say "the Terraform registry does not answer: building the AWS provider $AWS_MODULE_VERSION from the Go module proxy"
  say "  (about 45 minutes on 2 cores, up to 12 GB of memory; log: $BUILD/build.log)"
  mkdir -p "$BUILD"
  started=$(date +%s)
  (
    export GOMODCACHE="$BUILD/gomod" GOCACHE="$BUILD/gocache" GOBIN="$BUILD/bin" GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN=local
    go install -v "$AWS_MODULE@$AWS_MODULE_VERSION"
  ) >"$BUILD/build.log" 2>&1 &
  build=$!
  while kill -0 "$build" 2>/dev/null; do
    sleep 60 & wait $! || true
    kill -0 "$build" 2>/dev/null || break
    say "  building the AWS provider: $(( ($(date +%s) - started) / 60 )) min, $(grep -c '^github.com/\|^golang.org/\|^google.golang.org/' "$BUILD/build.log" || true) packages compiled"
  done
  wait "$build" || { tail -20 "$BUILD/build.log" >&2; fail "building the AWS provider failed (log: $BUILD/build.log)"; }
  mkdir -p "$(dirname "$MIRRORED")"
  strip -s -o "$MIRRORED.tmp" "$BUILD/bin/terraform-provider-aws"
  mv "$MIRRORED.tmp" "$MIRRORED"
  say "built the AWS provider in $(( ($(date +%s) - started) / 60 )) min: $(du -m "$MIRRORED" | cut -f1) MB stripped"
fi

if [[ "$SOURCE" == mirror ]]; then
  # The mirror holds the build under the pinned label, so the stacks' JSON stays what production
  # gets; the real version is recorded here and printed in every report.
  changelog=$(ls -d "$BUILD"/gomod/github.com/hashicorp/terraform-provider-aws@"$AWS_MODULE_VERSION" 2>/dev/null || true)
  REAL_AWS="$(head -1 "$changelog/CHANGELOG.md" 2>/dev/null | sed 's/^## //' || true)"
  REAL_AWS="${REAL_AWS:-unknown} ($AWS_MODULE@$AWS_MODULE_VERSION, built from source)"
  cat >"$CLI_CONFIG" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
RC
else
  REAL_AWS="$PINNED_AWS (from the Terraform registry)"
  printf 'plugin_cache_dir = "%s"\n' "$PLUGIN_CACHE" >"$CLI_CONFIG"
fi
say "AWS provider $PINNED_AWS in the stacks is served by: $REAL_AWS"

# --- moto, with pytest for the extension's own tests ------------------------------------------
VENV="$CACHE/moto-$MOTO_VERSION"
if ! compgen -G "$VENV/lib/python3*/site-packages/moto-$MOTO_VERSION.dist-info" >/dev/null \
  || ! compgen -G "$VENV/lib/python3*/site-packages/pytest-$PYTEST_VERSION.dist-info" >/dev/null; then
  say "installing moto $MOTO_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" "pytest==$PYTEST_VERSION" \
    || fail "installing moto $MOTO_VERSION failed"
fi

python3 - "$MANIFEST" <<PY
import json, sys
json.dump({
  "terraform": "$TERRAFORM", "terraformVersion": "$TERRAFORM_REAL",
  "cliConfig": "$CLI_CONFIG", "awsProviderSource": "$SOURCE",
  "awsProviderPinned": "$PINNED_AWS", "awsProviderReal": "$REAL_AWS",
  "python": "$VENV/bin/python", "motoVersion": "$MOTO_VERSION",
}, open(sys.argv[1], "w"), indent=2)
PY
echo "$MANIFEST"

#!/usr/bin/env bash
# Puts the Kafka jars named in pom.xml into a cache outside the work tree and prints that folder.
# Re-uses the cache when it is complete; Maven's own repository (~/.m2) is re-used as well.
#   KAFKA_PRIVATELINK_CACHE  cache root  (default: ~/.cache/kafka-privatelink)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")"
cache="${KAFKA_PRIVATELINK_CACHE:-$HOME/.cache/kafka-privatelink}"
libs="$cache/kafka-$version/libs"
stamp="$libs/.complete-$(sha256sum "$here/pom.xml" | cut -c1-16)"
if [[ ! -f "$stamp" ]]; then
  rm -rf "$libs.partial"
  mkdir -p "$libs.partial"
  mvn -q -B -f "$here/pom.xml" -Dstyle.color=never dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$libs.partial" >&2
  rm -rf "$libs"
  mv "$libs.partial" "$libs"
  touch "$stamp"
fi
echo "$libs"

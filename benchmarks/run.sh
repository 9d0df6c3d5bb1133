#!/usr/bin/env bash
# Builds the benchmark jar and runs one suite in a single JVM.
#   benchmarks/run.sh unary [--quick]
#   benchmarks/run.sh migration-parts [--quick]
#   benchmarks/run.sh cluster [--quick]
#   benchmarks/run.sh migration-live [--quick] [--case NAME]   (NAME: migration-live-1KiB, gateway-overhead, drain, ...)
# Environment: SKIP_BUILD=1 reuses the existing jar; JAVA_OPTS overrides the JVM flags;
# JAVA (default: java on PATH, else $JAVA_HOME/bin/java).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

if [[ $# -lt 1 ]]; then
  echo "usage: $0 <suite> [--quick]   (suites: unary, migration-parts, cluster, migration-live)" >&2
  exit 2
fi

jar="$here/target/rpcnet-benchmarks.jar"
if [[ "${SKIP_BUILD:-0}" != "1" || ! -f "$jar" ]]; then
  echo "# building $jar" >&2
  (cd "$root" && ./mvnw -B -q -Pbench -pl benchmarks -am package -DskipTests)
fi

java_bin="${JAVA:-}"
if [[ -z "$java_bin" ]]; then
  if [[ -n "${JAVA_HOME:-}" ]]; then java_bin="$JAVA_HOME/bin/java"; else java_bin="java"; fi
fi

# Fixed heap so resizing does not show up as noise; the heap check reads used heap after System.gc().
default_opts="-Xms1g -Xmx1g -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError"
# shellcheck disable=SC2086
exec "$java_bin" ${JAVA_OPTS:-$default_opts} -jar "$jar" "$@"

#!/usr/bin/env bash
# ADD and DEL latency of the CNI plugin (switchboard-cni), JVM start included: the plugin installed with its
# class-data archive, a real OVS host in a namespace, the controller answering; p50/p99 over ROUNDS sequential
# ADD+DEL pairs (default 200). Needs root (namespaces, OVS). See docs/containers.md.
#   usage: sudo bench/cni-latency.sh [ROUNDS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-200}"
cd "$here"
mvn -B -q -ntp -pl cni -am test -Dtest=CniLatencyTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dcni.bench.rounds="$rounds" >&2
cat cni/target/cni-latency.txt

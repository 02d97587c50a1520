#!/usr/bin/env bash
# Cluster failover: the time from crashing the master of some bridges to the new master's first accepted flow
# change, over repeated rounds (median, max), on real OVS with two controller instances on loopback.
#
#   bench/failover.sh [ROUNDS]        # default 10 rounds, about a minute; needs root (network namespaces, OVS)
#
# It runs the cluster module's FailoverBenchmark (which needs the cluster test fixtures) and prints its figures.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-10}"
echo "failover benchmark: $rounds rounds (building what is needed first) ..." >&2
cd "$root"
mvn -B -q -DskipTests install -pl cluster -am >&2
mvn -B -q install -pl cluster -Dtest=FailoverBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
    -Dswitchboard.bench=true -Dswitchboard.bench.rounds="$rounds" >&2
grep -E "^(round|master confirmed|reconciled|first flow change)" \
    cluster/target/surefire-reports/io.switchboard.cluster.FailoverBenchmark-output.txt

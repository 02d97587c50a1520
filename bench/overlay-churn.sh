#!/usr/bin/env bash
# The overlay at scale against real controller processes and emulated OpenFlow 1.3 bridges (docs/overlay-scale.md).
#
#   bench/overlay-churn.sh churn     # 50 hosts, 2,000 endpoints, 20 networks; 200 adds + 200 deletes a second
#                                    # through REST for 60 s: change-to-switch latency per 10 s window, REST backlog,
#                                    # controller memory before and after
#   bench/overlay-churn.sh restart   # 200 hosts, 10,000 endpoints: programming from empty, then the controllers
#                                    # are restarted and the reconciliation of every bridge is timed
#
# Environment: HOSTS, ENDPOINTS, NETWORKS (the overlay), RATE, DURATION (s), LIFETIME (s) (churn), INSTANCES (1-3
# controllers in a Hazelcast cluster, every bridge connected to each), ROUTER_SIZE (0: two routers of the even and
# the odd networks, as OverlayFlowsBenchmark; k: routers of k consecutive networks), HEAP (controller heap, default
# 1g), DRIVER_HEAP (the emulated bridges, default 2g), BUILD=0 to skip the (offline) build, CONTROLLER_OPTS (extra JVM
# options for the controllers, e.g. -XX:StartFlightRecording=filename=/tmp/c.jfr), DRIVER_OPTS (the same for the
# driver), WARMUP (the controllers' warm-up, as SWITCHBOARD_WARMUP: 3s for churn, 0 for restart by default), AUDIT
# (the controllers' audit interval: their default for churn, 1h for restart), DRIVER_WARMUP (seconds the driver
# compiles its own HTTP side first against a stand-in server in its JVM, then on until its JIT has caught up, at most
# 20 s; default 3; 0: off), CONTROLLER_CPUS and DRIVER_CPUS (taskset CPU lists: the controllers and the driver on CPUs
# of their own). Everything listens on 127.0.0.1 only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-churn}"
case "$mode" in
  churn) hosts="${HOSTS:-50}"; endpoints="${ENDPOINTS:-2000}" ;;
  restart) hosts="${HOSTS:-200}"; endpoints="${ENDPOINTS:-10000}" ;;
  *) echo "usage: $0 churn|restart" >&2; exit 2 ;;
esac
networks="${NETWORKS:-20}"
instances="${INSTANCES:-1}"
heap="${HEAP:-1g}"
cd "$root"
if [ "${BUILD:-1}" != 0 ]; then
  echo "building server and bench (offline, tests skipped) ..." >&2
  # the shade plugin fails on a second package over its own output: the jars are made afresh
  rm -f server/target/switchboard.jar server/target/original-switchboard.jar bench/target/benchmarks.jar \
    bench/target/original-benchmarks.jar
  mvn -B -o -q -DskipTests package -pl server,bench -am >&2
fi
jar="$root/server/target/switchboard.jar"
bench="$root/bench/target/benchmarks.jar"
work="$(mktemp -d /tmp/overlay-churn.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 143' INT TERM

# ports: a random base, so that runs beside other work do not collide
base=$((21000 + RANDOM % 20000))
of_list=""; rest_list=""; members=""
for i in $(seq 0 $((instances - 1))); do
  of_list+="${of_list:+,}127.0.0.1:$((base + i))"
  rest_list+="${rest_list:+,}http://127.0.0.1:$((base + 10 + i))"
  members+="${members:+, }127.0.0.1:$((base + 20 + i))"
done
head -c 32 /dev/urandom | base64 | tr -d '/+=\n' > "$work/token"
chmod 600 "$work/token"
java -cp "$bench" io.switchboard.bench.overlay.OverlayChurn --print-config --hosts "$hosts" --endpoints "$endpoints" \
  --networks "$networks" --router-size "${ROUTER_SIZE:-0}" > "$work/overlay.yaml"
for i in $(seq 0 $((instances - 1))); do
  {
    echo "apps: [vxlan-overlay]"
    echo "openflow: {listen: 127.0.0.1:$((base + i))}"
    echo "rest: {listen: 127.0.0.1:$((base + 10 + i)), token-file: $work/token}"
    # restart: no periodic audits unless asked. They are spread over the interval (200 bridges: one every 150 ms), so
    # the bridges never went quiet for the driver's "programmed" wait, and the restart measures the connect-time
    # reconciliation, not audits
    audit="${AUDIT:-}"; [ "$mode" = restart ] && audit="${AUDIT:-1h}"
    if [ -n "$audit" ]; then
      echo "reconcile: {audit-interval: $audit}"
    fi
    if [ "$instances" -gt 1 ]; then
      echo "cluster: {enabled: true, bind: 127.0.0.1:$((base + 20 + i)), members: [$members]}"
    fi
    cat "$work/overlay.yaml"
  } > "$work/controller$i.yaml"
done

opens="--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
  -XX:PerMethodRecompilationCutoff=10000 -XX:PerBytecodeRecompilationCutoff=10000"   # as the launcher
# the churn's controller warms up as the launcher's does (SWITCHBOARD_WARMUP, 3s): the overlay's change path is
# compiled before it listens (docs/overlay-scale.md); WARMUP=0 measures a cold one. The restart runs measure how soon
# a restarted controller has every bridge reconciled, so they leave it off unless WARMUP is set.
if [ "$mode" = churn ]; then warmup="-Dswitchboard.warmup=${WARMUP:-3s}"; else warmup="-Dswitchboard.warmup=${WARMUP:-0}"; fi
# CONTROLLER_CPUS / DRIVER_CPUS (taskset lists, e.g. 0 and 1): each on CPUs of its own, as the cbench comparison runs
pin_controller=(); pin_driver=()
[ -n "${CONTROLLER_CPUS:-}" ] && pin_controller=(taskset -c "$CONTROLLER_CPUS")
[ -n "${DRIVER_CPUS:-}" ] && pin_driver=(taskset -c "$DRIVER_CPUS")
# as the launcher: a second C2 compiler thread on two or three CPUs (the controllers' own)
ccpus="$(${pin_controller[@]+"${pin_controller[@]}"} env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc 2>/dev/null || echo 1)"
if [ "$ccpus" -ge 2 ] && [ "$ccpus" -le 3 ]; then opens="$opens -XX:CICompilerCount=3"; fi
start_controllers() { # $1: log suffix
  cpids=()
  for i in $(seq 0 $((instances - 1))); do
    # shellcheck disable=SC2086
    ${pin_controller[@]+"${pin_controller[@]}"} java $opens "-Xmx$heap" $warmup ${CONTROLLER_OPTS:-} -jar "$jar" run --config "$work/controller$i.yaml" > "$work/controller$i.$1.log" 2>&1 &
    cpids+=($!); pids+=($!)
  done
  for i in $(seq 0 $((instances - 1))); do
    for _ in $(seq 1 900); do # up to 90 s: a warm-up runs first
      curl -sf "http://127.0.0.1:$((base + 10 + i))/api/v1/health" > /dev/null && break
      sleep 0.1
    done
  done
}

echo "overlay: $hosts hosts, $endpoints endpoints, $networks networks; $instances controller(s), heap $heap; work dir $work" >&2
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
start_controllers first
driver=(${pin_driver[@]+"${pin_driver[@]}"} java "-Xmx${DRIVER_HEAP:-2g}" ${DRIVER_OPTS:-} -cp "$bench" io.switchboard.bench.overlay.OverlayChurn --mode "$mode" --hosts "$hosts"
  --endpoints "$endpoints" --networks "$networks" --openflow "$of_list" --rest "$rest_list"
  --token-file "$work/token" --pid "${cpids[0]}" --rate "${RATE:-200}" --seconds "${DURATION:-60}"
  --lifetime "${LIFETIME:-2}" --self-warmup "${DRIVER_WARMUP:-3}" --restart-signal "$work/restarted")
if [ "$mode" = churn ]; then
  "${driver[@]}"
else
  "${driver[@]}" > "$work/driver.out" 2>&1 &
  dpid=$!; pids+=($dpid)
  until grep -q '^READY' "$work/driver.out" 2>/dev/null; do
    kill -0 "$dpid" 2>/dev/null || { cat "$work/driver.out"; exit 1; }
    sleep 0.2
  done
  grep -v '^READY' "$work/driver.out"
  for p in "${cpids[@]}"; do kill "$p"; done
  for p in "${cpids[@]}"; do wait "$p" 2>/dev/null || true; done
  date +%s%3N > "$work/restarted.tmp"
  start_controllers second
  mv "$work/restarted.tmp" "$work/restarted"
  wait "$dpid" || true
  sed -n '/^READY/,$p' "$work/driver.out" | grep -v '^READY'
fi
for i in $(seq 0 $((instances - 1))); do
  echo "controller $i: $(grep -c ' ERROR ' "$work/controller$i.first.log" || true) ERROR lines in its log ($work/controller$i.first.log)"
done
if [ "$mode" = restart ] && [ "$instances" -gt 1 ]; then # mastership after the restart, from the logs (docs/cluster.md)
  for i in $(seq 0 $((instances - 1))); do
    l="$work/controller$i.second.log"
    echo "controller $i after the restart: $(grep -c 'claims mastership' "$l" || true) claims," \
      "$(grep 'stops programming it' "$l" | grep -vc 'leaving the cluster' || true) moves away (each a table read wasted)," \
      "$(grep -c 'reading flows failed' "$l" || true) reads cut by a disconnect," \
      "$(grep -c 'silent for 3 echo intervals' "$l" || true) bridges dropped as silent, $(grep -c 'was paused for' "$l" || true) pauses"
  done
fi

#!/usr/bin/env bash
# Switchboard vs ovs-testcontroller under the cbench-like load generator (docs/performance.md says what is measured).
#
#   bench/run-comparison.sh              # full suite (~25 min: every Switchboard start warms up for ~20 s)
#   SUITE=quick bench/run-comparison.sh  # shorter loops (~6 min)
#   SUITE=smoke bench/run-comparison.sh  # a first look (~3 min)
#   CASES="cbench cbworst cblat cbsweep" bench/run-comparison.sh   # only cbench's workload and its worst case
#
# Two workloads. cbench's standard one ("cbench", "cblat", "cbsweep"): OpenFlow 1.0, 1,000 MACs per switch sending
# to one destination, every packet-in with a buffer id, throughput mode with no window (each switch keeps its socket
# full; any flow-mod add or non-LLDP packet-out counts), 1 s loops from the first second, no warm-up of the
# controller; then a second run against the same controller process, whose first second must not be spent draining
# the first run's backlog. Its worst case ("cbworst"): each source sends to 63 destinations in turn, so a learning
# controller meets 63,000 host pairs a switch, more than l2-learning keeps entries for (65,536 in all).
# In latency mode the same load also runs against bench/src/main/c/answer-only.c, a C controller that answers and
# does nothing else: its rate is what these CPUs allowed around the run (not a strict bound: it is measured in other
# generator processes), and each controller's rate is shown as a share of it.
# The friendly windowed one ("tput10", "lat10", "tput13", "lat13", "sweep", "scale") keeps 100 packet-ins in flight.
#
# Each controller is started by this script, loaded, then stopped by the PID the script started; the two run one
# after the other, pinned to the same CPUs (CONTROLLER_CPUS, default "0"), with the generator on the others
# (GENERATOR_CPUS, default "1"); set both to "" to run unpinned. Everything listens and connects on 127.0.0.1.
# Environment: OF_PORT (16653), REST_PORT (18080), SB_JAVA_OPTS (none: the launcher's default heap), GEN_JAVA_OPTS
# (-Xmx1g), SWEEP ("1 16 64 256"), SCALE_SWITCHES (1000), CEILING_RUNS (3: the ceiling is the best of these),
# CASES (all: "cbench cbworst cblat cbsweep tput10 lat10 tput13 lat13 sweep scale"),
# KEEP_LOGS=1 keeps the work directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
sb_jar="$root/server/target/switchboard.jar"
bench_jar="$here/target/benchmarks.jar"

SUITE="${SUITE:-full}"
OF_PORT="${OF_PORT:-16653}"
REST_PORT="${REST_PORT:-18080}"
CONTROLLER_CPUS="${CONTROLLER_CPUS-0}"
GENERATOR_CPUS="${GENERATOR_CPUS-1}"
SB_JAVA_OPTS="${SB_JAVA_OPTS:-}"
GEN_JAVA_OPTS="${GEN_JAVA_OPTS:--Xmx1g}"
SWEEP="${SWEEP:-1 16 64 256}"
CEILING_RUNS="${CEILING_RUNS:-3}"
SCALE_SWITCHES="${SCALE_SWITCHES:-1000}"
CASES="${CASES:-cbench cbworst cblat cbsweep tput10 lat10 tput13 lat13 sweep scale}"
case "$SUITE" in
  full)  LOOPS=5; LOOP_SECONDS=5; WARMUP=5; CB_LOOPS=16 ;;
  quick) LOOPS=3; LOOP_SECONDS=3; WARMUP=5; CB_LOOPS=8 ;;
  smoke) LOOPS=2; LOOP_SECONDS=2; WARMUP=3; CB_LOOPS=4; SWEEP="${SWEEP_SMOKE:-1 16}"; SCALE_SWITCHES="${SCALE_SMOKE:-200}" ;;
  *) echo "run-comparison: SUITE must be full, quick or smoke" >&2; exit 2 ;;
esac
OTC_MAX_SWITCHES=16   # ovs-testcontroller.c: #define MAX_SWITCHES 16 (further connections are never accepted)

say() { printf '== %s\n' "$*"; }
die() { printf 'run-comparison: %s\n' "$*" >&2; exit 1; }

# ---- prerequisites

command -v java >/dev/null || die "java (17+) is needed"
command -v ovs-testcontroller >/dev/null \
  || die "ovs-testcontroller is needed: apt-get install openvswitch-testcontroller"
command -v curl >/dev/null || die "curl is needed"
if [ ! -f "$bench_jar" ]; then
  say "building bench/target/benchmarks.jar"
  (cd "$root" && mvn -B -q -o install -pl bench -DskipTests) || die "bench build failed"
fi
if [ ! -f "$sb_jar" ]; then
  say "building server/target/switchboard.jar"
  (cd "$root" && mvn -B -q -o install -pl server -DskipTests) || die "server build failed"
fi
unzip -l "$sb_jar" 2>/dev/null | grep 'io/switchboard/apps/l2/L2LearningApp.class' >/dev/null \
  || die "$sb_jar has no l2-learning app; rebuild server"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
for p in "$OF_PORT" "$REST_PORT"; do
  [ -z "$(ss -ltnH "sport = :$p" 2>/dev/null)" ] || die "port $p is in use (set OF_PORT / REST_PORT)"
done

cprefix=(); gprefix=()
if [ -n "$CONTROLLER_CPUS" ] && command -v taskset >/dev/null; then cprefix=(taskset -c "$CONTROLLER_CPUS"); fi
if [ -n "$GENERATOR_CPUS" ] && command -v taskset >/dev/null; then gprefix=(taskset -c "$GENERATOR_CPUS"); fi

work="$(mktemp -d /tmp/switchboard-bench.XXXXXX)"
controller_pid=""
controller_name=""

stop_controller() {
  if [ -n "$controller_pid" ]; then
    kill -TERM "$controller_pid" 2>/dev/null || true
    for _ in $(seq 100); do
      kill -0 "$controller_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$controller_pid" 2>/dev/null || true
    wait "$controller_pid" 2>/dev/null || true
    controller_pid=""
  fi
  # the OS needs a moment before the listening port can be bound again
  for _ in $(seq 50); do
    [ -z "$(ss -ltnH "sport = :$OF_PORT" 2>/dev/null)" ] && break
    sleep 0.1
  done
}

cleanup() {
  stop_controller
  if [ "${KEEP_LOGS:-0}" = 1 ]; then echo "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat >"$work/switchboard.yaml" <<EOF
# the benchmark's Switchboard: l2-learning only, on loopback
openflow:
  listen: 127.0.0.1:$OF_PORT
  limits:
    # every emulated switch connects from 127.0.0.1, up to 256 at once; switches of a real network come from
    # their own addresses (the default, 64 handshakes at once per address, refused the others of a 256 run)
    max-handshakes-per-source: 1024
    max-handshakes: 1024
rest:
  listen: 127.0.0.1:$REST_PORT
apps: [l2-learning]
l2-learning:
  packet-in-budget: 1000000   # the default (1000/s per switch) protects a production controller; lift it here
  # the OF1.3 case learns a new host in every packet-in: lift the host caps (defaults 256 / 4096 / 8192) too;
  # the total on all switches (max-hosts, 131072) stays: it is what keeps 256 switches x 1,000 MACs in the heap
  max-hosts-per-port: 1000000
  max-hosts-per-vlan: 1000000
  max-hosts-per-switch: 1000000
reconcile:
  audit-interval: 24h         # the emulated switches hold no flows: an audit would only re-send them
EOF
java -jar "$sb_jar" check-config "$work/switchboard.yaml" >/dev/null || die "the bench config is invalid"

run_n=0
start_switchboard() {
  run_n=$((run_n + 1))
  local log="$work/switchboard-$run_n.log"
  # shellcheck disable=SC2086
  # through the launcher, so that its default heap is what is measured; SB_JAVA_OPTS adds to it
  SWITCHBOARD_JAVA_OPTS="$SB_JAVA_OPTS" "${cprefix[@]}" "$root/switchboard" run --config "$work/switchboard.yaml" \
    >"$log" 2>&1 &
  controller_pid=$!
  controller_name=switchboard
  for _ in $(seq 600); do   # its warm-up alone may take 20 s on one CPU
    curl -sf "http://127.0.0.1:$REST_PORT/api/v1/health" >/dev/null 2>&1 && return 0
    kill -0 "$controller_pid" 2>/dev/null || { tail -20 "$log" >&2; die "Switchboard exited on start"; }
    sleep 0.1
  done
  tail -20 "$log" >&2
  die "Switchboard did not come up within 60 s"
}

start_otc() {
  run_n=$((run_n + 1))
  local log="$work/ovs-testcontroller-$run_n.log"
  # default mode: a MAC-learning switch that sets up (exact-match, 60 s idle) flows - the learning-switch twin
  # of l2-learning. (-n would skip flow setup, -H would make it a hub: both less work, so not used.)
  "${cprefix[@]}" ovs-testcontroller -O OpenFlow10,OpenFlow13 --unixctl="$work/otc.ctl" -vconsole:warn \
    "ptcp:$OF_PORT:127.0.0.1" >"$log" 2>&1 &
  controller_pid=$!
  controller_name=ovs-testcontroller
  await_listening "$log"
}

# await_listening LOG: until $controller_name listens on $OF_PORT (10 s at most)
await_listening() {
  for _ in $(seq 100); do
    [ -n "$(ss -ltnH "sport = :$OF_PORT" 2>/dev/null)" ] && return 0
    kill -0 "$controller_pid" 2>/dev/null || { cat "$1" >&2; die "$controller_name exited on start"; }
    sleep 0.1
  done
  die "$controller_name did not listen within 10 s"
}

# the ceiling: bench/src/main/c/answer-only.c, a C controller that only answers (latency mode only; needs cc)
start_ceiling() {
  run_n=$((run_n + 1))
  local log="$work/answer-only-$run_n.log"
  "${cprefix[@]}" "$ceiling_bin" "$OF_PORT" >"$log" 2>&1 &
  controller_pid=$!
  controller_name=answer-only
  await_listening "$log"
}

# generate LABEL ARGS...: runs the load generator, shows its progress, keeps its RESULT line in $result
result=""
generate() {
  local label="$1"; shift
  local out="$work/gen-$run_n.out"
  # shellcheck disable=SC2086
  "${gprefix[@]}" java $GEN_JAVA_OPTS -cp "$bench_jar" io.switchboard.bench.LoadGenerator \
    --controller "127.0.0.1:$OF_PORT" --label "$label" --controller-pid "$controller_pid" "$@" \
    | tee "$out" | grep --line-buffered -v '^RESULT' | sed -u 's/^/   /' || true
  result="$(grep '^RESULT' "$out" | tail -1 || true)"
  [ -n "$result" ] || result="RESULT failures=1"
}

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }

declare -A R
# measure KEY CONTROLLER ARGS...: one run of one controller, fresh
measure() {
  local key="$1" who="$2"; shift 2
  say "$key: $who"
  case "$who" in
    switchboard) start_switchboard ;;
    ceiling) start_ceiling ;;
    *) start_otc ;;
  esac
  generate "$who/$key" --loops "$LOOPS" --loop-seconds "$LOOP_SECONDS" --warmup "$WARMUP" "$@"
  R["$key|$who"]="$result"
  stop_controller
}

both() {
  local key="$1"; shift
  measure "$key" switchboard "$@"
  measure "$key" ovs-testcontroller "$@"
}

say "suite $SUITE: $LOOPS loops x $LOOP_SECONDS s after $WARMUP s warm-up; controllers on CPUs '${CONTROLLER_CPUS:-any}'," \
    "generator on '${GENERATOR_CPUS:-any}'; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
started_at=$(date +%s)

want() { [[ " $CASES " == *" $1 "* ]]; }

ceiling_bin=""
if want cblat; then
  if ! command -v cc >/dev/null; then
    say "no C compiler (apt-get install gcc): the latency rows go without their ceiling"
  elif cc -O2 -o "$work/answer-only" "$here/src/main/c/answer-only.c"; then
    ceiling_bin="$work/answer-only"
  else
    say "cc could not build bench/src/main/c/answer-only.c: the latency rows go without their ceiling"
  fi
fi

# 0. cbench's standard workload: no window, 1,000 MACs to one destination, buffer ids, 1 s loops from the first
#    second (the generator warms itself up first, against a controller of its own: --self-warmup)
cb=(--of 1.0 --macs 1000 --destinations 1 --buffered --loops "$CB_LOOPS" --loop-seconds 1 --warmup 0)
if want cbench; then
  for who in switchboard ovs-testcontroller; do
    say "cbench16: $who (then a second run against the same process)"
    if [ "$who" = switchboard ]; then start_switchboard; else start_otc; fi
    generate "$who/cbench16" --mode throughput --window 0 --switches 16 "${cb[@]}"
    R["cbench16|$who"]="$result"
    generate "$who/after" --mode throughput --window 0 --switches 16 --of 1.0 --macs 1000 --destinations 1 \
      --buffered --loops 3 --loop-seconds 1 --warmup 0
    R["after|$who"]="$result"
    stop_controller
  done
fi
if want cbworst; then
  both cbworst16 --mode throughput --window 0 --switches 16 "${cb[@]}" --destinations 63
fi
if want cblat; then
  for n in 1 16; do
    both "cblat$n" --mode latency --switches "$n" "${cb[@]}"
    # the generator's own speed varies from one JVM to the next (its JIT), and the ceiling is its limit: best of 3
    best=""
    for _ in $(seq "$([ -n "$ceiling_bin" ] && echo "$CEILING_RUNS" || echo 0)"); do
      measure "cblat$n" ceiling --mode latency --switches "$n" "${cb[@]}"
      v="$(field "$result" answered_median)"; bv="$(field "$best" answered_median)"
      if [ -z "$best" ] || [ "${v:-0}" -gt "${bv:-0}" ]; then
        best="$result"
      fi
    done
    [ -z "$best" ] || R["cblat$n|ceiling"]="$best"
  done
fi
if want cbsweep; then
  for n in 1 64 256; do
    measure "cb$n" switchboard --mode throughput --window 0 --switches "$n" "${cb[@]}"
    if [ "$n" -le "$OTC_MAX_SWITCHES" ]; then
      measure "cb$n" ovs-testcontroller --mode throughput --window 0 --switches "$n" "${cb[@]}"
    fi
  done
fi

# 1. OpenFlow 1.0: both controllers forward every packet-in themselves (packet-out) and set up flows
want tput10 && both tput10 --mode throughput --of 1.0 --switches 16 --macs 100
want lat10 && both lat10 --mode latency --of 1.0 --switches 1 --macs 100
# 2. OpenFlow 1.3: every packet-in comes from a host never seen before (new-host learning)
want tput13 && both tput13 --mode throughput --of 1.3 --switches 16 --macs 1000000
want lat13 && both lat13 --mode latency --of 1.3 --switches 1 --macs 1000000
# 3. switch-count sweep (OpenFlow 1.0 throughput), with 1,600 packet-ins in flight in all (100 per switch up to
#    16 switches, then fewer per switch): more would only queue, and answers later than --timeout-ms are lost
if want sweep; then
  for n in $SWEEP; do
    if [ "$n" = 16 ] && want tput10; then continue; fi   # measured above
    window=$(( 1600 / n )); window=$(( window > 100 ? 100 : (window < 4 ? 4 : window) ))
    measure "sweep$n" switchboard --mode throughput --of 1.0 --switches "$n" --macs 100 --window "$window"
    if [ "$n" -le "$OTC_MAX_SWITCHES" ]; then
      measure "sweep$n" ovs-testcontroller --mode throughput --of 1.0 --switches "$n" --macs 100 --window "$window"
    fi
  done
fi
# 4. connection scale: N switches connect at once
if want scale; then
  say "scale: switchboard, $SCALE_SWITCHES switches connecting at once"
  start_switchboard
  generate "switchboard/scale" --mode connect --of 1.3 --switches "$SCALE_SWITCHES" --connect-timeout 60
  R["scale|switchboard"]="$result"
  stop_controller
fi

# ---- the table

num() { awk -v v="${1:--1}" 'BEGIN { if (v < 0 || v == "") print "n/a"; else printf "%.0f", v }'; }
mb_of() { local v; v="$(field "$1" "$2")"; if [ -z "$v" ] || [ "$v" -lt 0 ]; then echo n/a; else echo $((v / 1024)); fi; }
dec() { awk -v v="${1:--1}" 'BEGIN { if (v < 0 || v == "") print "n/a"; else printf "%.1f", v }'; }
ratio() { awk -v a="${1:--1}" -v b="${2:--1}" 'BEGIN { if (a <= 0 || b <= 0) print "n/a"; else printf "%.2fx", a / b }'; }
row() { printf '%-44s %18s %20s %9s\n' "$@"; }

rate_row() {  # rate_row LABEL KEY
  local s="${R[$2|switchboard]:-}" o="${R[$2|ovs-testcontroller]:-}"
  local sv ov
  sv="$(field "$s" answered_median)"; ov="$(field "$o" answered_median)"
  if [ -z "$o" ]; then
    row "$1" "$(num "$sv")" "n/a (max $OTC_MAX_SWITCHES sw)" "-"
  else
    row "$1" "$(num "$sv")" "$(num "$ov")" "$(ratio "$sv" "$ov")"
  fi
}

lat_row() {  # lat_row LABEL KEY FIELD: ratio = ovs-testcontroller / switchboard (above 1: Switchboard is faster)
  local s="${R[$2|switchboard]:-}" o="${R[$2|ovs-testcontroller]:-}"
  row "$1" "$(dec "$(field "$s" "$3")")" "$(dec "$(field "$o" "$3")")" "$(ratio "$(field "$o" "$3")" "$(field "$s" "$3")")"
}

ceiling_row() {  # ceiling_row KEY: answer-only's rate, the machine's ceiling, and each controller's share of it
  local c="${R[$1|ceiling]:-}" cv
  [ -n "$c" ] || return 0
  cv="$(field "$c" answered_median)"
  # its ratio to ovs-testcontroller: about the most any controller could have shown around this run
  row "  ceiling: answer-only.c (answered/s)" "$(num "$cv")" "" \
    "$(ratio "$cv" "$(field "${R[$1|ovs-testcontroller]:-}" answered_median)")"
  share() { awk -v a="$(field "$1" answered_median)" -v c="$cv" \
    'BEGIN { if (a <= 0 || c <= 0 || a == "") print "n/a"; else printf "%.0f%%", 100 * a / c }'; }
  row "  share of the ceiling" "$(share "${R[$1|switchboard]:-}")" \
    "$(share "${R[$1|ovs-testcontroller]:-}")" ""
}

cb_row() {  # cb_row LABEL KEY: median and first loop, both controllers
  local s="${R[$2|switchboard]:-}" o="${R[$2|ovs-testcontroller]:-}"
  local sv ov
  sv="$(field "$s" answered_median)"; ov="$(field "$o" answered_median)"
  if [ -z "$o" ]; then
    row "$1" "$(num "$sv")" "n/a (max $OTC_MAX_SWITCHES sw)" "-"
  else
    row "$1" "$(num "$sv")" "$(num "$ov")" "$(ratio "$sv" "$ov")"
  fi
  sv="$(field "$s" first_loop)"; ov="$(field "$o" first_loop)"
  [ -z "$s" ] || row "  first second" "$(num "$sv")" "$( [ -n "$o" ] && num "$ov" || echo -)" \
    "$( [ -n "$o" ] && ratio "$sv" "$ov" || echo -)"
  [ -z "$s" ] || row "  switches starved (loop x switch)" "$(field "$s" starved)" "$( [ -n "$o" ] && field "$o" starved || echo -)" ""
  [ -z "$s" ] || row "  controller RSS after (MB)" "$(mb_of "$s" rss_kb)" "$( [ -n "$o" ] && mb_of "$o" rss_kb || echo -)" ""
}

if want cbench || want cbworst || want cblat || want cbsweep; then
  echo
  say "cbench's workload (OpenFlow 1.0, 1,000 MACs, buffer ids; median of $CB_LOOPS 1 s loops; responses per second)"
  row "" "Switchboard" "ovs-testcontroller" "ratio"
  want cbench && cb_row "throughput, 16 switches" cbench16
  if want cbench; then
    s="${R[after|switchboard]:-}"; o="${R[after|ovs-testcontroller]:-}"
    row "  next run against it, first second" "$(num "$(field "$s" first_loop)")" "$(num "$(field "$o" first_loop)")" ""
  fi
  want cbworst && cb_row "worst case: 63 destinations a source" cbworst16
  if want cbsweep; then
    for n in 1 64 256; do cb_row "throughput, $n switch(es)" "cb$n"; done
  fi
  if want cblat; then
    for n in 1 16; do
      rate_row "latency mode, $n switch(es) (answered/s)" "cblat$n"
      ceiling_row "cblat$n"
      lat_row "latency mode, $n switch(es): p50 (us)" "cblat$n" p50_us
    done
  fi
fi

echo
say "results (median of $LOOPS loops; rates are packet-ins answered per second, all switches together)"
row "" "Switchboard" "ovs-testcontroller" "ratio"
rate_row "OF1.0 throughput, 16 switches (answered/s)" tput10
rate_row "OF1.0 latency mode, 1 switch (answered/s)" lat10
lat_row "OF1.0 latency mode, 1 switch: p50 (us)" lat10 p50_us
lat_row "OF1.0 latency mode, 1 switch: p99 (us)" lat10 p99_us
rate_row "OF1.3 new hosts, 16 switches (answered/s)" tput13
rate_row "OF1.3 new hosts latency, 1 switch (answ/s)" lat13
lat_row "OF1.3 new hosts latency, 1 switch: p50 (us)" lat13 p50_us
for n in $SWEEP; do
  key="sweep$n"; if [ "$n" = 16 ] && [ -z "${R[sweep16|switchboard]:-}" ]; then key=tput10; fi
  rate_row "OF1.0 throughput, $n switch(es) (answered/s)" "$key"
done
s="${R[scale|switchboard]:-}"
echo
[ -z "$s" ] || say "connection scale (Switchboard, OpenFlow 1.3): $(field "$s" connected)/$SCALE_SWITCHES handshakes complete in" \
    "$(num "$(field "$s" all_connected_ms)") ms; all $(field "$s" programmed) programmed (first flow-stats request)" \
    "in $(num "$(field "$s" all_programmed_ms)") ms; heap used $(mb_of "$s" heap_used_kb) MB" \
    "($(mb_of "$s" heap_after_gc_kb) MB after a full GC), RSS $(mb_of "$s" rss_kb) MB"
echo
[ -z "$ceiling_bin" ] || say "ceiling: the same load against answer-only.c (bench/src/main/c), which answers every" \
  "packet-in and does nothing else, polling without sleep (best of $CEILING_RUNS runs); its ratio to" \
  "ovs-testcontroller is about the most any controller could have shown here. It is measured in other generator" \
  "processes, whose speed varies from one to the next, so a controller can come out above it"
say "ratio columns: rates Switchboard / ovs-testcontroller; latencies ovs-testcontroller / Switchboard (above 1: Switchboard is better)"
say "lost/bogus per run:" "$(for k in "${!R[@]}"; do printf '%s lost=%s bogus=%s; ' "$k" "$(field "${R[$k]}" lost)" "$(field "${R[$k]}" bogus)"; done)"
say "took $(( $(date +%s) - started_at )) s; load average now $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# What one answered packet-in costs the controller: CPU time and context switches per answer, on cbench's workload
# (OpenFlow 1.0, 1,000 MACs, buffer ids): latency mode (one packet-in outstanding per switch) and throughput mode (no
# window), for this tree's Switchboard, an
# optional second tree's (BASE=/path/to/other/checkout, its server/target/switchboard.jar built), and
# ovs-testcontroller, alternated for ROUNDS rounds; then, when a C compiler is installed,
# bench/src/main/c/answer-only.c (a controller that answers and does nothing else: the kernel's and the generator's
# share of an answer alone). Rates on a busy machine follow whatever else runs; the cost per answer, read from the
# controller's own /proc counters, much less so. docs/performance.md shows results.
#
#   bench/cost-per-answer.sh                         # this tree and ovs-testcontroller, 2 rounds
#   BASE=/tmp/base ROUNDS=3 bench/cost-per-answer.sh # and another checkout, e.g. `git archive main | tar -x -C /tmp/base`
#
# Environment: OF_PORT (16653), REST_PORT (18080), CONTROLLER_CPUS ("0"), GENERATOR_CPUS ("1"),
# CASES ("lat1 lat16 tput16": latency or throughput mode, then the number of switches).
# Needs bench/target/benchmarks.jar and server/target/switchboard.jar (mvn -B -o -q -pl server,bench -am -DskipTests
# package). Output: one line per run, e.g.
#   who=this case=lat16 load=1.42 answered=849016 median=120848 p50_us=105.5 cpu_us_per_answer=7.3 user_us=1.8 sys_us=5.5 ctxsw_per_answer=0.00 cpu_busy=89% gen_busy=87% ctl_cpu=95%(softirq_27%) gen_cpu=94%(softirq_28%)
# (cpu_busy: the controller's CPU time over the wall time between the two readings; 100% = one whole CPU; user_us and
# sys_us split cpu_us_per_answer into user space and the kernel; gen_busy: the same for the load generator, whose CPU
# is the limit when it is near 100%; ctl_cpu and gen_cpu: how busy the controller's and the generator's CPU were as a
# whole, from /proc/stat, with the part in softirq: on loopback a TCP segment is delivered to the receiving socket
# on the sender's CPU, so each side also does the other's receiving, and a CPU near 100% is full whatever its process
# shows)
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
bench_jar="$here/target/benchmarks.jar"
ROUNDS="${ROUNDS:-2}"
OF_PORT="${OF_PORT:-16653}"
REST_PORT="${REST_PORT:-18080}"
CONTROLLER_CPUS="${CONTROLLER_CPUS-0}"
GENERATOR_CPUS="${GENERATOR_CPUS-1}"
CASES="${CASES:-lat1 lat16 tput16}"
BASE="${BASE:-}"

die() { printf 'cost-per-answer: %s\n' "$*" >&2; exit 1; }
[ -f "$bench_jar" ] || die "build $bench_jar first (see the header)"
[ -f "$root/server/target/switchboard.jar" ] || die "build server/target/switchboard.jar first (see the header)"
[ -z "$BASE" ] || [ -f "$BASE/server/target/switchboard.jar" ] || die "$BASE/server/target/switchboard.jar is missing"
command -v ovs-testcontroller >/dev/null || die "ovs-testcontroller is needed: apt-get install openvswitch-testcontroller"
for p in "$OF_PORT" "$REST_PORT"; do
  [ -z "$(ss -ltnH "sport = :$p" 2>/dev/null)" ] || die "port $p is in use (set OF_PORT / REST_PORT)"
done
ceiling=""
if command -v cc >/dev/null; then
  ceiling="$(mktemp /tmp/answer-only.XXXXXX)"
  cc -O2 -o "$ceiling" "$here/src/main/c/answer-only.c" || { rm -f "$ceiling"; ceiling=""; }
fi
cprefix=(); gprefix=()
if [ -n "$CONTROLLER_CPUS" ] && command -v taskset >/dev/null; then cprefix=(taskset -c "$CONTROLLER_CPUS"); fi
if [ -n "$GENERATOR_CPUS" ] && command -v taskset >/dev/null; then gprefix=(taskset -c "$GENERATOR_CPUS"); fi

work="$(mktemp -d /tmp/switchboard-cost.XXXXXX)"
cat >"$work/switchboard.yaml" <<EOF
openflow:
  listen: 127.0.0.1:$OF_PORT
rest:
  listen: 127.0.0.1:$REST_PORT
apps: [l2-learning]
l2-learning:
  packet-in-budget: 1000000
  max-hosts-per-port: 1000000
  max-hosts-per-vlan: 1000000
  max-hosts-per-switch: 1000000
reconcile:
  audit-interval: 24h
EOF

pid=""   # what this script started
cpid=""  # the process that listens (the launcher execs java, so usually the same)
stop() {
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    pid=""
  fi
  for _ in $(seq 50); do [ -z "$(ss -ltnH "sport = :$OF_PORT")" ] && break; sleep 0.1; done
}
trap 'stop; rm -rf "$work" ${ceiling:+"$ceiling"}' EXIT
trap 'exit 130' INT TERM

start() {
  case "$1" in
    this) "${cprefix[@]}" "$root/switchboard" run --config "$work/switchboard.yaml" >"$work/this.log" 2>&1 & ;;
    base) "${cprefix[@]}" "$BASE/switchboard" run --config "$work/switchboard.yaml" >"$work/base.log" 2>&1 & ;;
    ovs-testcontroller) "${cprefix[@]}" ovs-testcontroller -O OpenFlow10,OpenFlow13 -vconsole:warn \
      --unixctl="$work/otc.ctl" "ptcp:$OF_PORT:127.0.0.1" >"$work/otc.log" 2>&1 & ;;
    answer-only) "${cprefix[@]}" "$ceiling" "$OF_PORT" sleep >"$work/answer-only.log" 2>&1 & ;;
  esac
  pid=$!
  for _ in $(seq 300); do
    [ -n "$(ss -ltnH "sport = :$OF_PORT" 2>/dev/null)" ] && break
    sleep 0.1
  done
  if [ "$1" = this ] || [ "$1" = base ]; then
    for _ in $(seq 600); do curl -sf "http://127.0.0.1:$REST_PORT/api/v1/health" >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  cpid="$(ss -ltnpH "sport = :$OF_PORT" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1)"
  [ -n "$cpid" ] || cpid="$pid"
}

ticks() { awk '{print $14, $15}' "/proc/$1/stat"; }   # utime and stime, all threads, in clock ticks
# one CPU's counters from /proc/stat: busy (everything but idle and iowait) and softirq, in clock ticks; "0 0" when
# the CPUs are not one plain number (a list or a range is not split up)
cpu_ticks() {
  case "$1" in ''|*[!0-9]*) echo "0 0"; return ;; esac
  awk -v c="cpu$1" '$1 == c {print $2 + $3 + $4 + $7 + $8, $8}' /proc/stat
}
switches() { cat /proc/"$cpid"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s + 0}'; }

# one run: a warm-up (3 s; 10 s in throughput mode, where the pair entries are installed first), then 8 loops of
# 1 s; the counters are read from the end of loop 1 to the end of loop 8, and the answers of loops 2-8 divide them
run() {
  local who="$1" c="$2" out="$work/gen.out" n mode warmup
  n="${c#lat}"; n="${n#tput}"
  case "$c" in
    lat*) mode=(--mode latency); warmup=3 ;;
    tput*) mode=(--mode throughput --window 0); warmup=10 ;;
    *) die "a case is lat<N> or tput<N>, not $c" ;;
  esac
  "${gprefix[@]}" java -Xmx1g -cp "$bench_jar" io.switchboard.bench.LoadGenerator --controller "127.0.0.1:$OF_PORT" \
    "${mode[@]}" --switches "$n" --of 1.0 --macs 1000 --buffered --loop-seconds 1 --loops 8 --warmup "$warmup" --self-warmup 0 \
    >"$out" 2>&1 &
  local gen=$!
  # the loops begin when the generator's switches are connected, have announced their hosts and warmed up: when
  # that is depends on the controller, so the window is set by the generator's own loop lines, not by a clock
  local u0 s0 u1 s1 c0 c1 w0 w1 gu0 gs0 gu1 gs1 gw1 gu gs cb0 cq0 cb1 cq1 gb0 gq0 gb1 gq1
  for _ in $(seq 6000); do grep -q "loop 1/8:" "$out" && break; kill -0 "$gen" 2>/dev/null || break; sleep 0.02; done
  read -r u0 s0 < <(ticks "$cpid"); read -r gu0 gs0 < <(ticks "$gen" 2>/dev/null); c0=$(switches); w0=$(date +%s%N)
  read -r cb0 cq0 < <(cpu_ticks "$CONTROLLER_CPUS"); read -r gb0 gq0 < <(cpu_ticks "$GENERATOR_CPUS")
  gu1=${gu0:-0}; gs1=${gs0:-0}; gw1=$w0
  for _ in $(seq 1000); do
    grep -q "loop 8/8:" "$out" && break
    kill -0 "$gen" 2>/dev/null || break
    sleep 0.02
  done
  read -r u1 s1 < <(ticks "$cpid"); c1=$(switches); w1=$(date +%s%N)
  read -r cb1 cq1 < <(cpu_ticks "$CONTROLLER_CPUS"); read -r gb1 gq1 < <(cpu_ticks "$GENERATOR_CPUS")
  if read -r gu gs < <(ticks "$gen" 2>/dev/null) && [ -n "$gu" ]; then gu1=$gu; gs1=$gs; gw1=$w1; fi
  wait "$gen"
  local answered result
  answered=$(sed -n 's/.*loop \([2-8]\)\/8: \([0-9,]*\) answered\/s.*/\2/p' "$out" | tr -d , | awk '{s += $1} END {print s + 0}')
  result=$(grep '^RESULT' "$out" | tail -1)
  awk -v who="$who" -v c="$c" -v du=$((u1 - u0)) -v ds=$((s1 - s0)) -v dg=$((gu1 + gs1 - ${gu0:-0} - ${gs0:-0})) -v dc=$((c1 - c0)) -v a="${answered:-0}" -v wall=$((w1 - w0)) \
    -v gwall=$((gw1 - w0)) -v cb=$((cb1 - cb0)) -v cq=$((cq1 - cq0)) -v gb=$((gb1 - gb0)) -v gq=$((gq1 - gq0)) -v hz="$(getconf CLK_TCK)" -v load="$(cut -d' ' -f1 /proc/loadavg)" \
    -v med="$(sed -n 's/.* answered_median=\([^ ]*\).*/\1/p' <<<"$result")" \
    -v p50="$(sed -n 's/.* p50_us=\([^ ]*\).*/\1/p' <<<"$result")" \
    'BEGIN { dt = du + ds
             printf "who=%s case=%s load=%s answered=%s median=%s p50_us=%s cpu_us_per_answer=%.1f user_us=%.1f sys_us=%.1f ctxsw_per_answer=%.2f cpu_busy=%.0f%% gen_busy=%.0f%% ctl_cpu=%s gen_cpu=%s\n",
             who, c, load, a, med, p50, (a > 0 ? dt * 1e6 / hz / a : -1), (a > 0 ? du * 1e6 / hz / a : -1),
             (a > 0 ? ds * 1e6 / hz / a : -1), (a > 0 ? dc / a : -1), (wall > 0 ? 100 * dt / hz / (wall / 1e9) : -1),
             (gwall > 0 ? 100 * dg / hz / (gwall / 1e9) : -1), share(cb, cq), share(gb, gq) }
     function share(b, q) { return (b > 0 && wall > 0) ? sprintf("%.0f%%(softirq_%.0f%%)", 100 * b / hz / (wall / 1e9), 100 * q / hz / (wall / 1e9)) : "-" }'
}

whos="this"
[ -n "$BASE" ] && whos="base this"
for r in $(seq "$ROUNDS"); do
  for who in $whos ovs-testcontroller ${ceiling:+answer-only}; do
    start "$who"
    for c in $CASES; do
      [ "$who" = answer-only ] && [ "${c#lat}" = "$c" ] && continue   # it answers in latency mode only
      run "$who" "$c"
    done
    stop
  done
done

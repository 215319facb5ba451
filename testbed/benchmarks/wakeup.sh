#!/usr/bin/env bash
# summary: the machine's own cost of a relay hop: Unix-socket ping-pong on one vCPU, across vCPUs, unpinned
#
# Two processes bounce a 16-byte message over a Unix socket pair (testbed/src/c/wakeup_pingpong.c,
# built with gcc into the run directory): the round trip when both are pinned to one vCPU (two
# context switches), when each has a vCPU of its own (two wake-ups across vCPUs: on a VM an idle
# vCPU may halt and must be woken through the hypervisor) and when the scheduler places them. Every
# relay (the OpenFlow proxy, a guest's frames through OVS) pays one of these per hop; read the
# proxy, bypass and via-ovs figures of the same machine against it. Each figure is the median of
# --rounds runs (each the median of 200 batches).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/lib/common.sh"
source "$here/lib/bench.sh"

rounds=5 trips=100000 quiet_wait=30

usage() {
  cat <<USAGE
usage: testbed/bench wakeup [options]
  --rounds N       runs per placement, median kept (default $rounds)
  --trips N        round trips per run, at least 200 (default $trips)
  --quiet-wait N   wait up to N s for the machine to go idle first (default $quiet_wait)
  --keep-logs      keep the run directory (/tmp/highway-bench-wakeup.*)
Ends with: RESULT wakeup same_cpu_rtt_us=<a> cross_cpu_rtt_us=<b> unpinned_rtt_us=<c> getppid_ns=<d> cacheline_rtt_ns=<e> ...
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="${2:?--rounds needs a value}"; shift 2 ;;
    --trips) trips="${2:?--trips needs a value}"; shift 2 ;;
    --quiet-wait) quiet_wait="${2:?--quiet-wait needs a value}"; shift 2 ;;
    --keep-logs) export BENCH_KEEP_LOGS=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option=$1" ;;
  esac
done
for v in rounds trips quiet_wait; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "--${v//_/-} value=${!v} must be an integer >= 0"
done
[ "$rounds" -ge 1 ] || die "--rounds value=$rounds must be at least 1"
[ "$trips" -ge 200 ] || die "--trips value=$trips must be at least 200"

bench_init wakeup
log "machine: $(bench_machine)"
need_packages gcc
[ "$(nproc)" -ge 2 ] || die "needs 2 CPUs to place the two processes apart (nproc=$(nproc))"
binary="$BENCH_RUN_DIR/wakeup_pingpong"
gcc -O2 -Wall -Werror -o "$binary" "$here/src/c/wakeup_pingpong.c" || die "cannot build $here/src/c/wakeup_pingpong.c"
bench_wait_quiet "$quiet_wait"

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A rtt
syscall_ns=()
for placement in same_cpu cross_cpu unpinned; do
  case "$placement" in
    same_cpu) cpus=(0 0) ;;
    cross_cpu) cpus=(0 1) ;;
    unpinned) cpus=(-1 -1) ;;
  esac
  runs=()
  for r in $(seq 1 "$rounds"); do
    line="$("$binary" "$trips" "${cpus[@]}")" || die "wakeup_pingpong failed: placement=$placement"
    runs+=("$(sed -n 's/.*rtt_us=\([0-9.]*\).*/\1/p' <<<"$line")")
    syscall_ns+=("$(sed -n 's/.*getppid_ns=\([0-9]*\).*/\1/p' <<<"$line")")
    log "placement=$placement run=$r $line"
  done
  rtt[$placement]="$(printf '%s\n' "${runs[@]}" | median)"
done
# no wake-up at all: one cache line bouncing between two spinning threads (what a link ring pays)
cacheline_ns="$(bench_cacheline_rtt 0 1)"
log "cache line round trip core 0 <-> 1: $cacheline_ns ns"
echo "RESULT wakeup same_cpu_rtt_us=${rtt[same_cpu]} cross_cpu_rtt_us=${rtt[cross_cpu]} unpinned_rtt_us=${rtt[unpinned]} getppid_ns=$(printf '%s\n' "${syscall_ns[@]}" | median) cacheline_rtt_ns=$cacheline_ns rounds=$rounds trips=$trips"

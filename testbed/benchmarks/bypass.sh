#!/usr/bin/env bash
# summary: the bypass end to end on OVS-DPDK: establish time (p50/p99), receiver gap at establish/revert, bypassed vs through-OVS (all placements) on two cores
#
# One private OVS-DPDK (testbed/lib/ovs-dpdk.sh) with two ring ports of `highway agent`, A (OpenFlow
# port 1) and B (port 2), and two process guests (testbed TrafficGuest, one JVM each): A sends its
# sequence-numbered 64-byte stream one way to B, B only receives and checks it. Rules:
# in_port=1 -> output:2, in_port=2 -> drop (B sends nothing; A -> B alone is a one-way link).
# Three parts, each with a freshly started ovs-vswitchd (same database) and agent:
#   through-ovs  agent bypass=false. A and B flat out (bursts of 32, --idle spin). Every placement
#                of A, B and the OVS PMD thread on the two cores (2^3 = 8, each reported; the
#                placement is changed under way with taskset on the guests' JVMs and on the PMD
#                thread); rate = median of B's per-second receive rates after a warm-up. The guests
#                park ~20 us when blocked (--ovs-idle park) so a PMD thread on their core runs; the
#                PMD naps when idle (pmd-maxsleep 500). Each placement is measured --rounds times,
#                its best round counts (others' work on this machine only slows a round down).
#   bypassed     agent bypass=true: the rules make A -> B point-to-point, the agent moves it onto a
#                link ring. A on core 0, B on core 1, flat out; OVS idle (pmd-maxsleep=500).
#   establish    agent bypass=true with its OpenFlow proxy (proxy-passive). Placement 010 (B alone
#                on core 1, spinning; A, the PMD thread, the agent and BypassBench on core 0).
#                A paces at --load % of the best through-OVS rate (--idle park), B records every gap between arrivals
#                of >= --gap-threshold-us. BypassBench repeats --runs times: delete the breaker
#                rule (in_port=1,dl_type=0x0806 -> LOCAL at priority 40000, which makes A -> B not
#                point-to-point while costing OVS nothing on A's frames) and time until the first
#                frame on the link ring; re-add it (through the proxy: held until the link is
#                reverted) and time until the link region is gone. BypassGapReport then finds the
#                largest gap at B within each establish and revert window (+5 ms).
# RESULT: establish p50/p99 (ms), gap_max_us = largest gap in any establish or revert window,
# speedup = bypassed rate / best through-OVS placement's rate. cacheline_rtt_ns_ovs and
# cacheline_rtt_ns_bypassed: a cache line's round trip between core 0 and core 1 before/after those
# parts (testbed/src/c/cacheline_pingpong.c). On these VMs the host's vCPU placement sets it and
# changes it now and then (~105 or ~550 ns); the link's rate follows it (~120 or ~40 Mpps), so
# compare rates only between parts whose round trips agree: speedup_same_state is the speedup when
# all four agree (within a factor of 2), else na.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/lib/common.sh"
source "$here/lib/bench.sh"
source "$here/lib/ovs-dpdk.sh"

runs=100 seconds=5 warmup=2 rounds=2 load=50 gap_threshold_us=20 parts="through-ovs,bypassed,establish"
placements="000,001,010,011,100,101,110,111" pmd_maxsleep=500 gap_placement="" gap_pmd_maxsleep=500 control_nice=0
establish_via=direct revert_via=proxy quiet_ms=20 force_no_huge=0 quiet_wait=60 on_link_ms=200 settle_ms=700 poll_us=20
ovs_rate_override="" ovs_idle=park agent_nice="" agent_realtime=0 baseline=0 standby=0

usage() {
  cat <<USAGE
usage: testbed/bench bypass [options]
  --runs N              establish/revert cycles measured, after one warm-up cycle reported on its own
                        as establish_first_ms (default $runs)
  --poll-us N           BypassBench's park between two looks for the link and its milestones (default
                        $poll_us); it shares the sender's core, so shorter resolves finer and takes more
                        of the CPU the sender maps the link with
  --seconds N           measured one-second windows per throughput placement (default $seconds)
  --warmup N            seconds before them after each placement change (default $warmup)
  --rounds R            measure every throughput placement R times and keep its best (default $rounds:
                        other work on this shared machine only ever slows a measurement down)
  --parts LIST          subset of through-ovs,bypassed,establish (default all)
  --placements LIST     through-OVS placements as ABP digits: core of A, of B, of the PMD thread
                        (default $placements: all eight)
  --pmd-maxsleep US     OVS pmd-maxsleep in the through-OVS part (default $pmd_maxsleep)
  --ovs-idle spin|park  what the guests do when blocked in the through-OVS part (default $ovs_idle:
                        park ~20 us, which lets a PMD thread on the same core run)
  --load PCT            sender rate in the establish part, % of the best through-OVS rate (default $load)
  --ovs-mpps X          take X Mpps as the best through-OVS rate (when that part is not run)
  --gap-threshold-us N  receiver records gaps of at least N us (default $gap_threshold_us)
  --gap-placement ABP   placement in the establish part (default 010: B alone on core 1, A and the
                        PMD thread on core 0 with the agent and the harness)
  --gap-pmd-maxsleep US pmd-maxsleep in the establish part (default $gap_pmd_maxsleep)
  --control-nice N      in the establish part, run the control plane (every thread of the agent and
                        of ovs-vswitchd but its PMD thread) at nice N (-20..19, default 0): on two
                        cores shared with polling guests this stands in for the housekeeping core a
                        deployment gives them (BypassBench, which measures, stays at nice 0)
  --agent-nice N        in the establish part, the agent's control-nice (its flow monitor's, bypass
                        controller's and link supervisor's threads; default: the agent's own default)
  --agent-realtime N    in the establish part, the agent's control-realtime-priority (those threads
                        at SCHED_FIFO N; default 0: off)
  --standby             in the establish part, the agent's link-standby=true: after each revert the
                        pair keeps a standby link (attached, mapped by both guests, carrying nothing)
                        that the next establish activates; RESULT establish_standby_runs counts the
                        measured runs whose link was one
  --establish-via direct|proxy  the establishing FLOW_MOD goes to OVS directly (default) or through
                        the agent's proxy (then the agent links once OVS answered the BARRIER sent
                        with it and a barrier on its flow monitor's connection came back)
  --revert-via direct|proxy     the breaking FLOW_MOD (default $revert_via: held until reverted)
  --quiet-ms N          agent bypass-quiet-ms (default $quiet_ms, the agent's default)
  --on-link-ms N        time on the link before each revert (default $on_link_ms)
  --settle-ms N         time after each revert before the next establish (default $settle_ms)
  --baseline            the establish part with the agent's bypass off: the same FLOW_MOD cycles
                        through OVS alone, so its gap keys are OVS's own pause at those flow changes
                        (its establish/revert times are then OVS's barrier replies; RESULT baseline=true)
  --no-huge             no hugepages (OVS-DPDK in --no-huge mode, regions in /dev/shm)
  --quiet-wait N        wait up to N s before each part for the machine to go idle (default $quiet_wait)
  --keep-logs           keep the run directory (/tmp/highway-bench-bypass.*)
Ends with: RESULT bypass establish_p50_ms=<a> establish_p99_ms=<b> gap_max_us=<c> speedup=<d> ...
("na" for what was not run). Targets: a <= 2, c <= 100, d >= 10.
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="${2:?}"; shift 2 ;;
    --poll-us) poll_us="${2:?}"; shift 2 ;;
    --seconds) seconds="${2:?}"; shift 2 ;;
    --rounds) rounds="${2:?}"; shift 2 ;;
    --warmup) warmup="${2:?}"; shift 2 ;;
    --parts) parts="${2:?}"; shift 2 ;;
    --placements) placements="${2:?}"; shift 2 ;;
    --pmd-maxsleep) pmd_maxsleep="${2:?}"; shift 2 ;;
    --ovs-idle) ovs_idle="${2:?}"; shift 2 ;;
    --load) load="${2:?}"; shift 2 ;;
    --ovs-mpps) ovs_rate_override="${2:?}"; shift 2 ;;
    --gap-threshold-us) gap_threshold_us="${2:?}"; shift 2 ;;
    --gap-placement) gap_placement="${2:?}"; shift 2 ;;
    --gap-pmd-maxsleep) gap_pmd_maxsleep="${2:?}"; shift 2 ;;
    --control-nice) control_nice="${2:?}"; shift 2 ;;
    --agent-nice) agent_nice="${2:?}"; shift 2 ;;
    --agent-realtime) agent_realtime="${2:?}"; shift 2 ;;
    --establish-via) establish_via="${2:?}"; shift 2 ;;
    --revert-via) revert_via="${2:?}"; shift 2 ;;
    --quiet-ms) quiet_ms="${2:?}"; shift 2 ;;
    --baseline) baseline=1; shift ;;
    --standby) standby=1; shift ;;
    --on-link-ms) on_link_ms="${2:?}"; shift 2 ;;
    --settle-ms) settle_ms="${2:?}"; shift 2 ;;
    --no-huge) force_no_huge=1; shift ;;
    --quiet-wait) quiet_wait="${2:?}"; shift 2 ;;
    --keep-logs) export BENCH_KEEP_LOGS=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option=$1" ;;
  esac
done
for v in runs seconds rounds load gap_threshold_us poll_us; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "--${v//_/-} value=${!v} must be a positive integer"
done
for v in warmup pmd_maxsleep gap_pmd_maxsleep quiet_ms on_link_ms settle_ms quiet_wait; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "--${v//_/-} value=${!v} must be an integer >= 0"
done
[ "$load" -le 100 ] || die "--load value=$load must be 1..100"
[ -z "$agent_nice" ] || { [[ "$agent_nice" =~ ^-?[0-9]+$ ]] && [ "$agent_nice" -ge -20 ] && [ "$agent_nice" -le 19 ]; } \
  || die "--agent-nice value=$agent_nice must be an integer -20..19"
[[ "$agent_realtime" =~ ^[0-9]+$ ]] && [ "$agent_realtime" -le 99 ] \
  || die "--agent-realtime value=$agent_realtime must be 0..99"
[[ "$control_nice" =~ ^-?[0-9]+$ ]] && [ "$control_nice" -ge -20 ] && [ "$control_nice" -le 19 ] \
  || die "--control-nice value=$control_nice must be an integer -20..19"
for p in ${placements//,/ } $gap_placement; do
  [[ "$p" =~ ^[01][01][01]$ ]] || die "placement=$p must be three digits 0/1: cores of A, B and the PMD thread"
done
[[ "$ovs_idle" =~ ^(spin|park)$ ]] || die "--ovs-idle value=$ovs_idle must be spin or park"
[[ "$establish_via" =~ ^(direct|proxy)$ ]] || die "--establish-via value=$establish_via must be direct or proxy"
[[ "$revert_via" =~ ^(direct|proxy)$ ]] || die "--revert-via value=$revert_via must be direct or proxy"
[ -z "$ovs_rate_override" ] || [[ "$ovs_rate_override" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--ovs-mpps value=$ovs_rate_override must be a number"
for part in ${parts//,/ }; do
  case "$part" in through-ovs|bypassed|establish) ;; *) die "--parts: unknown part=$part (through-ovs, bypassed, establish)" ;; esac
done
has_part() { [[ ",$parts," == *",$1,"* ]]; }
if has_part establish && ! has_part through-ovs && [ -z "$ovs_rate_override" ]; then
  die "the establish part paces at --load % of the through-OVS rate: run through-ovs too or give --ovs-mpps"
fi

bench_need_cpus 2
need_packages util-linux coreutils procps iproute2
ovs_dpdk_install
bench_init bypass
if [ "$force_no_huge" = 1 ]; then
  BENCH_HUGE=0
  export HIGHWAY_NO_HUGE=1
else
  # OVS-DPDK's socket memory, two 16 MiB ring-port regions and 8 MiB link regions
  bench_hugepages $((OVS_DPDK_HUGEPAGES_NEEDED + 40))
  [ "$BENCH_HUGE" = 1 ] || export HIGHWAY_NO_HUGE=1
fi
bench_java_harness
log "machine: $(bench_machine)"
# every region (ring ports, links) in one known place: BypassBench watches it for link regions
if [ "$BENCH_HUGE" = 1 ]; then region_dir="$BENCH_HUGE_DIR"; else region_dir=/dev/shm; fi

# names of our own: the kernel's tap namespace and the region file names are shared (see via-ovs.sh)
br="hwb$$" port_a="hw$$-a" port_b="hw$$-b"
ovs_run="$BENCH_RUN_DIR/ovs"
bench_on_exit "ovs_dpdk_stop '$ovs_run'"
# link regions of an agent that had to be killed: the paths its log says it created
bench_on_exit "remove_agent_regions"
ovs_dpdk_start "$ovs_run" "$br" >&2
ovs_dpdk_env "$ovs_run"
ovs-vsctl set Open_vSwitch . other_config:pmd-cpu-mask=0x2 "other_config:pmd-maxsleep=$pmd_maxsleep"

remove_agent_regions() {
  local file
  for file in $(sed -n 's/.*created region file path=\([^ ]*\) .*/\1/p' "$BENCH_RUN_DIR"/*/agent.log 2>/dev/null); do
    [ ! -e "$file" ] || { log "removing region file $file left by a killed agent"; rm -f "$file"; }
  done
}

fresh_vswitchd() {
  ovs_dpdk_restart_vswitchd "$ovs_run" >&2
  ovs_dpdk_env "$ovs_run"
}

vswitchd_alive_or_die() {
  local pid
  pid="$(cat "$ovs_run/ovs-vswitchd.pid" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && return 0
  tail -15 "$ovs_run/ovs-vswitchd.log" >&2 || true
  die "ovs-vswitchd is gone $1; rerun with --keep-logs to keep $BENCH_RUN_DIR"
}

# pmd_tid: the thread id of OVS's (only) PMD thread.
# renice_threads NICE PID [SKIP_TID]: every thread of PID but SKIP_TID at nice NICE
renice_threads() {
  local task
  for task in /proc/"$2"/task/*; do
    [ "$(basename "$task")" = "${3:-}" ] || renice -n "$1" -p "$(basename "$task")" >/dev/null 2>&1 || true
  done
}

pmd_tid() {
  local pid task
  pid="$(cat "$ovs_run/ovs-vswitchd.pid")"
  for task in /proc/"$pid"/task/*; do
    if [[ "$(cat "$task/comm" 2>/dev/null)" == pmd* ]]; then basename "$task"; return 0; fi
  done
  die "no PMD thread in ovs-vswitchd pid=$pid"
}

# pin_process CPU PID: every thread of PID on CPU. taskset -a fails on a thread that exits while it
# goes through them (the agent's and the guests' warm-up threads end on their own): tried again.
pin_process() {
  local i
  for i in 1 2 3 4 5; do
    taskset -a -pc "$1" "$2" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || return 1
  done
  return 1
}

# place ABP: A's JVM (all threads) on core A, B's on core B, the PMD thread on core P.
place() {
  local p="$1"
  pin_process "${p:0:1}" "$pid_a" || die "taskset of guest A pid=$pid_a failed"
  pin_process "${p:1:1}" "$pid_b" || die "taskset of guest B pid=$pid_b failed"
  taskset -pc "${p:2:1}" "$(pmd_tid)" >/dev/null || die "taskset of the PMD thread failed"
}

set_flows() {
  ovs-ofctl del-flows "$br"
  ovs-ofctl add-flow "$br" in_port=1,actions=output:2
  ovs-ofctl add-flow "$br" in_port=2,actions=drop
}

# The guests' sysfs-shaped publish roots live on tmpfs (as sysfs itself, or /run, is in memory):
# on this machine's ext4 a publication (mkdir, two files, a symlink) waited milliseconds for the
# journal, on a link's establish path. $dir/a-sysfs and $dir/b-sysfs link to them.
sysfs_base="/dev/shm/highway-bench-sysfs.$$"
bench_on_exit "rm -rf '$sysfs_base'"

# start_agent DIR BYPASS [EXTRA CONFIG LINES...]: the agent with ring ports A and B; waits until it runs.
start_agent() {
  local dir="$1" bypass="$2" i; shift 2
  local roots="$sysfs_base/$(basename "$dir")"
  rm -rf "$roots"
  mkdir -p "$roots/a" "$roots/b"
  ln -sfn "$roots/a" "$dir/a-sysfs"
  ln -sfn "$roots/b" "$dir/b-sysfs"
  {
    echo "ovsdb=unix:$ovs_run/db.sock"
    echo "bridge=$br"
    echo "memif-socket-dir=$ovs_run"
    echo "control-socket=$dir/highway.ctl"
    echo "region-dir=$region_dir"
    echo "ring-port.$port_a.guest=ga"
    echo "ring-port.$port_a.publish-root=$dir/a-sysfs"
    echo "ring-port.$port_a.ofport=1"
    echo "ring-port.$port_b.guest=gb"
    echo "ring-port.$port_b.publish-root=$dir/b-sysfs"
    echo "ring-port.$port_b.ofport=2"
    echo "bypass=$bypass"
    printf '%s\n' "$@"
  } > "$dir/highway.properties"
  bench_spawn "$dir/agent.log" "$HIGHWAY_ROOT/highway" agent --config "$dir/highway.properties"
  agent_pid=$BENCH_LAST_PID
  for i in $(seq 600); do
    grep -q '^highway agent running' "$dir/agent.log" && break
    kill -0 "$agent_pid" 2>/dev/null || break
    sleep 0.1
  done
  grep -q '^highway agent running' "$dir/agent.log" || { tail -30 "$dir/agent.log" >&2; die "highway agent did not start (log $dir/agent.log)"; }
}

# start_guests DIR CORE_A CORE_B ARGS_A -- ARGS_B: guest A (sender) and B (receiver); sets pid_a, pid_b.
start_guests() {
  local dir="$1" ca="$2" cb="$3"; shift 3
  local args_a=() args_b=()
  while [ "$1" != "--" ]; do args_a+=("$1"); shift; done; shift
  args_b=("$@")
  bench_spawn "$dir/guest-b.log" taskset -c "$cb" "${BENCH_JAVA[@]}" org.ovshighway.testbed.TrafficGuest \
    --root "$dir/b-sysfs" --ports "$port_b" --streams 2 --peer-streams 1 --transmit false --cpu none "${args_b[@]}"
  pid_b=$BENCH_LAST_PID
  bench_spawn "$dir/guest-a.log" taskset -c "$ca" "${BENCH_JAVA[@]}" org.ovshighway.testbed.TrafficGuest \
    --root "$dir/a-sysfs" --ports "$port_a" --streams 1 --peer-streams 2 --cpu none "${args_a[@]}"
  pid_a=$BENCH_LAST_PID
  await_rx "$dir/guest-b.log" 60 || { log "B received nothing within 60 s (logs in $dir)"; return 1; }
}

vswitchd_alive() {
  local pid
  pid="$(cat "$ovs_run/ovs-vswitchd.pid" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# bring_up DIR MAXSLEEP BREAKER BYPASS CORE_A CORE_B ARGS_A... -- ARGS_B...: a freshly started
# ovs-vswitchd with pmd-maxsleep MAXSLEEP, the rules (and the breaker rule when BREAKER=1, so
# A -> B starts out not point-to-point), the agent (bypass=BYPASS, plus the config lines in
# agent_extra), the guests; returns once B receives. Up to 3 attempts: ovs-vswitchd-dpdk has
# died here, silently, while the agent reconnected a memif port that OVS reported down right
# after add-port (docs/benchmarks.md, via-ovs "Known problems").
bring_up() {
  local dir="$1" maxsleep="$2" breaker="$3" bypass="$4" attempt; shift 4
  for attempt in 1 2 3; do
    fresh_vswitchd
    ovs-vsctl set Open_vSwitch . "other_config:pmd-maxsleep=$maxsleep"
    set_flows
    [ "$breaker" = 0 ] || ovs-ofctl add-flow "$br" "priority=40000,in_port=1,dl_type=0x0806,actions=LOCAL"
    start_agent "$dir" "$bypass" "${agent_extra[@]}"
    pid_a="" pid_b=""
    if start_guests "$dir" "$@" && vswitchd_alive; then
      return 0
    fi
    log "attempt $attempt to bring up $dir failed (ovs-vswitchd alive: $(vswitchd_alive && echo yes || echo no)); agent log:"
    grep -E 'WARNING|SEVERE|ERROR' "$dir/agent.log" | tail -5 >&2 || true
    [ -z "$pid_a" ] || bench_stop "$pid_a" KILL
    [ -z "$pid_b" ] || bench_stop "$pid_b" KILL
    bench_stop "$agent_pid" TERM
    remove_agent_regions
    for f in agent guest-a guest-b; do [ ! -f "$dir/$f.log" ] || mv "$dir/$f.log" "$dir/$f.attempt$attempt.log"; done
  done
  die "could not bring up OVS, agent and guests in 3 attempts (logs in $dir)"
}

# await_rx LOG SECONDS: until a TRAFFIC_SECOND line of B shows frames received.
await_rx() {
  local i
  for i in $(seq $(($2 * 10))); do
    awk -v p="port=$port_b" '$1 == "TRAFFIC_SECOND" && $2 == p { for (i = 3; i <= NF; i++) if ($i ~ /^received=/ && substr($i, 10) + 0 > 0) found = 1 }
      END { exit !found }' "$1" 2>/dev/null && return 0
    kill -0 "$pid_a" 2>/dev/null && kill -0 "$pid_b" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# stop_guests: A first (B drains what is on its way), then B; both print their summaries.
stop_guests() {
  local i
  bench_stop "$pid_a" TERM
  # B may have millions of gap lines to print after its summary: give it up to 60 s
  kill -TERM "$pid_b" 2>/dev/null || true
  for i in $(seq 600); do kill -0 "$pid_b" 2>/dev/null || break; sleep 0.1; done
  bench_stop "$pid_b" TERM
}

# b_rate LOG: waits --warmup windows, then prints the median rx Mpps of B's next --seconds windows.
b_rate() {
  local log="$1" start need values i
  start=$(grep -c "^TRAFFIC_SECOND port=$port_b " "$log" || true)
  need=$((start + warmup + seconds))
  for i in $(seq $(((warmup + seconds + 31) * 10))); do
    # one line more than needed: the last one may still be half written
    [ "$(grep -c "^TRAFFIC_SECOND port=$port_b " "$log" || true)" -gt "$need" ] && break
    kill -0 "$pid_b" 2>/dev/null || die "guest B exited (log $log)"
    sleep 0.1
  done
  values=$(grep "^TRAFFIC_SECOND port=$port_b " "$log" | sed -n "$((start + warmup + 1)),${need}p" | grep -oP 'rx_mpps=\K[0-9.]+')
  [ "$(echo "$values" | wc -w)" -eq "$seconds" ] || die "guest B printed too few windows in $log"
  log "  B receives (Mpps per window): $(echo $values)"
  bench_median $values
}

# proxy_port: a free TCP port on 127.0.0.1 for the agent's passive proxy listener.
proxy_port() {
  local p
  for p in $(seq $((20000 + $$ % 20000)) $((20100 + $$ % 20000))); do
    ss -ltnH "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return 0; }
  done
  die "no free TCP port for the agent's proxy"
}

# await_link DIR STATE_REGEX SECONDS: until `highway links` shows A's traffic on a link in that state.
await_link() {
  local dir="$1" want="$2" i text=""
  for i in $(seq "$3"); do
    text="$("$HIGHWAY_ROOT/highway" links --control "$dir/highway.ctl" 2>&1 || true)"
    grep -qE "^$port_a\\(1\\) .*path=link\\([0-9]+,$want\\)" <<<"$text" && return 0
    sleep 1
  done
  log "highway links said:"; echo "$text" >&2
  return 1
}

busy_notes=()
declare -A placement_mpps=() placement_rounds=()
best_placement=na ovs_mpps=na bypass_mpps=na
establish_p50=na establish_p99=na establish_first=na gap_max=na revert_p50=na revert_p99=na gap_outside=na establish_failed=na rx_clean=na

if has_part through-ovs; then
  bench_wait_quiet "$quiet_wait"; busy_notes+=("through-ovs:${BENCH_BUSY_BEFORE}%")
  dir="$BENCH_RUN_DIR/through-ovs"; mkdir -p "$dir"
  rtt_ovs_before="$(bench_cacheline_rtt 0 1)"
  first="${placements%%,*}"
  agent_extra=()
  bring_up "$dir" "$pmd_maxsleep" 0 false "${first:0:1}" "${first:1:1}" --idle "$ovs_idle" -- --idle "$ovs_idle"
  for round in $(seq "$rounds"); do
  for p in ${placements//,/ }; do
    place "$p"
    log "through OVS, round $round/$rounds, placement A:${p:0:1} B:${p:1:1} PMD:${p:2:1} ($warmup s warm-up + $seconds windows)"
    ovs-appctl -t "$OVS_DPDK_APPCTL" dpif-netdev/pmd-stats-clear >/dev/null
    value="$(b_rate "$dir/guest-b.log")"
    placement_rounds[$p]+="$value "
    if [ -z "${placement_mpps[$p]:-}" ] || awk -v a="$value" -v b="${placement_mpps[$p]}" 'BEGIN { exit !(a > b) }'; then
      placement_mpps[$p]="$value"
    fi
    vswitchd_alive_or_die "in placement $p"
    log "  OVS PMD: $(ovs-appctl -t "$OVS_DPDK_APPCTL" dpif-netdev/pmd-stats-show | grep -E 'packets received|avg (processing )?cycles per packet|idle cycles|processing cycles' | tr -s ' \n' ' ')"
    log "  placement $p: $value Mpps"
  done
  done
  log "through OVS: OVS port counters: $(ovs-ofctl dump-ports "$br" | tr -s ' \n' ' ')"
  stop_guests
  grep '^TRAFFIC_SUMMARY' "$dir/guest-b.log" >&2 || true
  bench_stop "$agent_pid" TERM
  rtt_ovs_after="$(bench_cacheline_rtt 0 1)"
  log "through OVS: cache line round trip core 0 <-> 1 ${rtt_ovs_before} ns before, ${rtt_ovs_after} ns after"
  for p in ${placements//,/ }; do
    if [ "$best_placement" = na ] || awk -v a="${placement_mpps[$p]}" -v b="$ovs_mpps" 'BEGIN { exit !(a > b) }'; then
      best_placement="$p" ovs_mpps="${placement_mpps[$p]}"
    fi
  done
  log "through OVS: best placement $best_placement (A:${best_placement:0:1} B:${best_placement:1:1} PMD:${best_placement:2:1}) $ovs_mpps Mpps"
fi
[ -z "$ovs_rate_override" ] || { ovs_mpps="$ovs_rate_override"; log "through-OVS rate taken from --ovs-mpps: $ovs_mpps Mpps"; }

if has_part bypassed; then
  bench_wait_quiet "$quiet_wait"; busy_notes+=("bypassed:${BENCH_BUSY_BEFORE}%")
  dir="$BENCH_RUN_DIR/bypassed"; mkdir -p "$dir"
  rtt_bypassed_before="$(bench_cacheline_rtt 0 1)"
  agent_extra=("bypass-quiet-ms=$quiet_ms")
  bring_up "$dir" 500 0 true 0 1 --idle spin -- --idle spin
  await_link "$dir" ACTIVE 60 || die "A -> B never went onto a link (log $dir/agent.log)"
  place 011
  bypass_rounds=""
  for round in $(seq "$rounds"); do
    log "bypassed, round $round/$rounds: A on core 0, B on core 1, PMD (idle) on core 1 ($warmup s warm-up + $seconds windows)"
    rx_before="$(ovs-ofctl dump-ports "$br" 1 | grep -oP 'rx pkts=\K[0-9]+')"
    value="$(b_rate "$dir/guest-b.log")"
    rx_after="$(ovs-ofctl dump-ports "$br" 1 | grep -oP 'rx pkts=\K[0-9]+')"
    log "  bypassed: $value Mpps; OVS received $((rx_after - rx_before)) frames from A meanwhile"
    bypass_rounds+="$value "
    if [ "$bypass_mpps" = na ] || awk -v a="$value" -v b="$bypass_mpps" 'BEGIN { exit !(a > b) }'; then bypass_mpps="$value"; fi
  done
  await_link "$dir" ACTIVE 1 || die "the link was no longer ACTIVE after the measurement"
  # back through OVS before the guests stop (a held rule through ovs-ofctl straight to OVS is enough:
  # the agent sees it and reverts), so nobody leaves a live link behind
  ovs-ofctl add-flow "$br" "priority=40000,in_port=1,dl_type=0x0806,actions=LOCAL"
  for i in $(seq 100); do
    "$HIGHWAY_ROOT/highway" links --control "$dir/highway.ctl" 2>/dev/null | grep -qE "^$port_a\\(1\\) .*path=ovs" && break
    sleep 0.2
  done
  stop_guests
  grep '^TRAFFIC_SUMMARY' "$dir/guest-b.log" >&2 || true
  bench_stop "$agent_pid" TERM
  rtt_bypassed_after="$(bench_cacheline_rtt 0 1)"
  log "bypassed: cache line round trip core 0 <-> 1 ${rtt_bypassed_before} ns before, ${rtt_bypassed_after} ns after"
fi

if has_part establish; then
  bench_wait_quiet "$quiet_wait"; busy_notes+=("establish:${BENCH_BUSY_BEFORE}%")
  dir="$BENCH_RUN_DIR/establish"; mkdir -p "$dir"
  # B alone on a core, spinning, so the gaps it sees are the path's and not its own time slices;
  # A and the PMD thread share the other core (with the agent and BypassBench)
  [ -n "$gap_placement" ] || gap_placement=010
  rate_pps="$(awk -v m="$ovs_mpps" -v l="$load" 'BEGIN { printf "%d\n", m * 1e6 * l / 100 }')"
  [ "$rate_pps" -gt 0 ] || die "sender rate=$rate_pps pps (through-OVS rate $ovs_mpps Mpps, load $load %)"
  pport="$(proxy_port)"
  agent_extra=("bypass-quiet-ms=$quiet_ms" controller-proxy=true "proxy-passive=127.0.0.1:$pport")
  [ -z "$agent_nice" ] || agent_extra+=("control-nice=$agent_nice")
  [ "$agent_realtime" = 0 ] || agent_extra+=("control-realtime-priority=$agent_realtime")
  [ "$standby" = 0 ] || agent_extra+=(link-standby=true)
  # the breaker rule from the start: A -> B is not point-to-point until BypassBench deletes it
  [ "$baseline" = 1 ] && establish_bypass=false || establish_bypass=true
  bring_up "$dir" "$gap_pmd_maxsleep" 1 "$establish_bypass" "${gap_placement:0:1}" "${gap_placement:1:1}" --idle park --rate "$rate_pps" \
    -- --idle spin --gap-threshold-us "$gap_threshold_us" --gap-capacity 4000000
  place "$gap_placement"
  # the agent and this harness share the sender's core, so they do not disturb the receiver
  control_cpu="${gap_placement:0:1}"
  pin_process "$control_cpu" "$agent_pid" || die "taskset of the agent pid=$agent_pid failed"
  log "establish$([ "$baseline" = 0 ] || echo " (baseline: bypass off)"): A sends $rate_pps frames/s ($load % of $ovs_mpps Mpps) with placement A:${gap_placement:0:1} B:${gap_placement:1:1} PMD:${gap_placement:2:1}, pmd-maxsleep=$gap_pmd_maxsleep; $runs runs"
  bench_sleep "$warmup"
  direct="unix:$ovs_run/$br.mgmt" proxy="tcp:127.0.0.1:$pport"
  [ "$establish_via" = direct ] && est_target="$direct" || est_target="$proxy"
  [ "$revert_via" = direct ] && rev_target="$direct" || rev_target="$proxy"
  bench_spawn "$dir/bench.log" taskset -c "$control_cpu" "${BENCH_JAVA[@]}" org.ovshighway.testbed.BypassBench \
    --openflow "$est_target" --revert-openflow "$rev_target" --region-dir "$region_dir" \
    --sender "$port_a" --in-port 1 --runs "$runs" --on-link-ms "$on_link_ms" --settle-ms "$settle_ms" \
    --expect-link "$establish_bypass" --poll-us "$poll_us"
  bench_pid=$BENCH_LAST_PID
  if [ "$control_nice" != 0 ]; then
    # threads the JVMs start later keep the nice of the thread that made them, mostly already set here
    sleep 0.5
    renice_threads "$control_nice" "$agent_pid"
    renice_threads "$control_nice" "$(cat "$ovs_run/ovs-vswitchd.pid")" "$(pmd_tid)"
    log "establish: control plane (agent, ovs-vswitchd but its PMD) at nice $control_nice"
  fi
  bench_status=0
  wait "$bench_pid" || bench_status=$?
  vswitchd_alive_or_die "after the establish runs"
  stop_guests
  # what OVS itself dropped toward B (B counts it as lost: the one named counter for it)
  ovs_tx_drop_b="$(ovs-vsctl get Interface "$port_b" statistics:tx_dropped 2>/dev/null || echo na)"
  ovs_rx_drop_a="$(ovs-vsctl get Interface "$port_a" statistics:rx_dropped 2>/dev/null || echo na)"
  # drops inside OVS's datapath (e.g. upcalls failing while a flow change holds the tables):
  # coverage counters whose names say drop, with their totals
  ovs_dp_drops="$({ ovs-appctl -t "$OVS_DPDK_APPCTL" coverage/show 2>/dev/null || true; } \
    | awk '/drop/ && /total:/ { n = $NF; sum += n; if (n > 0) list = list " " $1 "=" n } END { printf "%d%s", sum, list }')"
  ovs_dp_drop_total="${ovs_dp_drops%% *}"
  log "OVS counters: tx_dropped toward B=$ovs_tx_drop_b rx_dropped from A=$ovs_rx_drop_a datapath drops=$ovs_dp_drops"
  grep '^TRAFFIC_SUMMARY' "$dir/guest-b.log" >&2 || true
  bench_stop "$agent_pid" TERM
  # each link's close line says what its sender put on it and its receiver took: a revert must
  # leave nothing on the link (frames lost to the link itself, apart from OVS's drops)
  read -r links_closed link_frames_left < <(grep -a ' closed outcome=' "$dir/agent.log" \
    | grep -oP '\bsent=\K\d+ received=\d+' | awk '{ n++; d = $1 - substr($2, 10); if (d > 0) left += d } END { printf "%d %d\n", n, left }')
  log "link directions closed: $links_closed, frames their receivers did not take: $link_frames_left"
  grep -E '^BYPASS_RUN' "$dir/bench.log" | head -5 >&2 || true
  grep -E '^BYPASS_RUN .*failure=' "$dir/bench.log" >&2 || true
  grep -E '^BYPASS_(ESTABLISH|REVERT)' "$dir/bench.log" >&2 || { tail -30 "$dir/bench.log" >&2; die "BypassBench printed no summary (log $dir/bench.log)"; }
  [ "$bench_status" = 0 ] || log "BypassBench: some runs failed (exit $bench_status; see failure= above)"
  est="$(grep '^BYPASS_ESTABLISH' "$dir/bench.log")" rev="$(grep '^BYPASS_REVERT' "$dir/bench.log")"
  establish_p50="$(grep -oP 'p50_ms=\K[^ ]+' <<<"$est")" establish_p99="$(grep -oP 'p99_ms=\K[^ ]+' <<<"$est")"
  revert_p50="$(grep -oP 'p50_ms=\K[^ ]+' <<<"$rev")" revert_p99="$(grep -oP 'p99_ms=\K[^ ]+' <<<"$rev")"
  establish_failed=$((runs - $(grep -oP 'completed=\K[0-9]+' <<<"$est")))
  # measured runs whose link was a standby one, there and mapped by both guests before the FLOW_MOD
  standby_runs="$(grep -cP '^BYPASS_RUN run=[1-9][0-9]* .* standby=1\b' "$dir/bench.log" || true)"
  # the same establishments timed by the sender itself: A's library logs the monotonic time of the
  # burst that put its first frames on each link (onto_link_nanos); BypassBench's own look comes later
  # by however long it waits for core 0, which it shares with A, the PMD thread and the agent
  sed -nE 's/.* sender on link LinkSession\[linkId=([0-9]+),.* onto_link_nanos=([0-9]+).*/\1 \2/p' \
    "$dir/guest-a.log" > "$dir/onto-link.txt"
  sed -nE 's/^BYPASS_RUN run=[1-9][0-9]* link=([0-9]+) .* sent_nanos=([0-9]+) .*/\1 \2/p' "$dir/bench.log" > "$dir/sent.txt"
  read -r onto_n onto_p50 onto_p99 < <(awk 'FNR == NR { onto[$1] = $2; next } ($1 in onto) { print (onto[$1] - $2) / 1e6 }' \
    "$dir/onto-link.txt" "$dir/sent.txt" | sort -g | awk '{ v[NR] = $1 } END {
      if (NR == 0) { print "0 na na"; exit }
      r50 = int(0.5 * NR); if (r50 < 0.5 * NR) r50++; r99 = int(0.99 * NR); if (r99 < 0.99 * NR) r99++
      printf "%d %.3f %.3f\n", NR, v[r50], v[r99] }')
  log "establish timed by the sender (FLOW_MOD sent -> A's first burst onto the link): p50 $onto_p50 ms, p99 $onto_p99 ms over $onto_n runs"
  # where the establish time goes: medians of the milestones (us after the FLOW_MOD was sent)
  for m in region mapped usable establish; do
    log "  median ${m}_us: $(bench_median $(grep -oP "^BYPASS_RUN run=[1-9][0-9]* .* ${m}_us=\K[0-9.]+" "$dir/bench.log"))"
  done
  # the warm-up cycle (run=0: first link of a fresh agent, guests and harness), reported on its own
  establish_first="$(grep -oP '^BYPASS_RUN run=0 .* establish_us=\K[0-9.]+' "$dir/bench.log" \
    | awk '{ printf "%.3f\n", $1 / 1000 }')"
  [ -n "$establish_first" ] || establish_first=na
  "${BENCH_JAVA[@]}" org.ovshighway.testbed.BypassGapReport --bench-log "$dir/bench.log" \
    --guest-log "$dir/guest-b.log" --port "$port_b" > "$dir/gaps.txt" || { cat "$dir/gaps.txt" >&2; die "BypassGapReport failed"; }
  cat "$dir/gaps.txt" >&2
  gaps="$(grep '^BYPASS_GAPS' "$dir/gaps.txt")"
  # windows the receiver could not record (capacity) count with its largest gap of all
  gap_max="$(awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] + 0 } }
    END { m = v["establish_max_us"] > v["revert_max_us"] ? v["establish_max_us"] : v["revert_max_us"]
          if (v["uncovered_windows"] > 0 && v["receiver_max_us"] > m) m = v["receiver_max_us"]; printf "%.1f\n", m }' <<<"$gaps")"
  gap_outside="$(grep -oP 'outside_max_us=\K[^ ]+' <<<"$gaps")"
  # the typical pause: the median over the windows of each one's largest gap
  gap_establish_p50="$(grep -oP 'establish_p50_us=\K[^ ]+' <<<"$gaps")"
  gap_revert_p50="$(grep -oP 'revert_p50_us=\K[^ ]+' <<<"$gaps")"
  summary_b="$(grep "^TRAFFIC_SUMMARY port=$port_b " "$dir/guest-b.log")"
  rx_clean="$(grep -oP ' clean=\K[a-z]+' <<<"$summary_b")"
  lost_b="$(grep -oP ' lost=\K[0-9]+' <<<"$summary_b" || echo na)"
  # the largest gap B saw across a switch of its receive path (old rings <-> link): the handover's
  # own pause, beside the window gaps above that include whatever else the machine did meanwhile
  handover_gap="$(grep -oP ' handover_gap_max_ns=\K[0-9]+' <<<"$summary_b" | awk '{ printf "%.1f\n", $1 / 1000 }')"
  handover_gap_p50="$(grep -oP ' handover_onto_link_gap_p50_ns=\K[0-9]+' <<<"$summary_b" | awk '{ printf "%.1f\n", $1 / 1000 }')"
  handover_back_p50="$(grep -oP ' handover_back_gap_p50_ns=\K[0-9]+' <<<"$summary_b" | awk '{ printf "%.1f\n", $1 / 1000 }')"
  [ -n "$handover_back_p50" ] || handover_back_p50=na
  handovers="$(grep -oP ' handovers=\K[0-9]+' <<<"$summary_b")"
  [ -n "$handover_gap_p50" ] || handover_gap_p50=na
  [ -n "$handover_gap" ] || handover_gap=na
  [ -n "$handovers" ] || handovers=na
  log "receiver B over all runs: $(grep -oP ' \K(checked|lost|reordered|duplicated|max_gap_ns|remap_links|remap_forced)=[^ ]+' <<<"$summary_b" | tr '\n' ' ')"
  # what A actually sent per second (its pacing asks for rate_pps; on the core it shares with the
  # PMD thread, OVS's other threads, the agent and BypassBench it may get far less CPU than that needs)
  # shellcheck disable=SC2046
  sender_mpps="$(bench_median $(grep "^TRAFFIC_SECOND port=$port_a " "$dir/guest-a.log" | grep -oP 'tx_mpps=\K[0-9.]+'))"
  [ "$sender_mpps" != nan ] || sender_mpps=na
  log "establish: A sent a median $sender_mpps Mpps per second (asked: $(awk -v r="$rate_pps" 'BEGIN { printf "%.2f", r / 1e6 }') Mpps)"
fi

speedup="$(awk -v a="$bypass_mpps" -v b="$ovs_mpps" 'BEGIN { if (a == "na" || b == "na" || b + 0 == 0) print "na"; else printf "%.1f\n", a / b }')"
# the same ratio, only when a cache line crossed between the cores equally fast before and after both
# parts (the four round trips within a factor of 2 of each other): otherwise the host moved the
# vCPUs in between and the two rates come from two machines
speedup_same_state="$(awk -v a="$bypass_mpps" -v b="$ovs_mpps" -v r="${rtt_ovs_before:-na} ${rtt_ovs_after:-na} ${rtt_bypassed_before:-na} ${rtt_bypassed_after:-na}" 'BEGIN {
  n = split(r, v, " "); lo = 1e18; hi = 0
  for (i = 1; i <= n; i++) { if (v[i] !~ /^[0-9]+$/) { print "na"; exit } if (v[i] + 0 < lo) lo = v[i] + 0; if (v[i] + 0 > hi) hi = v[i] + 0 }
  if (a == "na" || b == "na" || b + 0 == 0 || hi > 2 * lo) print "na"; else printf "%.1f\n", a / b }')"
log "machine busy before each part (others' load): ${busy_notes[*]}"
if has_part through-ovs; then
  for p in ${placements//,/ }; do log "through OVS A:${p:0:1} B:${p:1:1} PMD:${p:2:1}: best ${placement_mpps[$p]} Mpps (rounds: ${placement_rounds[$p]})"; done
fi
[ -z "${bypass_rounds:-}" ] || log "bypassed: best $bypass_mpps Mpps (rounds: $bypass_rounds)"
log "targets: establish_p50_ms <= 2: $establish_p50; gap_max_us <= 100: $gap_max; speedup >= 10: $speedup"
mkdir -p "$HIGHWAY_ROOT/results"
result="RESULT bypass establish_p50_ms=$establish_p50 establish_p99_ms=$establish_p99 gap_max_us=$gap_max speedup=$speedup"
result+=" bypass_mpps=$bypass_mpps ovs_best_mpps=$ovs_mpps best_placement=$best_placement revert_p50_ms=$revert_p50"
result+=" revert_p99_ms=$revert_p99 gap_outside_max_us=$gap_outside establish_failed=$establish_failed rx_clean=$rx_clean"
result+=" establish_first_ms=$establish_first rx_lost=${lost_b:-na} ovs_tx_drop=${ovs_tx_drop_b:-na} ovs_dp_drops=${ovs_dp_drop_total:-na} link_frames_left=${link_frames_left:-na}"
result+=" gap_establish_p50_us=${gap_establish_p50:-na} gap_revert_p50_us=${gap_revert_p50:-na}"
result+=" handover_onto_link_gap_p50_us=${handover_gap_p50:-na} handover_back_gap_p50_us=${handover_back_p50:-na}"
result+=" handover_gap_max_us=${handover_gap:-na} handovers=${handovers:-na} establish_sender_mpps=${sender_mpps:-na}"
result+=" speedup_same_state=$speedup_same_state cacheline_rtt_ns_ovs=${rtt_ovs_before:-na}/${rtt_ovs_after:-na} cacheline_rtt_ns_bypassed=${rtt_bypassed_before:-na}/${rtt_bypassed_after:-na}"
result+=" poll_us=$poll_us establish_via=$establish_via quiet_ms=$quiet_ms control_nice=$control_nice agent_nice=${agent_nice:-default} agent_realtime=$agent_realtime"
result+=" standby=$([ "$standby" = 1 ] && echo true || echo false) establish_standby_runs=${standby_runs:-na}"
result+=" establish_onto_link_p50_ms=${onto_p50:-na} establish_onto_link_p99_ms=${onto_p99:-na} establish_onto_link_runs=${onto_n:-na}"
[ "$baseline" = 0 ] || result+=" baseline=true"
placements_note=""
for p in ${placements//,/ }; do placements_note+="$p:${placement_mpps[$p]:-na},"; done
printf '%s %s hugepages=%s rounds=%s runs=%s load=%s gap_placement=%s pmd_maxsleep=%s gap_pmd_maxsleep=%s busy=%s placements=%s\n%s\n' \
  "$(date -u +%FT%TZ)" "$(bench_machine)" "$BENCH_HUGE" "$rounds" "$runs" "$load" "${gap_placement:-na}" "$pmd_maxsleep" \
  "$gap_pmd_maxsleep" "${busy_notes[*]// /,}" "${placements_note%,}" "$result" >> "$HIGHWAY_ROOT/results/bypass.txt"
echo "$result"

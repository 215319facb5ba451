#!/usr/bin/env bash
# summary: VM link establishment through the agent (two TCG VMs, OVS-DPDK): FLOW_MOD -> first link frame, split into detection, region, libvirt attach, guest discovery, handshake
#
# Runs step 3 of testbed/vm-test alone (two TCG VMs hw-vm-c, hw-vm-d running TrafficGuest at
# --rate frames/s each way, `highway agent` with their ring ports on a private OVS-DPDK) with
# --establish-rounds N: after the scenario's own establish/revert, the harness (VmAgentScenario,
# EstablishCycles: the same cycles testbed/bench bypass runs for process guests) times N rounds:
# one FLOW_MOD DELETE_STRICT of the breaker rule (in_port=1,dl_type=0x0806 -> LOCAL, priority
# 40000), written straight to OVS's bridge socket (not through the agent's proxy: step 3 runs
# none), makes A -> B point-to-point; the clock runs until the first data frame on the link ring
# (host-side polling of the link region file, every 1 ms). Re-adding the breaker reverts it;
# --on-link-ms / --settle-ms are fixed at 3000 / 2000 ms (VmAgentScenario). Per round
# (VM_AGENT_ESTABLISH), consecutive stages that add up to total_ms:
#   detection_ms        FLOW_MOD -> the agent's "establishing link" log line
#   region_ms           -> the link region file valid (harness)
#   attach_ms           -> the agent's last "LibvirtAttacher: attached ... shmem=hwlink-ID" (both VMs)
#   guest_discovery_ms  -> both ends' mapped words set (ACPI hot-plug, the guest library's scan, map, validate)
#   handshake_ms        -> first frame on the link ring (agent sets usable, FENCE, first frame)
# and the shares: libvirt_ms (sum of both attaches' libvirt call + live XML read, the log's us=),
# highway_host_ms (detection + region + attach - libvirt_ms + mapped->usable), guest_lib_ms (the
# slower guest's successful scan/map/validate, guest clock; PortRemap's scan_us=), guest_lib_cpu_ms
# (the CPU that scan's thread used, its CPU clock: cpu_us=; the rest of the scan its vCPU was
# elsewhere), guest_kernel_ms (the guest kernel's system calls mapping the device in that scan:
# map_syscalls_us=), highway_ms (highway_host_ms + guest_lib_cpu_ms - guest_kernel_ms: what the
# target counts), highway_with_guest_kernel_ms (without the subtraction). See
# testbed/src/main/java/org/ovshighway/testbed/vm/VmEstablishSplit.java and docs/benchmarks.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/lib/common.sh"
source "$here/lib/bench.sh"

rounds=5 rate=200 keep_logs=() control_realtime=0 standby=()
usage() {
  cat <<USAGE
usage: testbed/bench vm-establish [--rounds N] [--rate N] [--control-realtime N] [--standby] [--keep-logs]
  --rounds N   measured establishments (default $rounds; one VM boot for all of them, about 2 minutes
               plus ~7 s per round on a quiet machine)
  --rate N     frames/s each guest sends (default $rate; the first frame on the link waits for the
               sender's next frame: up to 1000/N ms)
  --control-realtime N
               the agent's control-realtime-priority (default $control_realtime: off): its control
               threads at SCHED_FIFO N, so that they run as soon as woken instead of after the TCG
               vCPU threads' time slices
  --standby    the agent's link-standby=true: after one unmeasured round, each round activates the
               standby link the revert before it left (made, hot-plugged and mapped by both VMs
               off the path); such rounds split into detection and handshake only (standby=1)
  --keep-logs  keep the run directory (agent log, consoles)
Ends with: RESULT vm-establish total_ms=<t> attach_ms=<a> guest_discovery_ms=<g> handshake_ms=<h>
  detection_ms=.. region_ms=.. libvirt_ms=.. highway_host_ms=.. guest_lib_ms=.. guest_lib_cpu_ms=..
  guest_kernel_ms=.. highway_ms=.. highway_with_guest_kernel_ms=.. rounds=<n> ... standby=<0|1>
  standby_rounds=<rounds whose link was a standby link>
(medians over the rounds, each key on its own).
USAGE
}
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="${2:?}"; shift 2 ;;
    --rate) rate="${2:?}"; shift 2 ;;
    --control-realtime) control_realtime="${2:?}"; shift 2 ;;
    --standby) standby=(--link-standby); shift ;;
    --keep-logs) keep_logs=(--keep-logs); shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || die "--rounds value=$rounds must be a positive integer"
[[ "$rate" =~ ^[1-9][0-9]*$ ]] || die "--rate value=$rate must be a positive integer"

machine="$(bench_machine)"
out=$(mktemp /tmp/highway-bench-vm-establish.XXXXXX)
logging=$(mktemp /tmp/highway-bench-vm-establish-logging.XXXXXX)
trap 'rm -f "$out" "$logging"' EXIT
# the link supervisor's own timing line (agent_link_ms); options already in HIGHWAY_JAVA_OPTS come after, and win
printf '%s\n' 'handlers=java.util.logging.ConsoleHandler' 'java.util.logging.ConsoleHandler.level=ALL' \
  'org.ovshighway.remapper.LinkSupervisor.level=FINE' > "$logging"
export HIGHWAY_JAVA_OPTS="-Djava.util.logging.config.file=$logging ${HIGHWAY_JAVA_OPTS:-}"
"$here/vm-test" --skip-it --skip-link --skip-restart --establish-rounds "$rounds" --rate "$rate" --control-realtime "$control_realtime" "${standby[@]}" "${keep_logs[@]}" \
  | tee "$out" | grep -E '^VM_AGENT (phase|BYPASS_RUN)|^VM_AGENT_ESTABLISH|^VM_AGENT frames' >&2
median() { # median KEY: median of KEY=<number> over the VM_AGENT_ESTABLISH lines ("na" values left out)
  # a key that is "na" in every round (standby rounds have no libvirt call) matches nothing: "na"
  grep '^VM_AGENT_ESTABLISH' "$out" | { grep -oP " $1=\K[0-9.]+" || true; } \
    | sort -g | awk '{v[NR]=$1} END {if (NR == 0) print "na"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
n=$(grep -c '^VM_AGENT_ESTABLISH' "$out" || true)
[ "$n" -eq "$rounds" ] || die "only $n of $rounds rounds reported VM_AGENT_ESTABLISH"
result="RESULT vm-establish total_ms=$(median total_ms) attach_ms=$(median attach_ms)"
result+=" guest_discovery_ms=$(median guest_discovery_ms) handshake_ms=$(median handshake_ms)"
for key in detection_ms region_ms libvirt_ms libvirt_call_ms agent_link_ms agent_usable_ms highway_host_ms guest_lib_ms \
  guest_lib_cpu_ms guest_kernel_ms highway_ms highway_with_guest_kernel_ms revert_ms; do
  result+=" $key=$(median "$key")"
done
standby_rounds=$(grep '^VM_AGENT_ESTABLISH' "$out" | grep -c ' standby=1' || true)
result+=" rounds=$rounds rate=$rate control_realtime=$control_realtime standby=$([ ${#standby[@]} -gt 0 ] && echo 1 || echo 0)"
result+=" standby_rounds=$standby_rounds"
mkdir -p "$HIGHWAY_ROOT/results"
printf '%s %s\n%s\n' "$(date -u +%FT%TZ)" "$machine" "$result" >> "$HIGHWAY_ROOT/results/vm-establish.txt"
echo "$result"

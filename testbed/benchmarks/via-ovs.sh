#!/usr/bin/env bash
# summary: two ring ports through a private OVS-DPDK, both ways, 64-byte frames: Highway guest vs dpdk-testpmd
#
# One private OVS-DPDK (testbed/lib/ovs-dpdk.sh), its PMD thread alone on core 1 (pmd-cpu-mask
# 0x2, pmd-maxsleep 0 so it never naps), flows in_port=1 -> output:2 and in_port=2 -> output:1;
# ovs-vswitchd is restarted before each part (same database, same settings).
# The guest side runs on core 0, both ports in ONE process on ONE thread, because that is what
# dpdk-testpmd does with two memif ports and one forwarding core; the two are compared like for
# like:
#   highway: `highway agent --config` provisions two ring ports (OVS memif servers, regions,
#            memif control as the client) and publishes both regions under one sysfs-shaped
#            root; one TrafficGuest process opens both ports with GuestPort and sends its own
#            sequence-numbered stream on each flat out (bursts of 32) while checking the other's.
#   testpmd: the agent is stopped (its ports are removed), two memif server ports are added to
#            the same OVS, and dpdk-testpmd runs as two memif CLIENT ports (2 queues each, as OVS
#            transmits on queue 1), io forwarding, --tx-first, --no-pci, its own --file-prefix.
# A direction's rate is what its receiving port gets per second (Mpps); each part reports the
# median of its windows after the warm-up for each direction, and the mean of the two directions.
# With --rounds R both parts run R times, interleaved; each reports its best round (other
# processes on this shared machine only ever slow a part down).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/lib/common.sh"
source "$here/lib/bench.sh"
source "$here/lib/testpmd.sh"
source "$here/lib/ovs-dpdk.sh"

seconds=5 warmup=2 rounds=1 parts="highway,testpmd" force_no_huge=0 quiet_wait=60
guest_cpu=0 pmd_cpu=1 pmd_maxsleep=0

usage() {
  cat <<USAGE
usage: testbed/bench via-ovs [options]
  --seconds N        measured one-second windows per part (default $seconds)
  --warmup N         seconds of warm-up before them (default $warmup)
  --rounds R         run the parts R times, interleaved; report each part's best round (default $rounds)
  --parts LIST       comma-separated subset of highway,testpmd (default both)
  --pmd-maxsleep US  OVS other_config:pmd-maxsleep during the run (default $pmd_maxsleep: PMD never sleeps)
  --no-huge          do not use hugepages even when they can be had (OVS-DPDK and testpmd in --no-huge mode)
  --quiet-wait N     wait up to N s before each part for the machine to go idle (default $quiet_wait)
  --keep-logs        keep the run directory (/tmp/highway-bench-via-ovs.*)
The OVS PMD thread runs on core $pmd_cpu, the guest side (and the agent) on core $guest_cpu.
Ends with: RESULT via-ovs highway_mpps=<x> testpmd_mpps=<y>   (Mpps per direction; "na" when not run)
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="${2:?--seconds needs a value}"; shift 2 ;;
    --warmup) warmup="${2:?--warmup needs a value}"; shift 2 ;;
    --rounds) rounds="${2:?--rounds needs a value}"; shift 2 ;;
    --parts) parts="${2:?--parts needs a value}"; shift 2 ;;
    --pmd-maxsleep) pmd_maxsleep="${2:?--pmd-maxsleep needs a value}"; shift 2 ;;
    --no-huge) force_no_huge=1; shift ;;
    --quiet-wait) quiet_wait="${2:?--quiet-wait needs a value}"; shift 2 ;;
    --keep-logs) export BENCH_KEEP_LOGS=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option=$1" ;;
  esac
done
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || die "--seconds value=$seconds must be a positive integer"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || die "--rounds value=$rounds must be a positive integer"
[[ "$warmup" =~ ^[0-9]+$ ]] || die "--warmup value=$warmup must be an integer >= 0"
[[ "$quiet_wait" =~ ^[0-9]+$ ]] || die "--quiet-wait value=$quiet_wait must be an integer >= 0"
[[ "$pmd_maxsleep" =~ ^[0-9]+$ ]] || die "--pmd-maxsleep value=$pmd_maxsleep must be an integer >= 0 (microseconds)"
for part in ${parts//,/ }; do
  case "$part" in highway|testpmd) ;; *) die "--parts: unknown part=$part (highway, testpmd)" ;; esac
done
has_part() { [[ ",$parts," == *",$1,"* ]]; }

bench_need_cpus 2
need_packages util-linux coreutils procps
ovs_dpdk_install
has_part testpmd && need_packages "${TESTPMD_PACKAGES[@]}"
bench_init via-ovs
if [ "$force_no_huge" = 1 ]; then
  BENCH_HUGE=0
  export HIGHWAY_NO_HUGE=1
else
  # OVS-DPDK's socket memory, testpmd's, and two 16 MiB ring-port regions
  bench_hugepages $((OVS_DPDK_HUGEPAGES_NEEDED + 160))
  [ "$BENCH_HUGE" = 1 ] || export HIGHWAY_NO_HUGE=1
fi
has_part highway && bench_java_harness
log "machine: $(bench_machine)"

# The bridge's LOCAL port is a kernel tap named after the bridge, and the kernel has one
# namespace: two OVS instances with the same bridge name (other people's "br0") fight over one
# tap, and the loser's main thread spins on POLLERR at ~90% of a core. Hence a name of our own.
br="hwb$$"
# Port names of our own too: the agent names region files after their ports.
eth0="hw$$-eth0" eth1="hw$$-eth1"
ovs_run="$BENCH_RUN_DIR/ovs"
bench_on_exit "ovs_dpdk_stop '$ovs_run'"
ovs_dpdk_start "$ovs_run" "$br" >&2
ovs_dpdk_env "$ovs_run"
ovs-vsctl set Open_vSwitch . "other_config:pmd-cpu-mask=$(printf '0x%x' $((1 << pmd_cpu)))" \
  "other_config:pmd-maxsleep=$pmd_maxsleep"

# set_flows: the two-port loop, whatever ports 1 and 2 are now.
set_flows() {
  ovs-ofctl del-flows "$br"
  ovs-ofctl add-flow "$br" in_port=1,actions=output:2
  ovs-ofctl add-flow "$br" in_port=2,actions=output:1
}

# vswitchd_alive_or_die WHEN [LOG...]: ends the run with what is known when ovs-vswitchd died
# (seen here now and then: it exits without a word in its log; the .out file holds what DPDK
# printed on its way out).
vswitchd_alive_or_die() {
  local when="$1" pid file; shift
  pid="$(cat "$ovs_run/ovs-vswitchd.pid" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && return 0
  for file in "$ovs_run/ovs-vswitchd.log" "$ovs_run/ovs-vswitchd.out" "$@"; do
    [ -f "$file" ] || continue
    log "--- last lines of $file"; tail -15 "$file" >&2
  done
  die "ovs-vswitchd (pid ${pid:-unknown}) is gone $when; rerun with --keep-logs to keep $BENCH_RUN_DIR"
}

# window_median FILE PORT: median rx Mpps of PORT's TRAFFIC_SECOND lines after the warm-up.
window_median() {
  local values
  values=$(awk -v port="port=$2" -v lo="$warmup" -v hi="$((warmup + seconds))" '
    $1 == "TRAFFIC_SECOND" && $2 == port {
      split($3, s, "="); if (s[2] > lo && s[2] <= hi) { for (i = 4; i <= NF; i++) if ($i ~ /^rx_mpps=/) { sub(/rx_mpps=/, "", $i); print $i } }
    }' "$1")
  [ -n "$values" ] || { tail -30 "$1" >&2; die "no TRAFFIC_SECOND windows for port=$2 in $1"; }
  log "  $2 receives (Mpps per window): $(echo $values)"
  bench_median $values
}

# fresh_vswitchd: restarts ovs-vswitchd (ovsdb keeps bridge and settings) so every part starts
# from the same state: after several memif ports came and went, vswitchd here has hung or died
# when the next one was added.
fresh_vswitchd() {
  ovs_dpdk_restart_vswitchd "$ovs_run" >&2
  ovs_dpdk_env "$ovs_run"
}

highway_round() {
  local dir="$BENCH_RUN_DIR/highway-$1" agent_pid guest_pid guest_status=0 i
  mkdir -p "$dir/vnf-sysfs"
  fresh_vswitchd
  cat > "$dir/highway.properties" <<CONFIG
ovsdb=unix:$ovs_run/db.sock
bridge=$br
memif-socket-dir=$ovs_run
ring-port.$eth0.guest=vnf
ring-port.$eth0.publish-root=$dir/vnf-sysfs
ring-port.$eth0.ofport=1
ring-port.$eth1.guest=vnf
ring-port.$eth1.publish-root=$dir/vnf-sysfs
ring-port.$eth1.ofport=2
bypass=false
CONFIG
  bench_spawn "$dir/agent.log" taskset -c "$guest_cpu" "$HIGHWAY_ROOT/highway" agent --config "$dir/highway.properties"
  agent_pid=$BENCH_LAST_PID
  for i in $(seq 600); do
    grep -q '^highway agent running' "$dir/agent.log" && break
    kill -0 "$agent_pid" 2>/dev/null || break
    sleep 0.1
  done
  grep -q '^highway agent running' "$dir/agent.log" || { tail -30 "$dir/agent.log" >&2; die "highway agent did not bring its ring ports up (log $dir/agent.log)"; }
  # the agent deletes its region files on SIGTERM; should it have to be killed, we do
  local file
  for file in $(sed -n 's/.*ring port up: .* region=\([^ ]*\) .*/\1/p' "$dir/agent.log"); do
    bench_on_exit "rm -f '$file'"
  done
  set_flows
  bench_spawn "$dir/guest.log" taskset -c "$guest_cpu" "${BENCH_JAVA[@]}" org.ovshighway.testbed.TrafficGuest \
    --root "$dir/vnf-sysfs" --ports "$eth0,$eth1" --streams 1,2 --peer-streams 2,1 \
    --seconds $((warmup + seconds)) --warmup-ms $((warmup * 1000)) --drain-ms 300 --idle spin --cpu "$guest_cpu"
  guest_pid=$BENCH_LAST_PID
  wait "$guest_pid" || guest_status=$?
  grep '^TRAFFIC_SUMMARY' "$dir/guest.log" >&2 || { tail -30 "$dir/guest.log" >&2; die "TrafficGuest printed no summary (log $dir/guest.log)"; }
  vswitchd_alive_or_die "after the Highway guest ran" "$dir/agent.log"
  [ "$guest_status" = 0 ] || log "highway: the guest saw loss, reordering or duplication after warm-up (exit $guest_status; see the summary lines)"
  log "highway: OVS port counters: $(ovs-ofctl dump-ports "$br" | tr -s ' \n' ' ')"
  log "highway: OVS PMD: $(ovs-appctl -t "$OVS_DPDK_APPCTL" dpif-netdev/pmd-stats-show | grep -E 'avg (processing )?cycles per packet' | tr -s ' \n' ' ')"
  bench_stop "$agent_pid" TERM
  [ -z "$(ovs-vsctl list-ports $br)" ] || die "highway agent left ports on $br: $(ovs-vsctl list-ports $br)"
  local ab ba
  ab="$(window_median "$dir/guest.log" "$eth1")"   # frames eth0 -> OVS -> eth1
  ba="$(window_median "$dir/guest.log" "$eth0")"
  log "highway round $1: eth0->eth1 $ab Mpps, eth1->eth0 $ba Mpps"
  round_value="$(awk -v a="$ab" -v b="$ba" 'BEGIN { printf "%.2f\n", (a + b) / 2 }')"
}

testpmd_round() {
  local dir="$BENCH_RUN_DIR/testpmd-$1" prefix="hwvo$$r$1" s0 s1 pid mem
  mkdir -p "$dir"
  # the hugepage pool is shared with everything else on the machine: top it up for testpmd's
  # 256 MiB now (falls back to --no-huge, logged, when the kernel cannot give more)
  [ "$force_no_huge" = 1 ] || bench_hugepages 140
  fresh_vswitchd
  ovs-appctl -t "$OVS_DPDK_APPCTL" dpif-netdev/pmd-stats-clear >/dev/null
  s0="$(ovs_dpdk_add_memif_port "$ovs_run" "$br" tp-eth0 1)"
  s1="$(ovs_dpdk_add_memif_port "$ovs_run" "$br" tp-eth1 2)"
  bench_on_exit "testpmd_forget $prefix"
  set_flows
  mapfile -t mem < <(testpmd_eal_memory "$prefix")
  bench_spawn "$dir/testpmd.log" taskset -c "$guest_cpu" stdbuf -oL dpdk-testpmd \
    --lcores="0@$guest_cpu,1@$guest_cpu" --main-lcore=0 "${mem[@]}" --no-pci \
    --vdev "net_memif0,role=client,id=0,socket=$s0,socket-abstract=no" \
    --vdev "net_memif1,role=client,id=0,socket=$s1,socket-abstract=no" -- \
    --forward-mode=io --burst=32 --nb-cores=1 --rxq=2 --txq=2 --tx-first --stats-period=1 \
    --total-num-mbufs=32768
  pid=$BENCH_LAST_PID
  bench_sleep $((warmup + seconds + 1))
  kill -0 "$pid" 2>/dev/null || { tail -20 "$dir/testpmd.log" >&2; die "testpmd exited early (log $dir/testpmd.log)"; }
  vswitchd_alive_or_die "while testpmd ran" "$dir/testpmd.log"
  log "testpmd: OVS port counters: $(ovs-ofctl dump-ports "$br" | tr -s ' \n' ' ')"
  log "testpmd: OVS PMD: $(ovs-appctl -t "$OVS_DPDK_APPCTL" dpif-netdev/pmd-stats-show | grep -E 'avg (processing )?cycles per packet' | tr -s ' \n' ' ')"
  bench_stop "$pid" INT
  testpmd_forget "$prefix"
  vswitchd_alive_or_die "after testpmd stopped" "$dir/testpmd.log"
  # not ovs_dpdk_del_port: its status hides a failed ovs-vsctl, and a vswitchd that stopped
  # answering must end the run with its log, not hang the next part
  local port
  for port in tp-eth0 tp-eth1; do
    ovs-vsctl --timeout=30 --if-exists del-port "$br" "$port" || {
      tail -20 "$ovs_run/ovs-vswitchd.log" >&2
      die "removing testpmd's memif port=$port failed (ovs-vswitchd pid $(cat "$ovs_run/ovs-vswitchd.pid" 2>/dev/null) alive: $(kill -0 "$(cat "$ovs_run/ovs-vswitchd.pid" 2>/dev/null)" 2>/dev/null && echo yes || echo no))"
    }
    rm -f "$ovs_run/memif-$port.sock"
  done
  # every --stats-period block has one "Rx-pps:" line per port, port 0 first
  local p0 p1 ab ba
  p0="$(grep -oP 'Rx-pps:\s+\K[0-9]+' "$dir/testpmd.log" | awk 'NR % 2 == 1' | tail -n +$((warmup + 1)) | head -n "$seconds" | awk '{ printf "%.3f\n", $1 / 1e6 }')"
  p1="$(grep -oP 'Rx-pps:\s+\K[0-9]+' "$dir/testpmd.log" | awk 'NR % 2 == 0' | tail -n +$((warmup + 1)) | head -n "$seconds" | awk '{ printf "%.3f\n", $1 / 1e6 }')"
  [ -n "$p0" ] && [ -n "$p1" ] || { tail -30 "$dir/testpmd.log" >&2; die "no Rx-pps samples in $dir/testpmd.log"; }
  log "  testpmd port 1 (eth1) receives (Mpps per window): $(echo $p1)"
  log "  testpmd port 0 (eth0) receives (Mpps per window): $(echo $p0)"
  ab="$(bench_median $p1)"
  ba="$(bench_median $p0)"
  log "testpmd round $1: eth0->eth1 $ab Mpps, eth1->eth0 $ba Mpps"
  round_value="$(awk -v a="$ab" -v b="$ba" 'BEGIN { printf "%.2f\n", (a + b) / 2 }')"
}

busy_notes=()
declare -A round_mpps=([highway]="" [testpmd]="")
for round in $(seq "$rounds"); do
  for part in highway testpmd; do
    has_part "$part" || continue
    bench_wait_quiet "$quiet_wait"
    busy_notes+=("$part#$round:${BENCH_BUSY_BEFORE}%")
    log "round $round/$rounds: part=$part ($warmup s warm-up + $seconds windows)"
    "${part}_round" "$round"
    round_mpps[$part]+="$round_value "
  done
done

best() { [ -n "$1" ] && printf '%s\n' $1 | sort -g | tail -1 || echo na; }
highway_mpps=na testpmd_mpps=na
for part in highway testpmd; do
  has_part "$part" || continue
  log "$part: round results (Mpps per direction): ${round_mpps[$part]}"
  printf -v "${part}_mpps" '%s' "$(best "${round_mpps[$part]}")"
done
ratio="$(awk -v a="$highway_mpps" -v b="$testpmd_mpps" 'BEGIN { if (a == "na" || b == "na" || b + 0 == 0) print "na"; else printf "%.2f\n", a / b }')"
log "machine busy before each part (others' load): ${busy_notes[*]}"
log "highway/testpmd = $ratio (target >= 0.9)"
mkdir -p "$HIGHWAY_ROOT/results"
result="RESULT via-ovs highway_mpps=$highway_mpps testpmd_mpps=$testpmd_mpps"
printf '%s %s hugepages=%s pmd_maxsleep=%s seconds=%s rounds=%s busy=%s rounds=highway:%s/testpmd:%s\n%s\n' \
  "$(date -u +%FT%TZ)" "$(bench_machine)" "$BENCH_HUGE" "$pmd_maxsleep" "$seconds" "$rounds" "${busy_notes[*]// /,}" \
  "$(echo ${round_mpps[highway]} | tr " " ,)" "$(echo ${round_mpps[testpmd]} | tr " " ,)" "$result" >> "$HIGHWAY_ROOT/results/via-ovs.txt"
echo "$result"

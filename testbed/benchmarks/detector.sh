#!/usr/bin/env bash
# summary: p2p detector: JMH µs per flow event at 1k/10k/100k rules, and 100k rules installed in a private OVS vs detector time
#
# Part "jmh": testbed/jmh's DetectorEventBenchmark (one fork, 5x1 s warm-up, 5x1 s measured per
# case; 3 table sizes x 4 benchmarks, about 4 minutes) over a synthetic table of 1000 candidate
# ports, half of them point-to-point. Part "ovs": a private userspace OVS (testbed/lib/ovs.sh) with
# one netdev bridge of 1000 dummy ports; DetectorInstallBench writes 100k rules (100 per port),
# times `ovs-ofctl --bundle add-flows`, waits until a BridgeFlowMonitor-fed detector holds them all,
# then replays the recorded events into fresh detectors (median of 5): in the monitor's batches
# (one per monitor reply, P2pDetector.acceptAll; detector_s) and one by one (detector_per_event_s).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/lib/common.sh"
source "$here/lib/bench.sh"
source "$here/lib/ovs.sh"

parts="jmh,ovs" rules=100000 ports=1000 quiet_wait=60 jmh_args=""

usage() {
  cat <<USAGE
usage: testbed/bench detector [options]
  --parts LIST     comma-separated subset of jmh,ovs (default $parts)
  --rules N        rules installed in OVS (default $rules; a multiple of --ports)
  --ports N        dummy ports on the OVS bridge (default $ports; a multiple of 4)
  --jmh-args "..." extra JMH options, e.g. "-wi 2 -i 3" for a quicker, noisier run
  --quiet-wait N   wait up to N s before each part for the machine to go idle (default $quiet_wait)
  --keep-logs      keep the run directory (/tmp/highway-bench-detector.*)
Ends with: RESULT detector us_per_event_1k=<a> us_per_event_100k=<b> ovs_install_s=<c> detector_s=<d> ...
(a, b = mean of add+remove of one port's rule, per event, events built as decoded just before
each invocation; prebuilt_us_* = the same from entries built at setup, cold in the cache at 100k; c = ovs-ofctl --bundle add-flows wall
time; d = detector consuming the same events replayed from memory in the monitor's batches;
targets b <= 1.5 a, d <= c/5).
A part not run prints "na".
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --parts) parts="${2:?--parts needs a value}"; shift 2 ;;
    --rules) rules="${2:?--rules needs a value}"; shift 2 ;;
    --ports) ports="${2:?--ports needs a value}"; shift 2 ;;
    --jmh-args) jmh_args="${2?--jmh-args needs a value}"; shift 2 ;;
    --quiet-wait) quiet_wait="${2:?--quiet-wait needs a value}"; shift 2 ;;
    --keep-logs) export BENCH_KEEP_LOGS=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option=$1" ;;
  esac
done
[[ "$rules" =~ ^[1-9][0-9]*$ ]] || die "--rules value=$rules must be a positive integer"
[[ "$ports" =~ ^[1-9][0-9]*$ ]] && [ $((ports % 4)) -eq 0 ] || die "--ports value=$ports must be a positive multiple of 4"
[ $((rules % ports)) -eq 0 ] || die "--rules value=$rules must be a multiple of --ports value=$ports"
[[ "$quiet_wait" =~ ^[0-9]+$ ]] || die "--quiet-wait value=$quiet_wait must be an integer >= 0"
for part in ${parts//,/ }; do
  case "$part" in jmh|ovs) ;; *) die "--parts: unknown part=$part (jmh, ovs)" ;; esac
done
has_part() { [[ ",$parts," == *",$1,"* ]]; }

bench_init detector
log "machine: $(bench_machine)"
find_jdk
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  log "building testbed/jmh (mvnw -pl testbed/jmh -am package -DskipTests)"
  mvnw -pl testbed/jmh -am package -DskipTests >&2 || die "building testbed/jmh failed"
fi
jar="$HIGHWAY_ROOT/testbed/jmh/target/benchmarks.jar"
[ -f "$jar" ] || die "missing $jar (build failed or BENCH_SKIP_BUILD set too early)"

us_1k=na us_10k=na us_100k=na pre_1k=na pre_100k=na mix_1k=na mix_100k=na wild_1k=na wild_100k=na
ovs_install=na detector_s=na detector_per_event=na end_to_end=na live_busy=na

if has_part jmh; then
  bench_wait_quiet "$quiet_wait"
  log "JMH DetectorEventBenchmark (about 4 minutes)"
  # JMH refuses an option given twice: --jmh-args' -wi/-w/-i/-r replace the defaults.
  timing=()
  for default in "-wi 5" "-w 1" "-i 5" "-r 1"; do
    [[ " $jmh_args " == *" ${default% *} "* ]] || timing+=(${default})
  done
  # shellcheck disable=SC2086
  "$JAVA_HOME/bin/java" -jar "$jar" DetectorEventBenchmark -f 1 "${timing[@]}" \
    -rf csv -rff "$BENCH_RUN_DIR/jmh.csv" $jmh_args >"$BENCH_RUN_DIR/jmh.log" 2>&1 \
    || { tail -30 "$BENCH_RUN_DIR/jmh.log" >&2; die "JMH run failed (log: $BENCH_RUN_DIR/jmh.log)"; }
  sed -n '/^Benchmark /,$p' "$BENCH_RUN_DIR/jmh.log" >&2
  # jmh.csv: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: rules"
  score() {
    awk -F, -v b="$1" -v r="$2" '{ gsub(/["\r]/, "") } $1 ~ "\\." b "$" && $8 == r { printf "%.2f", $5; found = 1 }
      END { if (!found) printf "na" }' "$BENCH_RUN_DIR/jmh.csv"
  }
  us_1k="$(score addRemovePortRule 1000)"; us_10k="$(score addRemovePortRule 10000)"; us_100k="$(score addRemovePortRule 100000)"
  pre_1k="$(score addRemovePrebuiltPortRule 1000)"; pre_100k="$(score addRemovePrebuiltPortRule 100000)"
  mix_1k="$(score mix 1000)"; mix_100k="$(score mix 100000)"
  wild_1k="$(score addRemoveWildcardRule 1000)"; wild_100k="$(score addRemoveWildcardRule 100000)"
fi

if has_part ovs; then
  ovs_install
  run="$BENCH_RUN_DIR/ovs"
  ovs_start "$run"
  bench_on_exit "ovs_stop '$run'"
  ovs_add_bridge "$run" br0
  log "adding $ports dummy ports to br0"
  args=()
  for ((p = 1; p <= ports; p++)); do
    args+=(-- add-port br0 "p$p" -- set Interface "p$p" type=dummy "ofport_request=$p")
  done
  ovs-vsctl --db=unix:"$run/db.sock" --timeout=300 "${args[@]}" || die "adding ports=$ports failed"
  have="$(ovs-ofctl -O OpenFlow14 dump-ports-desc br0 | grep -c '^ [0-9]*(p[0-9]*)' || true)"
  [ "$have" -eq "$ports" ] || die "bridge has ports=$have, expected $ports"
  bench_wait_quiet "$quiet_wait"
  log "installing rules=$rules in OVS and feeding the detector"
  "$JAVA_HOME/bin/java" -Xms2g -Xmx2g -cp "$jar" org.ovshighway.testbed.jmh.DetectorInstallBench \
    "$run/br0.mgmt" br0 "$rules" "$ports" "$BENCH_RUN_DIR" >"$BENCH_RUN_DIR/install.out" 2>"$BENCH_RUN_DIR/install.log" \
    || { tail -30 "$BENCH_RUN_DIR/install.log" >&2; die "DetectorInstallBench failed (log: $BENCH_RUN_DIR/install.log)"; }
  cat "$BENCH_RUN_DIR/install.out" >&2
  value() { sed -n "s/^$1=//p" "$BENCH_RUN_DIR/install.out"; }
  ovs_install="$(value ovs_install_s)"; detector_s="$(value detector_s)"; detector_per_event="$(value detector_per_event_s)"
  end_to_end="$(value end_to_end_s)"; live_busy="$(value live_detector_busy_s)"
fi

echo "RESULT detector us_per_event_1k=$us_1k us_per_event_100k=$us_100k ovs_install_s=$ovs_install detector_s=$detector_s" \
  "us_per_event_10k=$us_10k prebuilt_us_1k=$pre_1k prebuilt_us_100k=$pre_100k mix_us_1k=$mix_1k mix_us_100k=$mix_100k wildcard_us_1k=$wild_1k wildcard_us_100k=$wild_100k" \
  "detector_per_event_s=$detector_per_event end_to_end_s=$end_to_end live_detector_busy_s=$live_busy rules=$rules ports=$ports"

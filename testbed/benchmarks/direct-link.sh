#!/usr/bin/env bash
# summary: one-way 64-byte frames, burst 32, two cores: Highway link ring vs testpmd memif vs Agrona
#
# Highway: two JVM processes (DirectLinkProducer on one core, DirectLinkConsumer on the other)
# share one link region file made by ring-remapper's RegionFiles; the consumer checks every
# sequence number. testpmd: dpdk-testpmd memif server txonly -> client rxonly, one core each.
# Agrona: OneToOneRingBuffer, 64-byte messages, producer and consumer threads on the two cores.
# Every rate is the median of per-second windows after a warm-up. With --rounds R the three
# parts run R times, interleaved, and each reports its best round median: other processes on
# this shared machine only ever slow a part down, so the best round is the least disturbed one.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/lib/common.sh"
source "$here/lib/bench.sh"
source "$here/lib/testpmd.sh"

seconds=5 warmup=2 rounds=1 parts="highway,testpmd,agrona" cpus="0,1" force_no_huge=0 quiet_wait=60 tx_path=guestport access=indexed buffer_size="" log2_ring_size=""

usage() {
  cat <<USAGE
usage: testbed/bench direct-link [options]
  --seconds N      measured one-second windows per part (default $seconds)
  --warmup N       seconds of warm-up before them (default $warmup)
  --rounds R       run the parts R times, interleaved; report each part's best round median (default $rounds)
  --parts LIST     comma-separated subset of highway,testpmd,agrona (default all)
  --cpus A,B       producer core, consumer core (default $cpus)
  --no-huge        do not use hugepages even when they can be had
  --testpmd-zero-copy  memif client in zero-copy mode (DPDK's fastest memif receive; default: copy mode)
  --quiet-wait N   wait up to N s before each part for the machine to go idle (default $quiet_wait)
  --highway-tx-path guestport|ring  Highway producer sends through GuestPort (default) or RingProducer
                   directly (the consumer always receives through GuestPort)
  --highway-access indexed|view  both Highway ends touch each frame through the burst's indexed
                   accessors (default) or through each packet's PacketView
  --buffer-size N  bytes per link buffer in the Highway region (default: the link default,
                   RingSpec.DEFAULT_BUFFER_SIZE)
  --log2-ring-size N  slots per ring in the Highway region as a power of two (default: the link
                   default, RingSpec.DEFAULT_LOG2_RING_SIZE)
  --keep-logs      keep the run directory (/tmp/highway-bench-direct-link.*)
Ends with: RESULT direct-link highway_mpps=<x> testpmd_mpps=<y> agrona_mpps=<z> cacheline_rtt_ns=<before each part, in order>
(a part not run prints "na"). Exit 1 if the Highway consumer saw loss or reordering.
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="${2:?--seconds needs a value}"; shift 2 ;;
    --warmup) warmup="${2:?--warmup needs a value}"; shift 2 ;;
    --rounds) rounds="${2:?--rounds needs a value}"; shift 2 ;;
    --parts) parts="${2:?--parts needs a value}"; shift 2 ;;
    --cpus) cpus="${2:?--cpus needs a value}"; shift 2 ;;
    --no-huge) force_no_huge=1; shift ;;
    --testpmd-zero-copy) export TESTPMD_ZERO_COPY=1; shift ;;
    --quiet-wait) quiet_wait="${2:?--quiet-wait needs a value}"; shift 2 ;;
    --highway-tx-path) tx_path="${2:?--highway-tx-path needs a value}"; shift 2 ;;
    --highway-access) access="${2:?--highway-access needs a value}"; shift 2 ;;
    --log2-ring-size) log2_ring_size="${2:?--log2-ring-size needs a value}"; shift 2 ;;
    --buffer-size) buffer_size="${2:?--buffer-size needs a value}"; shift 2 ;;
    --keep-logs) export BENCH_KEEP_LOGS=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option=$1" ;;
  esac
done
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || die "--seconds value=$seconds must be a positive integer"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || die "--rounds value=$rounds must be a positive integer"
[[ "$warmup" =~ ^[0-9]+$ ]] || die "--warmup value=$warmup must be an integer >= 0"
[[ "$quiet_wait" =~ ^[0-9]+$ ]] || die "--quiet-wait value=$quiet_wait must be an integer >= 0"
[ -z "$log2_ring_size" ] || [[ "$log2_ring_size" =~ ^([1-9]|1[0-5])$ ]] || die "--log2-ring-size value=$log2_ring_size must be 1..15"
[ -z "$buffer_size" ] || [[ "$buffer_size" =~ ^[1-9][0-9]*$ ]] || die "--buffer-size value=$buffer_size must be a positive integer"
[[ "$tx_path" =~ ^(guestport|ring)$ ]] || die "--highway-tx-path value=$tx_path must be guestport or ring"
[[ "$access" =~ ^(indexed|view)$ ]] || die "--highway-access value=$access must be indexed or view"
[[ "$cpus" =~ ^[0-9]+,[0-9]+$ ]] || die "--cpus value=$cpus must be two core numbers A,B"
producer_cpu="${cpus%,*}" consumer_cpu="${cpus#*,}"
[ "$producer_cpu" != "$consumer_cpu" ] || die "--cpus value=$cpus: producer and consumer need different cores"
for part in ${parts//,/ }; do
  case "$part" in highway|testpmd|agrona) ;; *) die "--parts: unknown part=$part (highway, testpmd, agrona)" ;; esac
done
has_part() { [[ ",$parts," == *",$1,"* ]]; }

bench_need_cpus 2
need_packages util-linux coreutils procps
has_part testpmd && need_packages "${TESTPMD_PACKAGES[@]}"
bench_init direct-link
if [ "$force_no_huge" = 1 ]; then BENCH_HUGE=0; else bench_hugepages 640; fi
(has_part highway || has_part agrona) && bench_java_harness
log "machine: $(bench_machine)"

highway_mpps=na testpmd_mpps=na agrona_mpps=na highway_status=0

run_highway() {
  local dir="$BENCH_RUN_DIR/highway" region_dir=auto region="" producer_pid consumer_pid
  mkdir -p "$dir"
  [ "$BENCH_HUGE" = 1 ] || region_dir=/dev/shm
  local common=(--warmup-ms $((warmup * 1000)) --windows "$seconds" --window-ms 1000)
  bench_spawn "$dir/producer.log" taskset -c "$producer_cpu" "${BENCH_JAVA[@]}" \
    org.ovshighway.testbed.DirectLinkProducer --dir "$region_dir" --name "highway-bench-$$" \
    --cpu "$producer_cpu" --tx-path "$tx_path" --access "$access" ${buffer_size:+--buffer-size "$buffer_size"} ${log2_ring_size:+--log2-ring-size "$log2_ring_size"} "${common[@]}"
  producer_pid=$BENCH_LAST_PID
  for _ in $(seq 300); do
    region="$(sed -n 's/^HIGHWAY_REGION path=\([^ ]*\).*/\1/p' "$dir/producer.log")"
    [ -n "$region" ] && break
    kill -0 "$producer_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$region" ] || { tail -20 "$dir/producer.log" >&2; die "Highway producer did not create its region (log $dir/producer.log)"; }
  bench_on_exit "rm -f '$region'"
  log "highway: region $region (producer sends through tx_path=$tx_path, frames through access=$access)"
  bench_spawn "$dir/consumer.log" taskset -c "$consumer_cpu" "${BENCH_JAVA[@]}" \
    org.ovshighway.testbed.DirectLinkConsumer --region "$region" --cpu "$consumer_cpu" --access "$access" "${common[@]}"
  consumer_pid=$BENCH_LAST_PID
  wait "$consumer_pid" || highway_status=$?
  wait "$producer_pid" || { log "highway producer failed:"; tail -20 "$dir/producer.log" >&2; highway_status=1; }
  grep -E '^(producer|consumer) window' "$dir/producer.log" "$dir/consumer.log" | sed 's/^.*log://' >&2 || true
  local rx tx
  rx="$(grep '^HIGHWAY_RX ' "$dir/consumer.log" || true)"
  tx="$(grep '^HIGHWAY_TX ' "$dir/producer.log" || true)"
  [ -n "$rx" ] || { tail -30 "$dir/consumer.log" >&2; die "Highway consumer printed no result (log $dir/consumer.log)"; }
  log "highway: $tx"
  log "highway: $rx"
  [ "$highway_status" = 0 ] || log "highway: consumer reported errors (exit status $highway_status)"
  highway_mpps="$(sed -n 's/.* mpps=\([^ ]*\).*/\1/p' <<<"$rx")"
}

run_testpmd() {
  testpmd_memif_oneway "$seconds" "$warmup" "$producer_cpu" "$consumer_cpu"
  log "testpmd: client Rx Mpps per window: ${TESTPMD_RATES[*]}"
  testpmd_mpps="$(bench_median "${TESTPMD_RATES[@]}")"
}

run_agrona() {
  local log="$BENCH_RUN_DIR/agrona.log" out
  bench_spawn "$log" taskset -c "$producer_cpu,$consumer_cpu" "${BENCH_JAVA[@]}" org.ovshighway.testbed.AgronaRingBench \
    --warmup-ms $((warmup * 1000)) --windows "$seconds" --window-ms 1000 \
    --producer-cpu "$producer_cpu" --consumer-cpu "$consumer_cpu"
  wait "$BENCH_LAST_PID" || { tail -20 "$log" >&2; die "Agrona harness failed (log $log)"; }
  grep '^agrona window' "$log" >&2 || true
  out="$(grep '^AGRONA_RESULT' "$log")"
  log "agrona: $out"
  agrona_mpps="$(sed -n 's/^AGRONA_RESULT mpps=\([^ ]*\).*/\1/p' <<<"$out")"
}

busy_notes=() cacheline_rtts=()
declare -A round_mpps=([highway]="" [testpmd]="" [agrona]="")
for round in $(seq "$rounds"); do
  for part in highway testpmd agrona; do
    has_part "$part" || continue
    bench_wait_quiet "$quiet_wait"
    busy_notes+=("$part#$round:${BENCH_BUSY_BEFORE}%")
    # the host's vCPU placement sets how fast a cache line crosses between the two cores, and with
    # it every rate here: recorded before each part so that rounds can be compared
    rtt="$(bench_cacheline_rtt "$producer_cpu" "$consumer_cpu" 500)"
    cacheline_rtts+=("$rtt")
    log "round $round/$rounds: running part=$part ($warmup s warm-up + $seconds windows; cache line round trip $rtt ns)"
    "run_$part"
    value_var="${part}_mpps"
    round_mpps[$part]+="${!value_var} "
  done
done
best() { [ -n "$1" ] && printf '%s\n' $1 | sort -g | tail -1 || echo na; }
for part in highway testpmd agrona; do
  has_part "$part" || continue
  log "$part: round medians (Mpps): ${round_mpps[$part]}"
  printf -v "${part}_mpps" '%s' "$(best "${round_mpps[$part]}")"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "na" || b == "na" || b + 0 == 0) print "na"; else printf "%.2f\n", a / b }'; }
log "machine busy before each part (others' load): ${busy_notes[*]}"
log "highway/testpmd = $(ratio "$highway_mpps" "$testpmd_mpps") (target >= 1.0), highway/agrona = $(ratio "$highway_mpps" "$agrona_mpps") (target >= 2.0)"
mkdir -p "$HIGHWAY_ROOT/results"
result="RESULT direct-link highway_mpps=$highway_mpps testpmd_mpps=$testpmd_mpps agrona_mpps=$agrona_mpps"
result+=" cacheline_rtt_ns=$(IFS=,; echo "${cacheline_rtts[*]:-na}")"
printf '%s %s hugepages=%s highway_access=%s highway_tx_path=%s testpmd_zero_copy=%s seconds=%s rounds=%s busy=%s medians=highway:%s/testpmd:%s/agrona:%s\n%s\n' \
  "$(date -u +%FT%TZ)" "$(bench_machine)" "$BENCH_HUGE" "$access" "$tx_path" "$TESTPMD_ZERO_COPY" "$seconds" "$rounds" "${busy_notes[*]// /,}" \
  "$(echo ${round_mpps[highway]} | tr " " ,)" "$(echo ${round_mpps[testpmd]} | tr " " ,)" "$(echo ${round_mpps[agrona]} | tr " " ,)" "$result" >> "$HIGHWAY_ROOT/results/direct-link.txt"
echo "$result"
exit "$highway_status"

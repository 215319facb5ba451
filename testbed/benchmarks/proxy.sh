#!/usr/bin/env bash
# summary: OpenFlow proxy: BARRIER round trip and 100k FLOW_MODs + BARRIER, through the proxy vs directly to the same OVS
#
# A private userspace OVS (testbed/lib/ovs.sh) with one netdev bridge listening on ptcp:PORT on
# loopback. ProxyBench (testbed module) speaks OpenFlow 1.3 over TCP: per round it measures the
# median BARRIER round trip (--barriers of them) and the time from the first of --flowmods
# FLOW_MOD ADDs to the reply of the BARRIER after them, directly to the bridge's TCP listener,
# through an in-process OpenFlowProxy's passive listener relaying to the bridge's management socket
# (as 'highway attach --passive' does by default; busy-poll window --busy-poll-us), through a
# second such proxy whose event loops busy-poll for --compare-busy-poll-us, and through a third
# relaying to the TCP listener
# instead, and through socat relaying to the proxy's endpoint (a plain byte relay in C: what any
# relay costs on this machine; keys *_socat and proxy_vs_socat_*); rounds rotate which path goes
# first. Figures are medians over the rounds.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/lib/common.sh"
source "$here/lib/bench.sh"
source "$here/lib/ovs.sh"

rounds=5 barriers=2000 flowmods=100000 quiet_wait=60 busy_poll_us=0 compare_busy_poll_us=100 relay_tcp=0

usage() {
  cat <<USAGE
usage: testbed/bench proxy [options]
  --rounds N       measured rounds, each direct and proxied (default $rounds)
  --barriers N     BARRIER round trips per measurement, median kept (default $barriers)
  --flowmods N     FLOW_MODs before the closing BARRIER (default $flowmods)
  --busy-poll-us N the proxy's busy-poll window (agent key proxy-busy-poll-us; default $busy_poll_us)
  --compare-busy-poll-us N  the window of a second proxy measured beside it (the *_busypoll keys;
                   default $compare_busy_poll_us)
  --relay-tcp      the measured proxy relays to the bridge's TCP listener, not its management socket
  --quiet-wait N   wait up to N s for the machine to go idle first (default $quiet_wait)
  --keep-logs      keep the run directory (/tmp/highway-bench-proxy.*)
Ends with: RESULT proxy barrier_rtt_ratio=<proxy/direct> flowmod_throughput_ratio=<proxy/direct> ...
(targets: barrier_rtt_ratio <= 1.1, flowmod_throughput_ratio >= 0.9).
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="${2:?--rounds needs a value}"; shift 2 ;;
    --barriers) barriers="${2:?--barriers needs a value}"; shift 2 ;;
    --flowmods) flowmods="${2:?--flowmods needs a value}"; shift 2 ;;
    --busy-poll-us) busy_poll_us="${2:?--busy-poll-us needs a value}"; shift 2 ;;
    --compare-busy-poll-us) compare_busy_poll_us="${2:?--compare-busy-poll-us needs a value}"; shift 2 ;;
    --relay-tcp) relay_tcp=1; shift ;;
    --quiet-wait) quiet_wait="${2:?--quiet-wait needs a value}"; shift 2 ;;
    --keep-logs) export BENCH_KEEP_LOGS=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option=$1" ;;
  esac
done
for v in rounds barriers flowmods; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "--$v value=${!v} must be a positive integer"
done
for v in busy_poll_us compare_busy_poll_us; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "--${v//_/-} value=${!v} must be an integer >= 0"
done
[[ "$quiet_wait" =~ ^[0-9]+$ ]] || die "--quiet-wait value=$quiet_wait must be an integer >= 0"

bench_init proxy
log "machine: $(bench_machine)"
bench_java_harness
ovs_install
need_packages socat
run="$BENCH_RUN_DIR/ovs"
ovs_start "$run"
bench_on_exit "ovs_stop '$run'"
ovs_add_bridge "$run" br0
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
ovs-vsctl --db=unix:"$run/db.sock" --timeout=10 set-controller br0 "ptcp:$port:127.0.0.1" \
  || die "cannot make br0 listen: port=$port"
ovs-vsctl --db=unix:"$run/db.sock" --timeout=10 -- add-port br0 p1 -- set Interface p1 type=dummy ofport_request=1 \
  -- add-port br0 p2 -- set Interface p2 type=dummy ofport_request=2 >/dev/null
endpoint="unix:$run/br0.mgmt"
[ "$relay_tcp" = 1 ] && endpoint="tcp:127.0.0.1:$port"
# the reference relay: socat, one process per connection, relaying to the proxy's endpoint
relay_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
case "$endpoint" in
  unix:*) relay_to="UNIX-CONNECT:${endpoint#unix:}" ;;
  tcp:*) relay_to="TCP:${endpoint#tcp:},nodelay" ;;
esac
bench_spawn "$BENCH_RUN_DIR/socat.log" socat "TCP-LISTEN:$relay_port,bind=127.0.0.1,reuseaddr,fork,nodelay" "$relay_to"
bench_wait_quiet "$quiet_wait"
log "ProxyBench: rounds=$rounds barriers=$barriers flowmods=$flowmods busy_poll_us=$busy_poll_us switch=tcp:127.0.0.1:$port endpoint=$endpoint"
"${BENCH_JAVA[@]}" org.ovshighway.testbed.ProxyBench --switch "tcp:127.0.0.1:$port" --rounds "$rounds" \
  --barriers "$barriers" --flowmods "$flowmods" --busy-poll-us "$busy_poll_us" \
  --compare-busy-poll-us "$compare_busy_poll_us" \
  --switch-endpoint "$endpoint" --reference-relay "tcp:127.0.0.1:$relay_port" >"$BENCH_RUN_DIR/bench.out" 2>"$BENCH_RUN_DIR/bench.log" \
  || { tail -30 "$BENCH_RUN_DIR/bench.log" >&2; die "ProxyBench failed (log: $BENCH_RUN_DIR/bench.log)"; }
cat "$BENCH_RUN_DIR/bench.log" >&2
grep '^RESULT proxy ' "$BENCH_RUN_DIR/bench.out" || die "ProxyBench printed no RESULT line"

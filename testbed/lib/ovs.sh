# Private userspace Open vSwitch for tests and the testbed. Source it after common.sh; it defines
# functions only.
#
# One instance lives entirely under one run directory RUN (database, sockets, pidfiles, logs),
# so several instances (one per test, one per helper) can run side by side without touching the
# system OVS or each other:
#   RUN/conf.db            database (created from the installed vswitch.ovsschema)
#   RUN/db.sock            ovsdb-server punix socket (what ovs-vsctl uses)
#   RUN/<bridge>.mgmt      each bridge's OpenFlow management socket (ovs-ofctl, Highway)
#   RUN/*.pid, *.ctl       daemons' pidfiles and unixctl sockets
#   RUN/*.log, *.out       daemons' logs and redirected stdout/stderr
#   RUN/ovs.env            the exports that point OVS clients at this instance
# Keep RUN short (a unix socket path is limited to 107 bytes; RUN/<bridge>.mgmt must fit).
#
# Usage (every function is idempotent and returns non-zero only on a real failure, so it is
# safe under `set -e`; ovs_stop never fails and suits a trap):
#   ovs_install
#   ovs_start RUN [OVSDB_TCP_PORT]    # dummy ports enabled; datapath type netdev
#   ovs_add_bridge RUN BR [OF_VERSIONS]   # e.g. OpenFlow10,OpenFlow13,OpenFlow14,OpenFlow15
#   ovs_env RUN                       # exports OVS_RUNDIR/OVS_LOGDIR/OVS_DBDIR in this shell
#   ovs_stop RUN                      # ovs-vswitchd then ovsdb-server; removes what they left
#   trap 'ovs_stop "$RUN"' EXIT
#
# OVS_DUMMY (default "override") is passed as --enable-dummy=$OVS_DUMMY: "override" makes every
# netdev type a dummy, so a bridge's internal port creates no tap device on the host (no name
# clash between instances, nothing to remove afterwards); set OVS_DUMMY=system to get real tap
# devices for bridge-internal ports (ovs_stop deletes those it finds for this instance's bridges).

OVS_PACKAGES=(openvswitch-switch openvswitch-common openvswitch-testcontroller)
OVS_SCHEMA=${OVS_SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}

ovs_install() {
  need_packages "${OVS_PACKAGES[@]}"
}

# ovs_env RUN: points ovs-vsctl/ovs-ofctl/ovs-appctl of this shell at the instance in RUN.
ovs_env() {
  local run=${1:?ovs_env needs a run directory}
  export OVS_RUNDIR="$run" OVS_LOGDIR="$run" OVS_DBDIR="$run" OVS_SYSCONFDIR="$run"
}

# _ovs_pid RUN NAME: prints the pid from RUN/NAME.pid when that process is alive.
_ovs_pid() {
  local pidfile="$1/$2.pid" pid
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  printf '%s\n' "$pid"
}

# _ovs_wait_for TIMEOUT_DECISECONDS CMD...: polls CMD until it succeeds.
_ovs_wait_for() {
  local tries=$1; shift
  while [ "$tries" -gt 0 ]; do
    "$@" && return 0
    sleep 0.1
    tries=$((tries - 1))
  done
  return 1
}

ovs_start() {
  local run=${1:?ovs_start needs a run directory} tcp_port=${2:-}
  mkdir -p "$run"
  run=$(cd "$run" && pwd)
  [ ${#run} -le 80 ] || die "run directory too long for unix sockets: run=$run length=${#run} max=80"
  command -v ovsdb-server >/dev/null || die "ovsdb-server not installed (run ovs_install)"
  ovs_env "$run"
  {
    echo "export OVS_RUNDIR=$run OVS_LOGDIR=$run OVS_DBDIR=$run OVS_SYSCONFDIR=$run"
  } >"$run/ovs.env"

  if ! _ovs_pid "$run" ovsdb-server >/dev/null; then
    rm -f "$run/db.sock" "$run/ovsdb-server.pid" "$run"/ovsdb-server.*.ctl
    [ -f "$run/conf.db" ] || ovsdb-tool create "$run/conf.db" "$OVS_SCHEMA" \
      || die "ovsdb-tool create failed: db=$run/conf.db schema=$OVS_SCHEMA"
    local remotes=(--remote=punix:"$run/db.sock" --remote=db:Open_vSwitch,Open_vSwitch,manager_options)
    [ -n "$tcp_port" ] && remotes+=(--remote=ptcp:"$tcp_port":127.0.0.1)
    ovsdb-server "$run/conf.db" "${remotes[@]}" \
      --pidfile="$run/ovsdb-server.pid" --unixctl="$run/ovsdb-server.ctl" \
      --log-file="$run/ovsdb-server.log" --detach --no-chdir \
      >"$run/ovsdb-server.out" 2>&1 \
      || die "ovsdb-server failed to start: run=$run (see $run/ovsdb-server.out, $run/ovsdb-server.log)"
    ovs-vsctl --db=unix:"$run/db.sock" --no-wait init >/dev/null \
      || die "ovs-vsctl init failed: db=$run/db.sock"
    log "ovsdb-server up: run=$run pid=$(cat "$run/ovsdb-server.pid")${tcp_port:+ tcp=127.0.0.1:$tcp_port}"
  fi

  if ! _ovs_pid "$run" ovs-vswitchd >/dev/null; then
    rm -f "$run/ovs-vswitchd.pid" "$run"/ovs-vswitchd.*.ctl "$run/ovs-vswitchd.ctl" "$run"/*.mgmt "$run"/*.snoop
    ovs-vswitchd unix:"$run/db.sock" --enable-dummy="${OVS_DUMMY:-override}" --disable-system \
      --pidfile="$run/ovs-vswitchd.pid" --unixctl="$run/ovs-vswitchd.ctl" \
      --log-file="$run/ovs-vswitchd.log" --detach --no-chdir \
      >"$run/ovs-vswitchd.out" 2>&1 \
      || die "ovs-vswitchd failed to start: run=$run (see $run/ovs-vswitchd.out, $run/ovs-vswitchd.log)"
    log "ovs-vswitchd up: run=$run pid=$(cat "$run/ovs-vswitchd.pid")"
  fi
}

# ovs_add_bridge RUN BR [OF_VERSIONS]: a netdev bridge whose OpenFlow management socket is
# RUN/BR.mgmt; returns once that socket exists.
ovs_add_bridge() {
  local run=${1:?ovs_add_bridge needs a run directory} br=${2:?ovs_add_bridge needs a bridge name}
  local versions=${3:-OpenFlow10,OpenFlow11,OpenFlow12,OpenFlow13,OpenFlow14,OpenFlow15}
  ovs-vsctl --db=unix:"$run/db.sock" --timeout=10 -- --may-exist add-br "$br" \
    -- set Bridge "$br" datapath_type=netdev "protocols=$versions" fail-mode=secure \
    || die "add-br failed: run=$run bridge=$br"
  _ovs_wait_for 100 test -S "$run/$br.mgmt" \
    || die "bridge management socket did not appear: socket=$run/$br.mgmt"
  echo "$br" >>"$run/bridges"
}

# ovs_stop RUN: stops this instance's daemons and removes their sockets and pidfiles; keeps the
# logs and the database. Never fails (trap-friendly), but reports what it could not stop.
ovs_stop() {
  local run=${1:?ovs_stop needs a run directory} pid name br
  [ -d "$run" ] || return 0
  for name in ovs-vswitchd ovsdb-server; do
    pid=$(_ovs_pid "$run" "$name") || continue
    # exit --cleanup makes vswitchd delete its datapaths (and so any tap device it created).
    if [ "$name" = ovs-vswitchd ]; then
      ovs-appctl -t "$run/$name.ctl" exit --cleanup >/dev/null 2>&1 || true
    else
      ovs-appctl -t "$run/$name.ctl" exit >/dev/null 2>&1 || true
    fi
    _ovs_wait_for 50 eval "! kill -0 $pid 2>/dev/null" || {
      log "$name did not exit on request, sending TERM: pid=$pid"
      kill -TERM "$pid" 2>/dev/null || true
      _ovs_wait_for 30 eval "! kill -0 $pid 2>/dev/null" || {
        log "$name ignored TERM, sending KILL: pid=$pid"
        kill -KILL "$pid" 2>/dev/null || true
        _ovs_wait_for 30 eval "! kill -0 $pid 2>/dev/null" || log "$name still alive: pid=$pid"
      }
    }
  done
  if [ -f "$run/bridges" ]; then
    for br in $(sort -u "$run/bridges"); do
      # Only with OVS_DUMMY=system does a bridge own a host tap device; delete it only if it is
      # a tun/tap device (never a device someone else owns with another kind).
      if [ -d "/sys/class/net/$br" ] && [ -e "/sys/class/net/$br/tun_flags" ]; then
        ip link del "$br" 2>/dev/null || true
      fi
    done
    rm -f "$run/bridges"
  fi
  rm -f "$run/db.sock" "$run"/*.mgmt "$run"/*.snoop "$run"/*.ctl "$run"/*.pid "$run/ovs.env" \
    "$run/.conf.db.~lock~"
  return 0
}

# A private OVS-DPDK (ovsdb-server + ovs-vswitchd-dpdk) under one run directory, and memif
# ring ports on it. Source it (after common.sh); it defines functions only.
#
# Everything the instance creates lives under its run directory RUN, except what DPDK puts
# elsewhere by design: hugepage files /dev/hugepages/<prefix>map_* and the runtime directory
# /var/run/dpdk/<prefix>. <prefix> is unique per run directory (recorded in RUN/dpdk-file-prefix)
# so that ovs_dpdk_stop removes exactly this instance's files and nobody else's.
#
# After ovs_dpdk_env RUN, the plain OVS tools talk to this instance:
#   ovs-vsctl ...                       (OVS_RUNDIR -> RUN/db.sock)
#   ovs-appctl -t "$OVS_DPDK_APPCTL" ...  (vswitchd's control socket RUN/ovs-vswitchd.ctl)
#   ovs-ofctl ...  br0                  (RUN/br0.mgmt)

OVS_DPDK_VSWITCHD=/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk
OVS_DPDK_PACKAGES=(openvswitch-switch-dpdk openvswitch-common dpdk dpdk-dev
                   librte-net-memif23 librte-net-ring23 librte-net-null23 iproute2)
# 2 MiB pages needed for dpdk-socket-mem=512 plus some slack for the EAL.
OVS_DPDK_HUGEPAGES_NEEDED=300

ovs_dpdk_install() {
  need_packages "${OVS_DPDK_PACKAGES[@]}"
  [ -x "$OVS_DPDK_VSWITCHD" ] || die "missing $OVS_DPDK_VSWITCHD after installing openvswitch-switch-dpdk"
}

# ovs_dpdk_env RUN: exports the variables the OVS tools read for the instance in RUN.
ovs_dpdk_env() {
  local run="$1"
  [ -n "$run" ] || die "ovs_dpdk_env: run directory missing"
  export OVS_RUNDIR="$run" OVS_LOGDIR="$run" OVS_DBDIR="$run" OVS_SYSCONFDIR="$run"
  export OVS_DPDK_APPCTL="$run/ovs-vswitchd.ctl"
  export DB_SOCK="$run/db.sock"
}

# ovs_dpdk_hugepages: succeeds when hugetlbfs is mounted at /dev/hugepages with enough free
# 2 MiB pages (reserving more when the kernel grants them); fails quietly otherwise.
ovs_dpdk_hugepages() {
  local free total
  if ! mountpoint -q /dev/hugepages 2>/dev/null; then
    mkdir -p /dev/hugepages 2>/dev/null || return 1
    mount -t hugetlbfs none /dev/hugepages 2>/dev/null || return 1
  fi
  free=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages 2>/dev/null || echo 0)
  if [ "$free" -lt "$OVS_DPDK_HUGEPAGES_NEEDED" ]; then
    total=$(cat /proc/sys/vm/nr_hugepages)
    echo $((total + OVS_DPDK_HUGEPAGES_NEEDED - free)) > /proc/sys/vm/nr_hugepages 2>/dev/null || return 1
    free=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages)
  fi
  [ "$free" -ge "$OVS_DPDK_HUGEPAGES_NEEDED" ]
}

# ovs_dpdk_start RUN [BRIDGE]: starts ovsdb-server and ovs-vswitchd-dpdk with RUN as their
# only directory and creates the netdev bridge BRIDGE (default br0). HIGHWAY_NO_HUGE=1
# forces the --no-huge mode.
ovs_dpdk_start() {
  local run="$1" bridge="${2:-br0}" prefix extra
  [ -n "$run" ] || die "ovs_dpdk_start: run directory missing"
  ovs_dpdk_install
  mkdir -p "$run"
  run="$(cd "$run" && pwd)"
  [ ! -e "$run/ovsdb-server.pid" ] || die "ovs_dpdk_start: $run already has an instance (ovsdb-server.pid exists); stop it first"
  ovs_dpdk_env "$run"
  prefix="hw$$_$(date +%s%N | tail -c 7)"
  echo "$prefix" > "$run/dpdk-file-prefix"

  # A fresh instance: no configuration survives from an earlier run in the same directory.
  rm -f "$run/conf.db" "$run/memif-counter"
  ovsdb-tool create "$run/conf.db" /usr/share/openvswitch/vswitch.ovsschema \
    || die "ovsdb-tool create $run/conf.db failed"
  _ovs_dpdk_start_ovsdb "$run"
  ovs-vsctl --no-wait init

  if [ -z "${HIGHWAY_NO_HUGE:-}" ] && ovs_dpdk_hugepages; then
    extra="--no-pci --file-prefix=$prefix"
    ovs-vsctl --no-wait set Open_vSwitch . other_config:dpdk-socket-mem=512
    echo huge > "$run/dpdk-memory-mode"
  else
    extra="--no-huge -m 512 --no-pci --legacy-mem --file-prefix=$prefix"
    echo no-huge > "$run/dpdk-memory-mode"
  fi
  ovs-vsctl --no-wait set Open_vSwitch . other_config:dpdk-init=true \
    other_config:pmd-cpu-mask=0x2 other_config:dpdk-lcore-mask=0x1 \
    other_config:pmd-maxsleep=500 "other_config:dpdk-extra=\"$extra\""
  ovs_dpdk_start_vswitchd "$run"
  ovs-vsctl --timeout=30 add-br "$bridge" -- set bridge "$bridge" datapath_type=netdev \
    || die "add-br $bridge failed (see $run/ovs-vswitchd.log)"
  log "OVS-DPDK up in $run ($(cat "$run/dpdk-memory-mode"), file prefix $prefix, bridge $bridge)"
}

# _ovs_dpdk_start_ovsdb RUN: starts ovsdb-server on RUN/conf.db, listening on RUN/db.sock.
_ovs_dpdk_start_ovsdb() {
  local run="$1"
  ovsdb-server "$run/conf.db" --remote="punix:$run/db.sock" --pidfile="$run/ovsdb-server.pid" \
    --unixctl="$run/ovsdb-server.ctl" --log-file="$run/ovsdb-server.log" --detach --no-chdir \
    >>"$run/ovsdb-server.out" 2>&1 || die "ovsdb-server failed to start (see $run/ovsdb-server.log)"
}

# ovs_dpdk_restart_ovsdb RUN: stops and starts only ovsdb-server of RUN (conf.db stays; clients
# see their connections close, ovs-vswitchd reconnects by itself).
ovs_dpdk_restart_ovsdb() {
  local run="$1"
  ovs_dpdk_env "$run"
  _ovs_dpdk_kill_pidfile "$run/ovsdb-server.pid" ovsdb-server
  rm -f "$run/db.sock" "$run/ovsdb-server.ctl"
  _ovs_dpdk_start_ovsdb "$run"
}

# ovs_dpdk_start_vswitchd RUN: (re)starts only ovs-vswitchd-dpdk, waiting until DPDK is
# initialised (Open_vSwitch dpdk_initialized=true).
ovs_dpdk_start_vswitchd() {
  local run="$1" i
  ovs_dpdk_env "$run"
  [ -S "$run/db.sock" ] || die "ovsdb-server of $run is not running (no $run/db.sock)"
  # The netdev datapath creates a tap device named "ovs-netdev", one name per network namespace:
  # a second OVS-DPDK on the host (another test, a benchmark) would fail to create its bridges.
  # So each instance's vswitchd lives in a network namespace of its own; unix sockets (OVSDB,
  # control, memif with socket-abstract=no) are files and work across namespaces.
  local ns
  ns=$(_ovs_dpdk_netns "$run")
  ip netns list 2>/dev/null | grep -qw "$ns" || ip netns add "$ns" || die "ip netns add $ns failed"
  # --detach returns only once the daemon got its configuration; bound that wait.
  ip netns exec "$ns" timeout 60 "$OVS_DPDK_VSWITCHD" "unix:$run/db.sock" --pidfile="$run/ovs-vswitchd.pid" \
    --unixctl="$run/ovs-vswitchd.ctl" --log-file="$run/ovs-vswitchd.log" --detach --no-chdir \
    >>"$run/ovs-vswitchd.out" 2>&1 || {
      local rc=$?
      _ovs_dpdk_kill_pidfile "$run/ovs-vswitchd.pid" ovs-vswitchd-dpdk
      # the caller may delete RUN on failure: what the daemon said goes to stderr too
      tail -n 15 "$run/ovs-vswitchd.log" "$run/ovs-vswitchd.out" >&2 2>/dev/null || true
      [ "$rc" = 124 ] && die "ovs-vswitchd-dpdk did not start within 60 s (see $run/ovs-vswitchd.log)"
      die "ovs-vswitchd-dpdk exited with status $rc while starting (see $run/ovs-vswitchd.log)"
    }
  for i in $(seq 1 300); do
    [ "$(ovs-vsctl --timeout=5 get Open_vSwitch . dpdk_initialized 2>/dev/null)" = "true" ] && return 0
    sleep 0.1
  done
  die "ovs-vswitchd-dpdk did not initialise DPDK within 30 s (see $run/ovs-vswitchd.log)"
}

# _ovs_dpdk_read_pid FILE: the pid in FILE, or nothing (a daemon removes its pidfile as it exits,
# so the file may vanish between any check and the read).
_ovs_dpdk_read_pid() {
  cat "$1" 2>/dev/null || true
}

# _ovs_dpdk_wait_gone PID NAME: waits up to 10 s for PID to exit, then kills it (TERM was
# already asked for, or an orderly exit requested) and waits again.
_ovs_dpdk_wait_gone() {
  local pid="$1" name="$2" i
  [ -n "$pid" ] || return 0
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  log "$name (pid $pid) still running after 10 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  die "$name (pid $pid) survived SIGKILL"
}

# _ovs_dpdk_kill_pidfile FILE NAME: stops the process in FILE (TERM, then KILL after 10 s).
_ovs_dpdk_kill_pidfile() {
  local file="$1" name="$2" pid
  pid=$(_ovs_dpdk_read_pid "$file")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    _ovs_dpdk_wait_gone "$pid" "$name"
  fi
  rm -f "$file"
}

# ovs_dpdk_stop_vswitchd RUN: stops ovs-vswitchd-dpdk only (ovsdb keeps the configuration).
ovs_dpdk_stop_vswitchd() {
  local run="$1" prefix pid
  ovs_dpdk_env "$run"
  pid=$(_ovs_dpdk_read_pid "$run/ovs-vswitchd.pid")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    # An orderly exit first (DPDK releases its memory and ports); TERM/KILL if it hangs.
    ovs-appctl -t "$run/ovs-vswitchd.ctl" --timeout=10 exit >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    _ovs_dpdk_wait_gone "$pid" ovs-vswitchd-dpdk
  fi
  rm -f "$run/ovs-vswitchd.pid"
  # Only vswitchd's own sockets: db.sock belongs to ovsdb-server, which keeps running.
  rm -f "$run/ovs-vswitchd.ctl" "$run"/*.mgmt "$run"/*.snoop "$run"/memif-*.sock
  prefix=$(cat "$run/dpdk-file-prefix" 2>/dev/null || true)
  if [ -n "$prefix" ]; then
    rm -f /dev/hugepages/"$prefix"map_* 2>/dev/null || true
    rm -rf "/var/run/dpdk/$prefix"
  fi
}

# ovs_dpdk_restart_vswitchd RUN: what an OVS upgrade or crash looks like to ring ports.
ovs_dpdk_restart_vswitchd() {
  ovs_dpdk_stop_vswitchd "$1"
  # other DPDK processes on the machine may have taken the pages this instance just released
  if [ "$(cat "$1/dpdk-memory-mode" 2>/dev/null)" = huge ]; then
    ovs_dpdk_hugepages || log "fewer than $OVS_DPDK_HUGEPAGES_NEEDED free 2 MiB pages for the restart; trying anyway"
  fi
  ovs_dpdk_start_vswitchd "$1"
}

# ovs_dpdk_stop RUN: stops both daemons and removes every socket, pidfile and DPDK file of the
# instance. The run directory keeps only logs and conf.db.
ovs_dpdk_stop() {
  local run="$1"
  [ -d "$run" ] || return 0
  ovs_dpdk_stop_vswitchd "$run"
  _ovs_dpdk_kill_pidfile "$run/ovsdb-server.pid" ovsdb-server
  ip netns del "$(_ovs_dpdk_netns "$run")" 2>/dev/null || true
  rm -f "$run/db.sock" "$run/ovsdb-server.ctl" "$run/dpdk-file-prefix"
}

# _ovs_dpdk_netns RUN: the name of the network namespace of RUN's vswitchd (stable per RUN).
_ovs_dpdk_netns() {
  printf 'hw-%s' "$(printf '%s' "$1" | md5sum | cut -c1-12)"
}

# ovs_dpdk_add_memif_port RUN BRIDGE PORT [OFPORT]: a memif ring port in server role with its
# socket RUN/memif-PORT.sock and 2 rx queues (OVS transmits on queue 1 with one PMD thread, so a
# client must bring 2 rings per direction). Prints the socket path.
ovs_dpdk_add_memif_port() {
  local run="$1" bridge="$2" port="$3" ofport="${4:-}" sock idx extra=()
  ovs_dpdk_env "$run"
  sock="$run/memif-$port.sock"
  rm -f "$sock"
  # DPDK device names must be unique per process: derive the memif index from a counter.
  idx=$(($(cat "$run/memif-counter" 2>/dev/null || echo 0) + 1))
  echo "$idx" > "$run/memif-counter"
  [ -z "$ofport" ] || extra=(-- set Interface "$port" "ofport_request=$ofport")
  ovs-vsctl --timeout=30 add-port "$bridge" "$port" -- set Interface "$port" type=dpdk \
    "options:dpdk-devargs=net_memif$idx,role=server,id=0,socket=$sock,socket-abstract=no" \
    options:n_rxq=2 "${extra[@]}" >&2 || die "add-port $port failed (see $run/ovs-vswitchd.log)"
  local err
  err=$(ovs-vsctl get Interface "$port" error 2>/dev/null)
  if [ -n "$err" ] && [ "$err" != "[]" ]; then
    ovs-vsctl --timeout=10 del-port "$bridge" "$port" >/dev/null 2>&1
    die "memif port $port failed: $err"
  fi
  echo "$sock"
}

# ovs_dpdk_del_port RUN BRIDGE PORT: removes the port and its memif socket file.
ovs_dpdk_del_port() {
  local run="$1" bridge="$2" port="$3"
  ovs_dpdk_env "$run"
  ovs-vsctl --timeout=30 --if-exists del-port "$bridge" "$port"
  rm -f "$run/memif-$port.sock"
}

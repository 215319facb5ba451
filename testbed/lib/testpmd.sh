# dpdk-testpmd runs for benchmarks. Source after common.sh and bench.sh; call bench_init and
# bench_hugepages first (the EAL memory options follow BENCH_HUGE).

TESTPMD_PACKAGES=(dpdk dpdk-dev librte-net-memif23 util-linux coreutils)

# TESTPMD_ZERO_COPY=1: the memif client runs zero-copy (receives straight from the server's
# buffers; DPDK needs --single-file-segments for it, hence hugepages and no --huge-unlink).
TESTPMD_ZERO_COPY="${TESTPMD_ZERO_COPY:-0}"

# testpmd_eal_memory PREFIX: prints the EAL memory options for one process, one per line.
# --huge-unlink removes the hugepage files right after mapping, so a crash leaves none behind
# (zero-copy mode cannot use it; testpmd_forget removes those files instead).
testpmd_eal_memory() {
  if [ "$BENCH_HUGE" = 1 ] && [ "$TESTPMD_ZERO_COPY" = 1 ]; then
    printf '%s\n' --socket-mem 512 --huge-dir "$BENCH_HUGE_DIR" --single-file-segments --file-prefix "$1"
  elif [ "$BENCH_HUGE" = 1 ]; then
    printf '%s\n' --socket-mem 256 --huge-dir "$BENCH_HUGE_DIR" --huge-unlink --file-prefix "$1"
  else
    printf '%s\n' --no-huge -m 1024 --file-prefix "$1"
  fi
}

# testpmd_forget PREFIX: removes what an EAL process with --file-prefix PREFIX may leave behind.
testpmd_forget() {
  rm -rf "/var/run/dpdk/$1"
  [ -z "$BENCH_HUGE_DIR" ] || rm -f "$BENCH_HUGE_DIR/$1"map_* 2>/dev/null
  return 0
}

# testpmd_memif_oneway SECONDS WARMUP SERVER_CPU CLIENT_CPU: a memif pair, server txonly
# (64-byte frames, burst 32) on SERVER_CPU, client rxonly (burst 32) on CLIENT_CPU; each
# process's lcores (main and forwarding) all map onto its one CPU, and taskset confines its
# other threads there too. Sets TESTPMD_RATES to the client's receive rates in Mpps, one per
# second after the WARMUP seconds (an array). Call it directly, not in $(...): the processes
# it starts must be registered in this shell for cleanup. Logs stay in $BENCH_RUN_DIR/testpmd.
testpmd_memif_oneway() {
  local seconds="$1" warmup="$2" server_cpu="$3" client_cpu="$4"
  local dir="$BENCH_RUN_DIR/testpmd" server_prefix="hwb$$srv" client_prefix="hwb$$cli"
  local server_pid client_pid socket mem client_mode="" need_pages=256
  # others on this machine take hugepages too: make sure ours are still free right now
  [ "$TESTPMD_ZERO_COPY" != 1 ] || need_pages=512
  if [ "$BENCH_HUGE" = 1 ] && [ "$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)" -lt "$need_pages" ]; then
    log "testpmd: fewer than $need_pages hugepages free now; asking for more"
    bench_hugepages "$need_pages"
  fi
  [ "$TESTPMD_ZERO_COPY" != 1 ] || client_mode=",zero-copy=yes"
  [ "$TESTPMD_ZERO_COPY" != 1 ] || [ "$BENCH_HUGE" = 1 ] || die "testpmd zero-copy needs hugepages (none available or --no-huge given)"
  mkdir -p "$dir"
  socket="$dir/memif.sock"
  rm -f "$socket"
  bench_on_exit "testpmd_forget $server_prefix; testpmd_forget $client_prefix; rm -f '$socket'"

  mapfile -t mem < <(testpmd_eal_memory "$server_prefix")
  bench_spawn "$dir/server.log" taskset -c "$server_cpu" stdbuf -oL dpdk-testpmd \
    --lcores="0@$server_cpu,1@$server_cpu" --main-lcore=0 "${mem[@]}" --no-pci \
    --vdev "net_memif0,role=server,id=0,socket=$socket,socket-abstract=no" -- \
    --forward-mode=txonly --txpkts=64 --burst=32 --nb-cores=1 --stats-period=1
  server_pid=$BENCH_LAST_PID
  for _ in $(seq 100); do [ -S "$socket" ] && break; sleep 0.1; done
  [ -S "$socket" ] || { tail -20 "$dir/server.log" >&2; die "testpmd memif server did not create socket=$socket within 10 s"; }

  mapfile -t mem < <(testpmd_eal_memory "$client_prefix")
  bench_spawn "$dir/client.log" taskset -c "$client_cpu" stdbuf -oL dpdk-testpmd \
    --lcores="0@$client_cpu,1@$client_cpu" --main-lcore=0 "${mem[@]}" --no-pci \
    --vdev "net_memif0,role=client,id=0,socket=$socket,socket-abstract=no$client_mode" -- \
    --forward-mode=rxonly --burst=32 --nb-cores=1 --stats-period=1
  client_pid=$BENCH_LAST_PID

  bench_sleep $((warmup + seconds + 1))
  kill -0 "$client_pid" 2>/dev/null || { tail -20 "$dir/client.log" >&2; die "testpmd client exited early (log $dir/client.log)"; }
  kill -0 "$server_pid" 2>/dev/null || { tail -20 "$dir/server.log" >&2; die "testpmd server exited early (log $dir/server.log)"; }
  bench_stop "$client_pid" INT
  bench_stop "$server_pid" INT

  # Every --stats-period block has one "Rx-pps:" line for the client's only port; the first
  # WARMUP of them include EAL start-up and the memif connection.
  local rates
  TESTPMD_RATES=()
  rates="$(grep -oP 'Rx-pps:\s+\K[0-9]+' "$dir/client.log" | tail -n +$((warmup + 1)) | head -n "$seconds" \
    | awk '{ printf "%.2f\n", $1 / 1e6 }')"
  [ -n "$rates" ] || { tail -30 "$dir/client.log" >&2; die "no Rx-pps samples in $dir/client.log"; }
  grep -q 'RX-packets: [1-9]' "$dir/client.log" || die "testpmd client received nothing (log $dir/client.log)"
  mapfile -t TESTPMD_RATES <<<"$rates"
}

# Helpers for benchmark scripts (testbed/benchmarks/*.sh). Source after common.sh.
# Everything a benchmark starts or creates is registered here and undone by bench_cleanup,
# which runs on EXIT, and Ctrl-C / TERM turn into an exit so it runs then too.

BENCH_PIDS=()          # background processes we started (only these are ever killed)
BENCH_UNDO=()          # shell snippets to run at exit, last registered first
BENCH_RUN_DIR=""       # private scratch directory of this run
BENCH_HUGE=0           # 1 when hugepages are usable for this run
BENCH_HUGE_DIR=""      # hugetlbfs mount point when BENCH_HUGE=1

# bench_init NAME: makes the scratch directory and installs the traps.
bench_init() {
  BENCH_RUN_DIR="$(mktemp -d "/tmp/highway-bench-$1.XXXXXX")"
  trap bench_cleanup EXIT
  trap 'log "interrupted"; exit 130' INT
  trap 'log "terminated"; exit 143' TERM
}

# bench_on_exit SNIPPET: runs SNIPPET (eval) at exit, after everything registered later.
bench_on_exit() { BENCH_UNDO+=("$1"); }

# bench_spawn LOGFILE CMD...: starts CMD in the background with stdout+stderr to LOGFILE and
# records its pid (in BENCH_LAST_PID too). CMD must exec its final program (taskset does).
bench_spawn() {
  local logfile="$1"; shift
  "$@" >"$logfile" 2>&1 &
  BENCH_LAST_PID=$!
  BENCH_PIDS+=("$BENCH_LAST_PID")
}

# bench_sleep SECONDS: sleeps so that a trapped signal interrupts it at once (bash runs traps
# only between foreground commands, but "wait" returns as soon as a signal arrives).
bench_sleep() {
  sleep "$1" &
  BENCH_SLEEP_PID=$!
  wait "$BENCH_SLEEP_PID" || true
}

# bench_stop PID [SIGNAL]: sends SIGNAL (default INT), waits up to 5 s, then KILL.
bench_stop() {
  local pid="$1" sig="${2:-INT}" i
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill "-$sig" "$pid" 2>/dev/null || true
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid=$pid ignored SIG$sig for 5 s; killing"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

bench_cleanup() {
  local rc=$? pid i
  trap - EXIT INT TERM
  [ -z "${BENCH_SLEEP_PID:-}" ] || kill "$BENCH_SLEEP_PID" 2>/dev/null || true
  for pid in "${BENCH_PIDS[@]}"; do
    bench_stop "$pid" TERM
  done
  for ((i = ${#BENCH_UNDO[@]} - 1; i >= 0; i--)); do
    eval "${BENCH_UNDO[$i]}" || log "cleanup step failed: ${BENCH_UNDO[$i]}"
  done
  if [ -n "$BENCH_RUN_DIR" ] && [ -d "$BENCH_RUN_DIR" ]; then
    if [ -n "${BENCH_KEEP_LOGS:-}" ]; then
      log "logs kept in $BENCH_RUN_DIR"
    else
      rm -rf "$BENCH_RUN_DIR"
    fi
  fi
  exit "$rc"
}

# bench_hugepages PAGES: makes PAGES free 2 MiB hugepages available on a hugetlbfs mount,
# raising nr_hugepages and mounting /dev/hugepages if needed; both are undone at exit (only
# by the amount this run added). Sets BENCH_HUGE=1 and BENCH_HUGE_DIR, or BENCH_HUGE=0 when
# hugepages cannot be had (then callers use --no-huge).
bench_hugepages() {
  local want="$1" free total added mnt
  BENCH_HUGE=0
  [ -w /proc/sys/vm/nr_hugepages ] || { log "hugepages: /proc/sys/vm/nr_hugepages not writable; using --no-huge"; return 0; }
  mnt="$(awk '$3 == "hugetlbfs" && $4 !~ /pagesize=1G/ { print $2; exit }' /proc/mounts)"
  if [ -z "$mnt" ]; then
    mnt=/dev/hugepages
    mkdir -p "$mnt"
    if mount -t hugetlbfs -o pagesize=2M none "$mnt" 2>/dev/null; then
      bench_on_exit "umount '$mnt' 2>/dev/null || log 'hugepages: $mnt still busy, left mounted'"
    else
      log "hugepages: cannot mount hugetlbfs on $mnt; using --no-huge"; return 0
    fi
  fi
  free="$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)"
  if [ "$free" -lt "$want" ]; then
    total="$(cat /proc/sys/vm/nr_hugepages)"
    added=$((want - free))
    echo $((total + added)) > /proc/sys/vm/nr_hugepages 2>/dev/null || true
    bench_on_exit "bench_release_hugepages $added"
    free="$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)"
    if [ "$free" -lt "$want" ]; then
      log "hugepages: only free=$free of want=$want 2 MiB pages (memory fragmented?); using --no-huge"
      return 0
    fi
  fi
  BENCH_HUGE=1
  BENCH_HUGE_DIR="$mnt"
  log "hugepages: $want free 2 MiB pages on $mnt"
}

# bench_release_hugepages N: gives back N pages this run added (never below 0). Pages that
# another process still uses stay allocated (the kernel frees only free pages).
bench_release_hugepages() {
  local total
  total="$(cat /proc/sys/vm/nr_hugepages)"
  echo $(( total > $1 ? total - $1 : 0 )) > /proc/sys/vm/nr_hugepages 2>/dev/null || true
}

# bench_median NUMBER...: prints the median (mean of the middle two for an even count).
bench_median() {
  [ $# -gt 0 ] || { echo "nan"; return 0; }
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) printf "%.2f\n", v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_need_cpus N: fails unless at least N CPUs are online (producer and consumer need one each).
bench_need_cpus() {
  local n; n="$(nproc --all)"
  [ "$n" -ge "$1" ] || die "this benchmark needs cpus>=$1, machine has cpus=$n"
}

# bench_machine: one line describing the machine, for result files and docs.
bench_machine() {
  local model
  model="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  printf 'cpus=%s model="%s" kernel=%s loadavg_before="%s"\n' "$(nproc --all)" "$model" "$(uname -r)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
}

# bench_cacheline_rtt CPU_A CPU_B [MILLIS]: prints the median round trip of one cache line between
# the two CPUs in ns (testbed/src/c/cacheline_pingpong.c, built once per run). On a VM the host's
# placement of the vCPUs sets it, and may change it during a run: a link ring's rate follows it
# (2026-11-23: ~105 ns with ~120 Mpps on the link, ~550 ns with ~40). Call it only while nothing
# else spins on those CPUs; prints "na" when it cannot be measured.
bench_cacheline_rtt() {
  local binary="$BENCH_RUN_DIR/cacheline_pingpong" source="$HIGHWAY_ROOT/testbed/src/c/cacheline_pingpong.c" line
  if [ ! -x "$binary" ]; then
    command -v gcc >/dev/null 2>&1 || need_packages gcc
    gcc -O2 -Wall -Werror -pthread -o "$binary" "$source" || { log "cannot build $source"; echo na; return 0; }
  fi
  line="$("$binary" "$1" "$2" "${3:-1000}")" || { log "cacheline_pingpong failed: cpus=$1,$2"; echo na; return 0; }
  sed -n 's/^cacheline_rtt_ns=\([0-9]*\) .*/\1/p' <<<"$line"
}

# bench_java_harness: builds the testbed module (with the modules it depends on) once and
# sets BENCH_JAVA (java command with the flags every harness needs) and BENCH_CP.
# BENCH_JAVA_OPTS (space-separated) adds JVM options, e.g. a JFR recording for profiling.
bench_java_harness() {
  find_jdk
  if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
    log "building testbed harness (mvnw -pl testbed -am package -DskipTests)"
    mvnw -pl testbed -am package -DskipTests >&2 || die "building the testbed module failed"
  fi
  [ -f "$HIGHWAY_ROOT/testbed/target/testbed.jar" ] || die "missing $HIGHWAY_ROOT/testbed/target/testbed.jar (build failed or BENCH_SKIP_BUILD set too early)"
  BENCH_CP="$HIGHWAY_ROOT/testbed/target/testbed.jar:$HIGHWAY_ROOT/testbed/target/lib/*"
  BENCH_JAVA=("$JAVA_HOME/bin/java" -Xms256m -Xmx256m -XX:+UseSerialGC
    --enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
    ${BENCH_JAVA_OPTS:-} -cp "$BENCH_CP")
}

# bench_cpu_busy_percent: CPU use of the whole machine over one second, in percent.
bench_cpu_busy_percent() {
  local a b
  a=($(head -1 /proc/stat)); sleep 1; b=($(head -1 /proc/stat))
  awk -v u="$(( b[1] + b[2] + b[3] + b[6] + b[7] - a[1] - a[2] - a[3] - a[6] - a[7] ))" \
      -v i="$(( b[4] + b[5] - a[4] - a[5] ))" 'BEGIN { t = u + i; printf "%d\n", t ? 100 * u / t : 0 }'
}

# bench_wait_quiet MAX_SECONDS: waits until the machine is below 15% busy (other people's
# builds and tests share these cores), at most MAX_SECONDS; logs how busy it was. Never fails:
# a busy machine makes a noisier result, which the caller reports as such.
bench_wait_quiet() {
  local max="$1" waited=0 busy
  while :; do
    busy="$(bench_cpu_busy_percent)"
    [ "$busy" -lt 15 ] && break
    waited=$((waited + 1))
    if [ "$waited" -ge "$max" ]; then
      log "machine still ${busy}% busy after ${max} s; measuring anyway (expect noise)"
      BENCH_BUSY_BEFORE="$busy"
      return 0
    fi
  done
  BENCH_BUSY_BEFORE="$busy"
  [ "$waited" -eq 0 ] || log "waited ${waited} s for a quiet machine (now ${busy}% busy)"
}

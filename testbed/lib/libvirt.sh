# libvirt/QEMU helpers for the VM scenario (testbed/vm-image, testbed/vm-test). Source after common.sh.
# Functions only; nothing runs when sourced.

# Everything the VM scripts need: QEMU (TCG), libvirt's daemons and client, and the parts of the
# guest image (the Debian kernel with its modules, a static busybox, cpio to pack the initramfs).
LIBVIRT_PACKAGES=(qemu-system-x86 qemu-utils busybox-static linux-image-amd64 cpio kmod
  libvirt-daemon-system libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients)

LIBVIRT_SOCK=/run/libvirt/libvirt-sock
# Set by libvirt_up when it started the daemons (so libvirt_down stops only what it started).
LIBVIRT_STARTED_PIDS=()

# libvirt_up: starts virtlogd and libvirtd unless already running, and waits for the socket and
# for a first qemu:///system connection (slow: ~9 s the first time on this machine).
libvirt_up() {
  local pid
  if ! pgrep -x virtlogd >/dev/null; then
    virtlogd -d || die "virtlogd did not start"
    pid=$(pgrep -x virtlogd | head -1); LIBVIRT_STARTED_PIDS+=("$pid")
    log "started virtlogd pid=$pid"
  fi
  if ! pgrep -x libvirtd >/dev/null; then
    # libvirtd makes its hugepage directory tree at start and leaves it: remove it again at stop
    # when it was not there before (and is still empty)
    [ -e /dev/hugepages/libvirt ] || LIBVIRT_HUGEPAGE_DIR_MADE=1
    rm -f "$LIBVIRT_SOCK"
    libvirtd -d || die "libvirtd did not start"
    LIBVIRT_STARTED_LIBVIRTD=1
    pid=$(pgrep -x libvirtd | head -1); LIBVIRT_STARTED_PIDS+=("$pid")
    log "started libvirtd pid=$pid"
  fi
  local i
  for i in $(seq 1 300); do
    [ -S "$LIBVIRT_SOCK" ] && break
    sleep 0.1
  done
  [ -S "$LIBVIRT_SOCK" ] || die "libvirtd socket=$LIBVIRT_SOCK did not appear within 30 s"
  virsh -c qemu:///system version >/dev/null 2>&1 || die "qemu:///system does not answer (see /var/log/libvirt/libvirtd.log)"
}

# libvirt_down: stops the daemons libvirt_up started (by pid), nothing else.
libvirt_down() {
  local pid i
  for pid in "${LIBVIRT_STARTED_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || continue
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
    log "stopped pid=$pid"
  done
  LIBVIRT_STARTED_PIDS=()
  # a libvirtd restarted meanwhile (LibvirtAttacherVmIT restarts it) has another pid: it is ours too
  if [ "${LIBVIRT_STARTED_LIBVIRTD:-0}" = 1 ]; then
    for pid in $(pgrep -x libvirtd); do
      kill "$pid" 2>/dev/null || continue
      for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
      log "stopped restarted libvirtd pid=$pid"
    done
    LIBVIRT_STARTED_LIBVIRTD=0
  fi
  if [ "${LIBVIRT_HUGEPAGE_DIR_MADE:-0}" = 1 ]; then
    find /dev/hugepages/libvirt -depth -type d -empty -delete 2>/dev/null || true
    LIBVIRT_HUGEPAGE_DIR_MADE=0
  fi
}

# libvirt_destroy_domain NAME: destroys and undefines a domain if it exists (transient or not).
libvirt_destroy_domain() {
  virsh -c qemu:///system destroy "$1" >/dev/null 2>&1 || true
  virsh -c qemu:///system undefine "$1" >/dev/null 2>&1 || true
}

# guest_kernel_version: the newest kernel with modules under /lib/modules that has a /boot/vmlinuz.
guest_kernel_version() {
  local v best=""
  for v in $(ls /lib/modules 2>/dev/null | sort -V); do
    [ -f "/boot/vmlinuz-$v" ] && best="$v"
  done
  [ -n "$best" ] || die "no /boot/vmlinuz-<version> with /lib/modules/<version> (package linux-image-amd64)"
  echo "$best"
}

#!/usr/bin/env bash
# summary: VM link establishment with the hypervisor in the loop: region, libvirt attach, guest discovery, first frame (TCG)
#
# Runs the VM scenario (testbed/vm-test --skip-it) ROUNDS times: two TCG VMs whose guests run
# VmLinkGuest wait in sysfs for the device; the host times, from the request on:
#   region_ms           creating and initialising the link region file (/dev/shm, root:libvirt-qemu 0660)
#   attach_ms           two libvirt live attaches (virDomainAttachDeviceFlags, one per VM) incl. the
#                       file ownership step and reading each live XML back for the PCI address
#   guest_discovery_ms  until both guests saw 1af4:1110 in sysfs (ACPI hot-plug, no rescan),
#                       mmapped resource2, validated the header and stored mapped[end]
#   handshake_ms        host stores usable -> first frame on the link ring (producer counter > 0)
#   total_ms            request -> first frame
# Not included (not built yet): the p2p detector's decision, the remap protocol's
# ATTACH/ack through the ring-port regions, fences. Guests run under TCG, so discovery and
# handshake are guest-CPU bound and far slower than with KVM.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/lib/common.sh"

rounds=1 frames=2000
usage() {
  cat <<USAGE
usage: testbed/bench vm-establish [--rounds N] [--frames N]
  --rounds N   scenario runs (default $rounds; each boots two VMs, about 2 minutes on a quiet machine)
  --frames N   frames sent after the link is up (default $frames)
Ends with: RESULT vm-establish total_ms=<t> attach_ms=<a> guest_discovery_ms=<g> handshake_ms=<h> region_ms=<r> rounds=<n>
(medians over the rounds).
USAGE
}
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="${2:?}"; shift 2 ;;
    --frames) frames="${2:?}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done

out=$(mktemp /tmp/highway-bench-vm-establish.XXXXXX)
trap 'rm -f "$out"' EXIT
for r in $(seq 1 "$rounds"); do
  log "round $r/$rounds"
  "$here/vm-test" --skip-it --skip-agent --frames "$frames" | tee -a "$out" | grep -E '^VM_(ESTABLISH|LINK|TEARDOWN)' >&2
done
median() { # median KEY: median of KEY=<n> over the VM_ESTABLISH lines
  grep '^VM_ESTABLISH' "$out" | sed -n "s/.* $1=\([0-9]*\).*/\1/p" \
    | sort -n | awk '{v[NR]=$1} END {if (NR == 0) print "na"; else print v[int((NR + 1) / 2)]}'
}
n=$(grep -c '^VM_ESTABLISH' "$out" || true)
[ "$n" -eq "$rounds" ] || die "only $n of $rounds rounds reported VM_ESTABLISH"
echo "RESULT vm-establish total_ms=$(median total_ms) attach_ms=$(median attach_ms)" \
  "guest_discovery_ms=$(median guest_discovery_ms) handshake_ms=$(median handshake_ms)" \
  "region_ms=$(median region_ms) rounds=$rounds"

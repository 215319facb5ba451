# Domain XML and staging for the VM scenario. Source after common.sh and libvirt.sh.

# vm_stage_app DIR: the guest's "app" share: guest-pmd-lib's jar, the testbed jar (the guest
# loads only org.ovshighway.testbed.vm.VmLinkGuest from it, which uses guest-pmd-lib alone) and
# run.sh, which init runs (kernel parameter hw.run=run.sh) with the role/port/frames given on
# the kernel command line.
vm_stage_app() {
  local app="$1"
  mkdir -p "$app"
  cp "$HIGHWAY_ROOT"/testbed/target/lib/guest-pmd-lib-*.jar "$app/guest-pmd-lib.jar"
  cp "$HIGHWAY_ROOT/testbed/target/testbed.jar" "$app/testbed.jar"
  cat > "$app/run.sh" <<'RUN'
arg() { sed -n "s/.*hw\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
echo "HW_GUEST starting java uptime=$(cut -d' ' -f1 /proc/uptime)"
/jre/bin/java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx48m -Xss512k -XX:-UsePerfData \
  --enable-native-access=ALL-UNNAMED -cp /app/guest-pmd-lib.jar:/app/testbed.jar \
  org.ovshighway.testbed.vm.VmLinkGuest role="$(arg role)" port="$(arg port)" frames="$(arg frames)" \
  ringport="$(arg ringport)" timeout-ms=900000 2>&1
RUN
  # traffic.sh (testbed/vm-test step 3): TrafficGuest on the ring port the agent hot-plugs into
  # this VM (found by the sysfs scan), sequence-numbered frames to the other VM's stream, until
  # the host creates "stop" in the read-only control share "ctl" (mounted uncached, so the new
  # file is seen); then waits until the agent's clean stop unplugged every ivshmem device.
  cat > "$app/traffic.sh" <<'RUN'
arg() { sed -n "s/.*hw\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
ivshmem_devices() {
  local d n=0
  for d in /sys/bus/pci/devices/*; do
    [ "$(cat "$d/vendor" 2>/dev/null)" = 0x1af4 ] && [ "$(cat "$d/device" 2>/dev/null)" = 0x1110 ] && n=$((n + 1))
  done
  echo "$n"
}
mkdir -p /ctl
mount -t 9p -o trans=virtio,version=9p2000.L,cache=none,ro ctl /ctl || echo "HW_APP error: 9p share ctl not mounted"
echo "HW_APP traffic-launched port=$(arg port) uptime=$(cut -d' ' -f1 /proc/uptime)"
/jre/bin/java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx48m -Xss512k -XX:-UsePerfData \
  --enable-native-access=ALL-UNNAMED -cp /app/guest-pmd-lib.jar:/app/testbed.jar \
  org.ovshighway.testbed.TrafficGuest --root /sys --ports "$(arg port)" --streams "$(arg stream)" \
  --peer-streams "$(arg peer)" --rate "$(arg rate)" --seconds 0 --warmup-ms 3000 --drain-ms 5000 \
  --idle park --open-timeout-ms 900000 2>&1 &
pid=$!
while [ ! -e /ctl/stop ] && kill -0 "$pid" 2>/dev/null; do sleep 1; done
kill -TERM "$pid" 2>/dev/null
wait "$pid"
echo "HW_APP traffic-exited status=$? uptime=$(cut -d' ' -f1 /proc/uptime)"
i=0
while [ "$(ivshmem_devices)" != 0 ] && [ "$i" -lt 1800 ]; do sleep 0.5; i=$((i + 1)); done
if [ "$(ivshmem_devices)" = 0 ]; then
  echo "HW_APP devices-gone uptime=$(cut -d' ' -f1 /proc/uptime)"
else
  echo "HW_APP error: ivshmem devices still present 900 s after the traffic ended"
fi
RUN
  chmod -R a+rX "$app"
}

# vm_domain_xml NAME IMAGE_DIR APP_DIR CONSOLE_FILE CMDLINE_EXTRA [CTL_DIR]: a transient TCG
# domain on machine pc, 1 vCPU, 384 MiB, no disk, no network: the Debian kernel with the busybox
# initramfs, the jre and app shares over virtio-9p (read-only), serial console to a file; with
# CTL_DIR a third read-only share "ctl" through which the host signals the guest (traffic.sh).
vm_domain_xml() {
  local name="$1" image="$2" app="$3" console="$4" extra="$5" ctl="${6:-}" ctl_share=""
  if [ -n "$ctl" ]; then
    ctl_share="<filesystem type='mount' accessmode='squash'>
      <source dir='$ctl'/><target dir='ctl'/><readonly/>
    </filesystem>"
  fi
  cat <<XML
<domain type='qemu'>
  <name>$name</name>
  <memory unit='MiB'>384</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$image/vmlinuz</kernel>
    <initrd>$image/initramfs.gz</initrd>
    <cmdline>console=ttyS0 loglevel=4 panic=-1 $extra</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <filesystem type='mount' accessmode='squash'>
      <source dir='$image/jre'/><target dir='jre'/><readonly/>
    </filesystem>
    <filesystem type='mount' accessmode='squash'>
      <source dir='$app'/><target dir='app'/><readonly/>
    </filesystem>
    $ctl_share
    <serial type='file'><source path='$console'/><target port='0'/></serial>
    <memballoon model='none'/>
  </devices>
</domain>
XML
}

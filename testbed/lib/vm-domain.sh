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
  chmod -R a+rX "$app"
}

# vm_domain_xml NAME IMAGE_DIR APP_DIR CONSOLE_FILE CMDLINE_EXTRA: a transient TCG domain on
# machine pc, 1 vCPU, 384 MiB, no disk, no network: the Debian kernel with the busybox
# initramfs, the jre and app shares over virtio-9p (read-only), serial console to a file.
vm_domain_xml() {
  local name="$1" image="$2" app="$3" console="$4" extra="$5"
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
    <serial type='file'><source path='$console'/><target port='0'/></serial>
    <memballoon model='none'/>
  </devices>
</domain>
XML
}

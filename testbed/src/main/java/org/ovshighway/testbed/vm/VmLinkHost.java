package org.ovshighway.testbed.vm;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ovshighway.guest.abi.LinkControl;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.abi.RingCounters;
import org.ovshighway.guest.abi.RingLayout;
import org.ovshighway.guest.mapping.MappedRegion;
import org.ovshighway.hotplug.libvirt.DomainXml;
import org.ovshighway.hotplug.libvirt.LibvirtAttacher;
import org.ovshighway.hotplug.libvirt.RegionFileAccess;
import org.ovshighway.hotplug.libvirt.ShmemAttachment;
import org.ovshighway.hotplug.libvirt.ShmemName;
import org.ovshighway.remapper.RegionFile;
import org.ovshighway.remapper.RegionFiles;

/**
 * The host side of the VM scenario (testbed/vm-test, testbed/bench vm-establish): establishes a
 * link between two running VMs whose guests run {@link VmLinkGuest}, and takes it down again.
 *
 * <ol>
 *   <li>with {@code ring-port=<name>}: first a PORT region for that port (guest domain-a) is
 *       hot-plugged into VM a; once its guest printed {@code port-opened} it is unplugged and
 *       deleted ({@code VM_PORT ...});</li>
 *   <li>region: creates the LINK region {@code /dev/shm/<name>} (root:libvirt-qemu 0660);</li>
 *   <li>attach: hot-plugs it into both domains through libvirt ({@link LibvirtAttacher});</li>
 *   <li>guest discovery: waits until both guests found the device in sysfs, mapped resource2 and
 *       stored {@code mapped[end]} (read through the host's own mapping of the file);</li>
 *   <li>handshake: stores {@code usable} and waits for the first frame on the ring (the ring's
 *       producer counter leaves 0);</li>
 *   <li>waits until both guests are done, checks every frame is accounted for (guest reports
 *       and the ring's counters), detaches both devices, waits until the guests saw them go,
 *       deletes the region and checks nothing is left.</li>
 * </ol>
 * Prints {@code VM_ESTABLISH ...} (milliseconds per phase) and {@code VM_LINK ...} (verdict)
 * on stdout; exits non-zero on any failure, after detaching and deleting what it made.
 */
public final class VmLinkHost {
    static final String END0 = "vma-eth0";
    static final String END1 = "vmb-eth0";

    private VmLinkHost() {
    }

    public static void main(String[] args) throws Exception {
        String domainA = arg(args, "domain-a");
        String domainB = arg(args, "domain-b");
        String name = ShmemName.check(arg(args, "name"));
        long frames = Long.parseLong(arg(args, "frames"));
        ConsoleLog consoleA = new ConsoleLog(domainA, Path.of(arg(args, "console-a")));
        ConsoleLog consoleB = new ConsoleLog(domainB, Path.of(arg(args, "console-b")));
        long deadline = System.nanoTime() + Long.parseLong(arg(args, "timeout-ms")) * 1_000_000;
        long linkId = ProcessHandle.current().pid();
        long generation = System.currentTimeMillis();

        consoleA.await("HW_APP ready", deadline);
        consoleB.await("HW_APP ready", deadline);
        String ringPort = optionalArg(args, "ring-port");
        if (!ringPort.isEmpty()) {
            ringPortRoundTrip(domainA, consoleA, ringPort, name + "-port", deadline);
        }
        List<ShmemAttachment> attachments = new ArrayList<>();
        RegionFile region = null;
        try (LibvirtAttacher attacher = connect()) {
            long t0 = System.nanoTime();
            region = RegionFiles.in(ShmemName.DEV_SHM).withGroup(RegionFileAccess.DEFAULT_GROUP)
                    .withMode(RegionFileAccess.MODE)
                    .create(name, RegionLayout.link(false), RegionIdentity.link(linkId, generation, END0, END1));
            long tRegion = System.nanoTime();
            attachments.add(attacher.attach(domainA, region.path(), name, region.size()));
            attachments.add(attacher.attach(domainB, region.path(), name, region.size()));
            long tAttach = System.nanoTime();
            try (MappedRegion mapping = MappedRegion.map(region.path())) {
                // pairs with each guest's release of mapped[end] after it validated the mapping
                while (LinkControl.acquireMapped(mapping.segment(), 0) != generation
                        || LinkControl.acquireMapped(mapping.segment(), 1) != generation) {
                    waitOrFail(deadline, "both guests mapped the region");
                }
                long tMapped = System.nanoTime();
                // pairs with the guests' acquire of usable: they may start on the ring
                LinkControl.releaseUsable(mapping.segment(), generation);
                RingLayout ring = region.layout().ring(0);
                while (RingCounters.read(mapping.segment(), ring).producedPackets() == 0) {
                    waitOrFail(deadline, "the first frame on the link ring");
                }
                long tFirst = System.nanoTime();
                // printed once the guests' console lines (slower than shared memory) are in
                String establish = "VM_ESTABLISH total_ms=" + ms(tFirst - t0) + " region_ms=" + ms(tRegion - t0)
                        + " attach_ms=" + ms(tAttach - tRegion) + " guest_discovery_ms=" + ms(tMapped - tAttach)
                        + " handshake_ms=" + ms(tFirst - tMapped) + " guest_map_ms_a=%d"
                        + " guest_map_ms_b=%d pci_a=" + attachments.get(0).pciAddress()
                        + " pci_b=" + attachments.get(1).pciAddress() + " region_size=" + region.size();

                // both ends clear mapped when their port is closed (munmapped)
                while (LinkControl.acquireMapped(mapping.segment(), 0) != 0
                        || LinkControl.acquireMapped(mapping.segment(), 1) != 0) {
                    waitOrFail(deadline, "both guests finished and unmapped");
                }
                RingCounters counters = RingCounters.read(mapping.segment(), ring);
                String tx = consoleA.await("HW_APP result role=tx", deadline);
                String rx = consoleB.await("HW_APP result role=rx", deadline);
                consoleA.await("HW_APP unmapped", deadline);
                consoleB.await("HW_APP unmapped", deadline);
                System.out.println(establish.formatted(guestMapMs(consoleA), guestMapMs(consoleB)));
                long sent = field(tx, "sent");
                long received = field(rx, "received");
                long outOfOrder = field(rx, "outOfOrder");
                long badLength = field(rx, "badLength");
                boolean accounted = sent == frames && received == frames && outOfOrder == 0 && badLength == 0
                        && counters.producedPackets() == frames && counters.consumedPackets() == frames
                        && counters.invalidDescriptors() == 0 && counters.consumerInvalidIndices() == 0
                        && counters.producerInvalidIndices() == 0;
                System.out.println("VM_LINK frames=" + frames + " sent=" + sent + " received=" + received
                        + " outOfOrder=" + outOfOrder + " badLength=" + badLength + " ringProduced="
                        + counters.producedPackets() + " ringConsumed=" + counters.consumedPackets()
                        + " accounted=" + accounted);
                if (!accounted) {
                    throw new IllegalStateException("frames not accounted for: tx=\"" + tx + "\" rx=\"" + rx
                            + "\" ring=" + counters);
                }
            }
            long tDetach = System.nanoTime();
            for (ShmemAttachment attachment : List.copyOf(attachments)) {
                attacher.detach(attachment);
                attachments.remove(attachment);
            }
            long detachMs = ms(System.nanoTime() - tDetach);
            // before the guests see the devices go: then they power off and their domains end
            String devicesLeft = devicesLeft(domainA, domainB, name);
            consoleA.await("HW_APP device-gone", deadline);
            consoleB.await("HW_APP device-gone", deadline);
            long guestsSawMs = ms(System.nanoTime() - tDetach);
            RegionFiles.delete(region);
            String leftovers = (devicesLeft + " " + filesLeft(name)).strip();
            System.out.println("VM_TEARDOWN detach_ms=" + detachMs + " guests_saw_removal_ms=" + guestsSawMs
                    + " leftovers=" + (leftovers.isEmpty() ? "none" : leftovers));
            if (!leftovers.isEmpty()) {
                throw new IllegalStateException("left behind after detach: " + leftovers);
            }
        } finally {
            if (!attachments.isEmpty() || region != null && Files.exists(region.path(), LinkOption.NOFOLLOW_LINKS)) {
                cleanUp(attachments, region);
            }
        }
    }

    /**
     * Hot-plugs a PORT region for {@code port} into {@code domain}, waits for its guest to open
     * the port on it, unplugs it and deletes it. Nothing is left even when this fails.
     */
    private static void ringPortRoundTrip(String domain, ConsoleLog console, String port, String name, long deadline)
            throws Exception {
        RegionFile region = RegionFiles.in(ShmemName.DEV_SHM).withGroup(RegionFileAccess.DEFAULT_GROUP)
                .withMode(RegionFileAccess.MODE)
                .create(name, RegionLayout.port(2), RegionIdentity.port(System.currentTimeMillis(), port, domain));
        List<ShmemAttachment> attachments = new ArrayList<>();
        try (LibvirtAttacher attacher = connect()) {
            long t0 = System.nanoTime();
            attachments.add(attacher.attach(domain, region.path(), name, region.size()));
            long tAttach = System.nanoTime();
            String opened = console.await("HW_APP port-opened port=" + port, deadline);
            long tOpened = System.nanoTime();
            attacher.detach(attachments.removeFirst());
            RegionFiles.delete(region);
            System.out.println("VM_PORT port=" + port + " domain=" + domain + " attach_ms=" + ms(tAttach - t0)
                    + " guest_open_ms=" + ms(tOpened - tAttach) + " guest=\"" + opened + "\"");
            System.out.flush();
        } finally {
            if (!attachments.isEmpty() || Files.exists(region.path(), LinkOption.NOFOLLOW_LINKS)) {
                cleanUp(attachments, region);
            }
        }
    }

    /**
     * Guest clock: from the scan that first listed the device to "mapped and validated"
     * ({@code device-seen} and {@code mapped} lines of the same address), or -1 if not printed.
     */
    static long guestMapMs(ConsoleLog console) throws java.io.IOException {
        String mapped = console.find("HW_APP mapped ").orElse("");
        Matcher pci = Pattern.compile("pci=(\\S+) uptimeNs=(\\d+)").matcher(mapped);
        if (!pci.find()) {
            return -1;
        }
        String seenLine = console.findLast("HW_APP device-seen pci=" + pci.group(1) + " ").orElse("");
        Matcher seen = Pattern.compile("uptimeNs=(\\d+)").matcher(seenLine);
        return seen.find() ? ms(Long.parseLong(pci.group(2)) - Long.parseLong(seen.group(1))) : -1;
    }

    /** Shmem devices named {@code name} still in the live XML of either domain. */
    private static String devicesLeft(String domainA, String domainB, String name) throws Exception {
        StringBuilder left = new StringBuilder();
        for (String domain : List.of(domainA, domainB)) {
            String xml = virshDumpxml(domain);
            // a guest that saw its device go powers off: a domain that ended holds no device
            if (xml != null && DomainXml.parse(xml).shmem(name).isPresent()) {
                left.append(" device domain=").append(domain).append(" shmem=").append(name);
            }
        }
        return left.toString().strip();
    }

    /** The backing path {@code /dev/shm/<name>} if it is still there. */
    private static String filesLeft(String name) throws Exception {
        Path file = ShmemName.backingPath(name);
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return "file=" + file + " mode="
                    + PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
        }
        return "";
    }

    /** The live XML of {@code domain}, {@code null} when the domain no longer exists. */
    private static String virshDumpxml(String domain) throws Exception {
        Process p = new ProcessBuilder("virsh", "-c", LibvirtAttacher.SYSTEM_URI, "dumpxml", domain)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0 && (out.contains("Domain not found") || out.contains("failed to get domain"))) {
            return null;
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("virsh dumpxml domain=" + domain + " failed: " + out.strip());
        }
        return out;
    }

    private static void cleanUp(List<ShmemAttachment> attachments, RegionFile region) {
        try (LibvirtAttacher attacher = connect()) {
            for (ShmemAttachment attachment : attachments) {
                try {
                    attacher.detach(attachment);
                } catch (Exception e) {
                    System.err.println("cleanup: " + e.getMessage());
                }
            }
        } catch (Exception e) {
            System.err.println("cleanup: " + e.getMessage());
        }
        if (region != null) {
            RegionFiles.delete(region);
        }
    }

    /** qemu:///system; a 60 s unplug deadline (the guests answer ACPI under TCG on a shared machine). */
    private static LibvirtAttacher connect() throws Exception {
        return LibvirtAttacher.connect(LibvirtAttacher.SYSTEM_URI, new RegionFileAccess(RegionFileAccess.DEFAULT_GROUP),
                java.time.Duration.ofSeconds(60), LibvirtAttacher.Q35_DEFAULT_WINDOW);
    }

    private static long field(String line, String key) {
        Matcher m = Pattern.compile("\\b" + key + "=(-?\\d+)").matcher(line);
        if (!m.find()) {
            throw new IllegalStateException("guest line lacks " + key + "=: " + line);
        }
        return Long.parseLong(m.group(1));
    }

    private static void waitOrFail(long deadline, String what) throws InterruptedException {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("timeout waiting for " + what);
        }
        Thread.sleep(0, 200_000);
    }

    private static long ms(long nanos) {
        return Math.round(nanos / 1e6);
    }

    private static String optionalArg(String[] args, String key) {
        for (String a : args) {
            if (a.startsWith(key + "=")) {
                return a.substring(key.length() + 1);
            }
        }
        return "";
    }

    private static String arg(String[] args, String key) {
        for (String a : args) {
            if (a.startsWith(key + "=")) {
                return a.substring(key.length() + 1);
            }
        }
        throw new IllegalArgumentException("missing argument " + key + "=... in " + List.of(args));
    }
}

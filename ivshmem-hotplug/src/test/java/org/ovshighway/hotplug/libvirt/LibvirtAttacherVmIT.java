package org.ovshighway.hotplug.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * {@link LibvirtAttacher} against a real libvirtd and a running TCG QEMU domain (machine pc,
 * the Debian kernel with a busybox initramfs, so ACPI unplug requests are answered). Started by
 * {@code testbed/vm-test}, which boots the domain and passes {@code -Dhighway.vm.domain=<name>}
 * and {@code -Dhighway.vm.shmemPrefix=<prefix>}, and {@code -Dhighway.vm.xml=<file>} (the transient
 * domain's XML: the last test destroys the domain and creates it again from it); not part of
 * {@code ./mvnw verify} (no VM there).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LibvirtAttacherVmIT {
    private static final Pattern PCI = Pattern.compile("0000:00:[0-9a-f]{2}\\.0");
    private static String domain;
    private static String prefix;
    private static Path domainXml;
    private static LibvirtAttacher attacher;
    private static Connect connect;

    @BeforeAll
    static void connect() throws Exception {
        domain = System.getProperty("highway.vm.domain");
        prefix = System.getProperty("highway.vm.shmemPrefix");
        String xml = System.getProperty("highway.vm.xml");
        if (domain == null || prefix == null || xml == null) {
            throw new IllegalStateException("run through testbed/vm-test: -Dhighway.vm.domain,"
                    + " -Dhighway.vm.shmemPrefix and -Dhighway.vm.xml are required");
        }
        domainXml = Path.of(xml);
        // a generous unplug deadline: the guest answers ACPI under TCG on a shared machine
        attacher = LibvirtAttacher.connect(LibvirtAttacher.SYSTEM_URI, new RegionFileAccess(RegionFileAccess.DEFAULT_GROUP),
                Duration.ofSeconds(60), LibvirtAttacher.Q35_DEFAULT_WINDOW);
        connect = new Connect(LibvirtAttacher.SYSTEM_URI);
    }

    @AfterAll
    static void close() throws Exception {
        attacher.close();
        connect.close();
    }

    private static DomainXml live() throws LibvirtException {
        return DomainXml.parse(connect.domainLookupByName(domain).getXMLDesc(0));
    }

    private static Path rootOnlyFile(Path path, int size) throws IOException {
        Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(path, new byte[size]);
        return path;
    }

    @Test
    void attachesAndDetachesARegionFileInDevShm() throws Exception {
        String name = prefix + "-rt";
        Path file = rootOnlyFile(ShmemName.backingPath(name), 65536);
        try {
            ShmemAttachment attachment = attacher.attach(domain, file, name, 65536);
            assertTrue(PCI.matcher(attachment.pciAddress()).matches(), attachment.pciAddress());
            ShmemDevice device = live().shmem(name).orElseThrow();
            assertEquals(attachment.pciAddress(), device.pciAddress().orElseThrow());
            assertEquals("ivshmem-plain", device.model());
            PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class);
            assertEquals(RegionFileAccess.DEFAULT_GROUP, attributes.group().getName());
            assertEquals(RegionFileAccess.MODE, attributes.permissions());

            HotplugException twice = assertThrows(HotplugException.class,
                    () -> attacher.attach(domain, file, name, 65536));
            assertEquals(HotplugException.Reason.DEVICE_EXISTS, twice.reason());

            attacher.detach(attachment);
            assertTrue(live().shmem(name).isEmpty());
            assertTrue(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS), "the region file is its creator's");
            assertFalse(attacher.detach(domain, name, 65536, file), "a second detach finds nothing");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void fileQemuCannotReachIsRolledBack() throws Exception {
        // a root-only directory: QEMU (libvirt-qemu) cannot follow the /dev/shm symlink into it
        Path dir = Files.createTempDirectory("hw-it-private");
        Path file = rootOnlyFile(dir.resolve("region"), 4096);
        String name = prefix + "-denied";
        try {
            HotplugException e = assertThrows(HotplugException.class, () -> attacher.attach(domain, file, name, 4096));
            assertEquals(HotplugException.Reason.REGION_FILE_ACCESS, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("domain=" + domain), e.getMessage());
            assertTrue(e.getMessage().contains("region=" + file + " shmem=" + name), e.getMessage());
            assertTrue(live().shmem(name).isEmpty());
            assertFalse(Files.exists(ShmemName.backingPath(name), LinkOption.NOFOLLOW_LINKS), "symlink removed");
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file),
                    "mode restored");
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void domainGoneIsNamed() throws Exception {
        String name = prefix + "-gone";
        Path file = rootOnlyFile(ShmemName.backingPath(name), 4096);
        try {
            String missing = "hw-no-such-domain-" + ProcessHandle.current().pid();
            HotplugException e = assertThrows(HotplugException.class, () -> attacher.attach(missing, file, name, 4096));
            assertEquals(HotplugException.Reason.DOMAIN_NOT_FOUND, e.reason());
            assertTrue(e.getMessage().contains("domain=" + missing + " region=" + file + " shmem=" + name),
                    e.getMessage());
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
            assertFalse(attacher.detach(missing, name, 4096, file), "detach from a gone domain: nothing left to detach");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void fullPciBusIsNamedAndTheFailedDeviceLeavesNothing() throws Exception {
        List<ShmemAttachment> attached = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try {
            HotplugException full = null;
            for (int i = 0; i < 33 && full == null; i++) {
                String name = prefix + "-bus" + i;
                Path file = rootOnlyFile(ShmemName.backingPath(name), 4096);
                files.add(file);
                try {
                    attached.add(attacher.attach(domain, file, name, 4096));
                } catch (HotplugException e) {
                    full = e;
                    assertTrue(live().shmem(name).isEmpty(), "no device for the refused attach");
                    assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
                }
            }
            assertTrue(full != null, "32 slots of bus 0 cannot all be free: attached=" + attached.size());
            assertEquals(HotplugException.Reason.NO_PCI_SLOT, full.reason(), full.getMessage());
            assertTrue(full.getMessage().contains("domain=" + domain + " region=/dev/shm/" + prefix + "-bus"),
                    full.getMessage());
            assertTrue(attached.size() > 10, "a bare pc VM has most slots free: attached=" + attached.size());
        } finally {
            for (ShmemAttachment attachment : attached) {
                attacher.detach(attachment);
            }
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
        assertTrue(live().shmems().isEmpty(), "every device detached");
    }

    /**
     * libvirtd restarted under the attacher (an upgrade, an operator): while it is down each call
     * fails with the URI named; once it is back the domain still runs, and the attacher's next
     * operations connect again and work (a whole hot-plug and unplug).
     * Next to last: the last test needs the domain as it is.
     */
    @Test
    @Order(Integer.MAX_VALUE - 1)
    void aLibvirtdRestartedUnderTheAttacherIsConnectedAgain() throws Exception {
        stopLibvirtd();
        for (int attempt = 0; attempt < 2; attempt++) {
            HotplugException down = assertThrows(HotplugException.class, () -> attacher.shmemDevices(domain),
                    "libvirtd is not running");
            assertTrue(down.getMessage().contains("uri=" + LibvirtAttacher.SYSTEM_URI), down.getMessage());
        }
        startLibvirtd();
        connect.close();
        connect = new Connect(LibvirtAttacher.SYSTEM_URI);
        String name = prefix + "-relibvirt";
        Path file = rootOnlyFile(ShmemName.backingPath(name), 65536);
        try {
            assertTrue(attacher.shmemDevices(domain).stream().noneMatch(d -> d.name().equals(name)),
                    "the first call after the restart connects again");
            ShmemAttachment attachment = attacher.attach(domain, file, name, 65536);
            assertEquals(attachment.pciAddress(), live().shmem(name).orElseThrow().pciAddress().orElseThrow());
            assertEquals(DevicePresence.PRESENT, attacher.presence(attachment));
            attacher.detach(attachment);
            assertTrue(live().shmem(name).isEmpty(), "unplugged through the new connection");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Stops libvirtd (SIGTERM); running domains stay. */
    private static void stopLibvirtd() throws Exception {
        String pid = run("pgrep", "-x", "libvirtd").strip().lines().findFirst()
                .orElseThrow(() -> new IllegalStateException("no libvirtd running"));
        run("kill", "-TERM", pid);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (Files.exists(Path.of("/proc", pid)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(Files.exists(Path.of("/proc", pid)), "libvirtd pid=" + pid + " still there 30 s after SIGTERM");
        Files.deleteIfExists(Path.of("/run/libvirt/libvirt-sock"));
    }

    /** Starts libvirtd as {@code testbed/lib/libvirt.sh} does and waits until it answers. */
    private static void startLibvirtd() throws Exception {
        // the daemon keeps what it inherits: no pipe of ours, or reading it would wait for the daemon's end
        Process start = new ProcessBuilder("libvirtd", "-d").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(0, start.waitFor(), "libvirtd -d exit status");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                run("virsh", "-c", LibvirtAttacher.SYSTEM_URI, "version");
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(100);
            }
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("command failed: " + List.of(command) + " exit=" + p.exitValue() + " output=" + out.strip());
        }
        return out;
    }

    /** Last: the domain is destroyed and created anew, without waiting for its guest to boot again. */
    @Test
    @Order(Integer.MAX_VALUE)
    void aDomainStartedAnewHasLostTheDeviceAndGetsItPluggedAgain() throws Exception {
        String name = prefix + "-restart";
        // outside /dev/shm, so that the attach makes the /dev/shm/<name> symlink its detach removes
        Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "hw-it-restart");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path file = rootOnlyFile(dir.resolve("region"), 65536);
        Path backing = ShmemName.backingPath(name);
        try {
            ShmemAttachment first = attacher.attach(domain, file, name, 65536);
            assertTrue(first.access().linkCreated(), first.toString());
            assertEquals(DevicePresence.PRESENT, attacher.presence(first));

            connect.domainLookupByName(domain).destroy();
            assertEquals(DevicePresence.DOMAIN_NOT_FOUND, attacher.presence(first), "a transient domain that ended");
            connect.domainCreateXML(Files.readString(domainXml), 0);
            assertEquals(DevicePresence.MISSING, attacher.presence(first), "live devices do not survive a new start");

            ShmemAttachment again = attacher.replug(first);
            assertEquals(DevicePresence.PRESENT, attacher.presence(again));
            assertEquals(again.pciAddress(), live().shmem(name).orElseThrow().pciAddress().orElseThrow());
            assertEquals(first.access(), again.access(), "detach undoes what the first attach changed");
            assertEquals(again.pciAddress(), attacher.replug(again).pciAddress(), "a device already there is kept");

            // the guest has not booted again (it would answer the unplug): end the domain, then detach
            connect.domainLookupByName(domain).destroy();
            assertEquals(DevicePresence.DOMAIN_NOT_FOUND, attacher.presence(again));
            attacher.detach(again);
            assertFalse(Files.exists(backing, LinkOption.NOFOLLOW_LINKS), "the first attach's symlink is removed");
        } finally {
            Files.deleteIfExists(backing);
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}

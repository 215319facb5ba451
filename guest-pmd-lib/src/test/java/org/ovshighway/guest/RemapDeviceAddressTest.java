package org.ovshighway.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ovshighway.guest.abi.LinkControl;
import org.ovshighway.guest.abi.PciAddress;
import org.ovshighway.guest.abi.PortConnection;
import org.ovshighway.guest.abi.PortControl;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.mapping.MappedRegion;

/**
 * An ATTACH that names the link's device (ABI 1.4): the guest maps that device without listing
 * the others, in steps on successive bursts that keep sending on the old path, and falls back to
 * listing them when the address does not lead to the link. The
 * guest's devices are a sysfs-shaped tree built by hand (as the agent's LocalPublisher makes it).
 */
class RemapDeviceAddressTest {
    private static final long LINK = 11;
    private static final long GEN = 2;

    private RegionFiles files;
    private Path devices;
    private MappedRegion agentX;
    private GuestPort x;
    private final PacketBurst rx = new PacketBurst();

    @BeforeEach
    void setUp() throws Exception {
        files = new RegionFiles();
        Path root = Files.createDirectory(files.dir.resolve("sysfs"));
        devices = Files.createDirectories(root.resolve("bus/pci/devices"));
        Path port = files.create("port-x", RegionLayout.port(2), RegionIdentity.port(1, "x", "guest-x"));
        agentX = MappedRegion.map(port);
        PortConnection.publish(agentX.segment(), 1, true);
        device("0000:00:00.0", port, true);
        x = GuestPort.open(DeviceSource.sysfs(root), "x");
    }

    @AfterEach
    void tearDown() throws IOException {
        x.close();
        agentX.close();
        files.close();
    }

    /** A device directory; {@code listed}: with the vendor and device files a scan looks for. */
    private void device(String address, Path regionFile, boolean listed) throws IOException {
        Path dir = Files.createDirectory(devices.resolve(address));
        if (listed) {
            Files.writeString(dir.resolve("vendor"), "0x1af4\n");
            Files.writeString(dir.resolve("device"), "0x1110\n");
        }
        Files.createSymbolicLink(dir.resolve("resource2"), regionFile);
    }

    private Path link(String name, long linkId) throws IOException {
        return files.create(name, RegionLayout.link(false), RegionIdentity.link(linkId, GEN, "x", "y"));
    }

    /**
     * Link {@code LINK} on a device a scan passes over (no vendor/device files), and an ATTACH that
     * names that device: only the address leads to it. Returns the link's region file.
     */
    private Path attachNamedOnly() throws IOException {
        Path linkFile = link("hwlink-11", LINK);
        device("0000:00:05.0", linkFile, false);
        PortControl.publishRequest(agentX.segment(), PortControl.OP_ATTACH, LINK, GEN,
                PciAddress.parse("0000:00:05.0").word());
        return linkFile;
    }

    /** Bursts until X mapped link {@code LINK}, or a bounded number of them; returns what X has mapped. */
    private String burstUntilMapped(Path linkFile) throws IOException {
        try (MappedRegion link = MappedRegion.map(linkFile)) {
            for (int i = 0; i < 200 && LinkControl.acquireMapped(link.segment(), 0) != GEN; i++) {
                x.rxBurst(rx);
                if (i > 10) {
                    try {
                        Thread.sleep(1);   // past the remap's scan interval when a scan is due
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        }
        return x.remap().currentLink();
    }

    @Test
    void theNamedDeviceIsMappedWithoutAScanThatWouldNotFindIt() throws IOException {
        Path linkFile = attachNamedOnly();
        assertEquals(LINK + "/" + GEN, burstUntilMapped(linkFile));
    }

    @Test
    void withoutAnAddressTheUnlistedDeviceIsNotFound() throws IOException {
        Path linkFile = link("hwlink-11", LINK);
        device("0000:00:05.0", linkFile, false);
        PortControl.publishRequest(agentX.segment(), PortControl.OP_ATTACH, LINK, GEN);
        assertNull(burstUntilMapped(linkFile), "found by listing: the test above would prove nothing");
    }

    @Test
    void anAddressThatLeadsElsewhereFallsBackToTheScan() throws IOException {
        Path linkFile = link("hwlink-11", LINK);
        Path other = link("hwlink-99", 99);
        device("0000:00:03.0", other, true);      // another link: validated, and passed over
        device("0000:00:04.0", linkFile, true);
        for (String named : new String[] {"0000:00:03.0", "0000:00:00.0", "0000:00:1e.0"}) {
            try (MappedRegion link = MappedRegion.map(linkFile)) {
                LinkControl.releaseMapped(link.segment(), 0, 0);
            }
            x.close();
            x = GuestPort.open(DeviceSource.sysfs(devices.getParent().getParent().getParent()), "x");
            PortControl.publishRequest(agentX.segment(), PortControl.OP_ATTACH, LINK, GEN,
                    PciAddress.parse(named).word());
            assertEquals(LINK + "/" + GEN, burstUntilMapped(linkFile), "ATTACH naming " + named);
        }
    }

    /**
     * The named device is taken up over three bursts (map, validate, rings), each of which still
     * sends on the port's own ring: the sender does not stop for the mapping.
     */
    @Test
    void theNamedDeviceIsTakenUpInThreeBurstsThatKeepSending() throws IOException {
        Path linkFile = attachNamedOnly();
        byte[][] frame = {new byte[64]};
        try (MappedRegion link = MappedRegion.map(linkFile)) {
            for (int burst = 1; burst <= 2; burst++) {
                assertEquals(1, x.txBurst(frame, 1), "burst " + burst + " sent on the port's ring");
                assertNotEquals(GEN, LinkControl.acquireMapped(link.segment(), 0), "mapped after burst " + burst);
            }
            assertEquals(1, x.txBurst(frame, 1));
            assertEquals(GEN, LinkControl.acquireMapped(link.segment(), 0), "mapped by the third burst");
        }
        assertEquals(3, x.stats().txPackets(), "every burst's frame went out on the old path");
        assertEquals(LINK + "/" + GEN, x.remap().currentLink());
    }

    /** An ATTACH withdrawn while its device is half taken up: the guest unmaps it on the next burst. */
    @Test
    void aWithdrawnAttachUnmapsTheHalfTakenUpLink() throws IOException {
        Path linkFile = attachNamedOnly();
        x.rxBurst(rx);
        assertTrue(mapped(linkFile), "the first step mapped the link region");
        long detach = PortControl.publishRequest(agentX.segment(), PortControl.OP_DETACH, LINK, GEN);
        x.rxBurst(rx);
        assertFalse(mapped(linkFile), "unmapped once the ATTACH was withdrawn");
        assertEquals(detach, PortControl.acquireAckWord(agentX.segment()), "DETACH acknowledged");
        assertNull(x.remap().currentLink());
    }

    /** Whether this process maps {@code file} (/proc/self/maps names it). */
    private static boolean mapped(Path file) throws IOException {
        String name = file.toRealPath().toString();
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().anyMatch(l -> l.endsWith(name));
    }
}

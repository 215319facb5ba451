package org.ovshighway.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ovshighway.guest.abi.LinkControl;
import org.ovshighway.guest.abi.PortConnection;
import org.ovshighway.guest.abi.PortControl;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.mapping.MappedRegion;

/**
 * Where a link is mapped: with {@code -Dorg.ovshighway.guest.mapOffDataPath=true} on the
 * library's mapper thread, so that bursts go on while the device scan is slow; by default on the
 * burst that finds the ATTACH. The scan is made to block for as long as the test wants: one
 * device's {@code vendor} file is a FIFO, which the scan's read waits on until the test writes it.
 * With the mapping on the data path the first burst after the ATTACH would wait there too.
 */
class RemapOffDataPathTest {
    private static final long LINK = 21;
    private static final long GEN = 4;
    private static final String PROPERTY = "org.ovshighway.guest.mapOffDataPath";

    private RegionFiles files;
    private Path root;
    private Path devices;
    private MappedRegion agentX;
    private GuestPort x;
    private final PacketBurst rx = new PacketBurst();
    /** The blocking FIFO until the test released it (tearDown releases it when a failure left it waiting). */
    private Path unreleased;

    @BeforeEach
    void setUp() throws Exception {
        files = new RegionFiles();
        root = Files.createDirectory(files.dir.resolve("sysfs"));
        devices = Files.createDirectories(root.resolve("bus/pci/devices"));
        Path port = files.create("port-x", RegionLayout.port(2), RegionIdentity.port(1, "x", "guest-x"));
        agentX = MappedRegion.map(port);
        PortConnection.publish(agentX.segment(), 1, true);
        device("0000:00:00.0", port);
    }

    @AfterEach
    void tearDown() throws IOException, InterruptedException {
        if (unreleased != null) {
            // a scan stuck on the FIFO (on whichever thread) would keep close() waiting for the port's lock
            Path fifo = unreleased;
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    release(fifo);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).join(5_000);
        }
        if (x != null) {
            x.close();
        }
        agentX.close();
        files.close();
    }

    private Path device(String address, Path regionFile) throws IOException {
        Path dir = Files.createDirectory(devices.resolve(address));
        Files.writeString(dir.resolve("vendor"), "0x1af4\n");
        Files.writeString(dir.resolve("device"), "0x1110\n");
        Files.createSymbolicLink(dir.resolve("resource2"), regionFile);
        return dir;
    }

    /** A device whose vendor file is a FIFO: a scan that reads it waits until {@link #release} writes it. */
    private Path blockingDevice(String address) throws IOException, InterruptedException {
        Path dir = Files.createDirectory(devices.resolve(address));
        Path fifo = dir.resolve("vendor");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo " + fifo);
        Files.writeString(dir.resolve("device"), "0x1110\n");
        unreleased = fifo;
        return fifo;
    }

    /** Opens the FIFO for writing (which waits for the scan to be reading it) and writes a vendor id. */
    private static void release(Path fifo) throws IOException {
        try (OutputStream out = Files.newOutputStream(fifo)) {
            out.write("0x1234\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private Path link() throws IOException {
        Path linkFile = files.create("hwlink-21", RegionLayout.link(false), RegionIdentity.link(LINK, GEN, "x", "y"));
        device("0000:00:04.0", linkFile);
        return linkFile;
    }

    /** Opens port x with the mapping property set to {@code value} for its PortRemap (read when it is made). */
    private void openX(String value) throws IOException {
        String before = System.getProperty(PROPERTY);
        System.setProperty(PROPERTY, value);
        try {
            x = GuestPort.open(DeviceSource.sysfs(root), "x");
        } finally {
            if (before == null) {
                System.clearProperty(PROPERTY);
            } else {
                System.setProperty(PROPERTY, before);
            }
        }
    }

    @Test
    void burstsGoOnWhileTheMapperWaitsForTheScan() throws Exception {
        openX("true");
        Path fifo = blockingDevice("0000:00:02.0");
        Path linkFile = link();
        PortControl.publishRequest(agentX.segment(), PortControl.OP_ATTACH, LINK, GEN);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < 200; i++) {
                x.rxBurst(rx);
                x.txBurst(new byte[][] {new byte[64]}, 1);
            }
        }, "bursts waited for the device scan");
        assertNull(x.remap().currentLink(), "the scan is still waiting on the FIFO");
        // returns once the mapper's scan opened the FIFO: the scan was under way while the bursts ran
        release(fifo);
        unreleased = null;
        try (MappedRegion agentLink = MappedRegion.map(linkFile)) {
            for (int i = 0; i < 2000 && LinkControl.acquireMapped(agentLink.segment(), 0) != GEN; i++) {
                x.rxBurst(rx);
                Thread.sleep(1);
            }
            assertEquals(GEN, LinkControl.acquireMapped(agentLink.segment(), 0), "mapped once the scan went on");
        }
        x.rxBurst(rx);
        assertEquals(LINK + "/" + GEN, x.remap().currentLink());
    }

    @Test
    void byDefaultTheBurstMapsTheLinkItself() throws Exception {
        x = GuestPort.open(DeviceSource.sysfs(root), "x");
        link();
        PortControl.publishRequest(agentX.segment(), PortControl.OP_ATTACH, LINK, GEN);
        x.rxBurst(rx);
        assertEquals(LINK + "/" + GEN, x.remap().currentLink(), "mapped within the burst that saw the ATTACH");
    }
}

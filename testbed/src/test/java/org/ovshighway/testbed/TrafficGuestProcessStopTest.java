package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovshighway.ovs.testing.PrivateOvsDpdk;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.remapper.RegionFile;
import org.ovshighway.remapper.RegionFiles;

/**
 * The TrafficGuest main as a process: it finds its ports in a sysfs-shaped tree, runs until
 * SIGTERM, then drains and prints its summary before the JVM exits. Both ports are the two ends
 * of one link region (no switch involved).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TrafficGuestProcessStopTest {
    private Path dir;
    private RegionFile region;

    @BeforeEach
    void publishLink() throws Exception {
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "hw-traffic-stop");
        region = RegionFiles.in(dir).create("link", RegionLayout.link(true), RegionIdentity.link(3, 1, "a", "b"));
        Path device = Files.createDirectories(dir.resolve("sysfs/bus/pci/devices/0000:00:04.0"));
        Files.writeString(device.resolve("vendor"), "0x1af4\n");
        Files.writeString(device.resolve("device"), "0x1110\n");
        Files.createSymbolicLink(device.resolve("resource2"), region.path());
    }

    @AfterEach
    void remove() throws Exception {
        PrivateOvsDpdk.deleteTree(dir);
    }

    @Test
    void sigtermEndsTheRunWithADrainedSummary() throws Exception {
        try (TrafficGuestProcess guest = TrafficGuestProcess.start("guest", dir.resolve("guest.log"),
                "--root", dir.resolve("sysfs").toString(), "--ports", "a,b", "--streams", "1,2",
                "--peer-streams", "2,1", "--rate", "50000", "--idle", "park", "--drain-ms", "200")) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!guest.output().contains("TRAFFIC_SECOND port=b second=1 ")) {
                assertTrue(System.nanoTime() < deadline, "no progress line within 30 s:\n" + guest.output());
                Thread.sleep(50);
            }
            guest.terminate();
            assertEquals(143, guest.await(20), "exit status of a JVM ended by SIGTERM:\n" + guest.output());
            Map<String, String> a = guest.summary("a");
            Map<String, String> b = guest.summary("b");
            assertEquals(a.get("sent"), b.get("received"), "a -> b: everything sent arrived before the summary");
            assertEquals(b.get("sent"), a.get("received"), "b -> a");
            // not a rate check (the machine is shared): it did run, in both directions
            assertTrue(Long.parseLong(a.get("sent")) > 1000 && Long.parseLong(b.get("sent")) > 1000, "traffic: " + a + b);
            assertEquals("true", a.get("clean"));
            assertEquals("true", b.get("clean"));
        }
    }
}

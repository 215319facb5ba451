package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovshighway.guest.DeviceSource;
import org.ovshighway.guest.GuestPort;
import org.ovshighway.guest.abi.PortConnection;
import org.ovshighway.guest.mapping.IvshmemScanner;
import org.ovshighway.guest.mapping.MappedRegion;
import org.ovshighway.ovs.testing.PrivateOvsDpdk;

/**
 * An agent process killed with SIGKILL, then a new agent with the same configuration against the
 * same private OVS-DPDK (needs root): the new one re-adopts the region files the guests still map,
 * the OVS interfaces and the publications, tells the guests UP with a newer generation, and
 * traffic flows again through the very same guest ports; closing it then leaves nothing behind.
 */
@Timeout(value = 170, unit = TimeUnit.SECONDS)
class RingPortAgentReadoptOvsDpdkTest {



    /** Waits for the connection word the guest reads (through its own mapping of the region). */
    private static long awaitUp(Path regionFile, long newerThan) throws Exception {
        try (MappedRegion guestView = MappedRegion.map(regionFile)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long word = 0;
            while (System.nanoTime() < deadline) {
                word = PortConnection.acquire(guestView.segment());
                if (PortConnection.isUp(word) && PortConnection.generation(word) > newerThan) {
                    return PortConnection.generation(word);
                }
                Thread.sleep(5);
            }
            throw new AssertionError("region " + regionFile + " not UP with a generation above " + newerThan + ": "
                    + PortConnection.describe(word));
        }
    }

    private static Process agentProcess(Path config, Path log) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), HighwayCommand.class.getName(), "agent",
                "--config", config.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static Object fileKey(Path file) throws Exception {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    @Test
    void aKilledAgentsPortsAreReadoptedAndCarryTrafficAgain() throws Exception {
        assumeTrue(PrivateOvsDpdk.isRoot(), "OVS-DPDK needs root");
        Path work = Files.createTempDirectory("hw-readopt-test");
        Path regions = Files.createDirectory(Path.of("/dev/shm", "hw-readopt-test-" + ProcessHandle.current().pid()
                + "-" + System.nanoTime()));
        Path rootA = Files.createDirectory(work.resolve("guest-a"));
        Path rootB = Files.createDirectory(work.resolve("guest-b"));
        Process first = null;
        try (PrivateOvsDpdk ovs = PrivateOvsDpdk.start("br0")) {
            Path config = Files.writeString(work.resolve("highway.conf"), String.join("\n",
                    "ovsdb=unix:" + ovs.run().resolve("db.sock"), "bridge=br0", "memif-socket-dir=" + ovs.run(),
                    "region-dir=" + regions,
                    "ring-port.pa.guest=guest-a", "ring-port.pa.publish-root=" + rootA, "ring-port.pa.ofport=11",
                    "ring-port.pb.guest=guest-b", "ring-port.pb.publish-root=" + rootB, "ring-port.pb.ofport=12", ""));
            first = agentProcess(config, work.resolve("agent-1.log"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (new IvshmemScanner(rootB).scan().isEmpty() && System.nanoTime() < deadline && first.isAlive()) {
                Thread.sleep(20);
            }
            assertEquals(1, new IvshmemScanner(rootB).scan().size(), "first agent published pb: "
                    + Files.readString(work.resolve("agent-1.log")));
            try (GuestPort a = GuestPort.open(DeviceSource.sysfs(rootA), "pa");
                 GuestPort b = GuestPort.open(DeviceSource.sysfs(rootB), "pb")) {
                long generationA = awaitUp(regions.resolve("highway-port-pa"), 0);
                long generationB = awaitUp(regions.resolve("highway-port-pb"), 0);
                ovs.ofctl("add-flow", "br0", "in_port=11,actions=output:12");
                assertNotNull(MarkedFrames.sendUntilReceived(a, b, MarkedFrames.frame(1)), "pa -> pb through the first agent's ports");
                Object fileA = fileKey(regions.resolve("highway-port-pa"));

                first.destroyForcibly();
                assertTrue(first.waitFor(10, TimeUnit.SECONDS));
                assertEquals(137, first.exitValue(), "killed by SIGKILL");
                assertEquals("[pa, pb]", ovs.vsctl("list-ports", "br0").lines().toList().toString(),
                        "the killed agent left its interfaces");

                long restart = System.nanoTime();
                RingPortAgent second = RingPortAgent.start(AgentConfig.load(config));
                try {
                    assertEquals(fileA, fileKey(regions.resolve("highway-port-pa")), "the same region file, adopted");
                    assertEquals(1, new IvshmemScanner(rootA).scan().size(), "the same publication, not a second one");
                    assertEquals("11", ovs.vsctl("get", "Interface", "pa", "ofport"));
                    assertTrue(awaitUp(regions.resolve("highway-port-pa"), generationA) > generationA);
                    assertTrue(awaitUp(regions.resolve("highway-port-pb"), generationB) > generationB);
                    System.out.printf("re-adopted ring ports UP %.1f ms after the new agent started%n",
                            (System.nanoTime() - restart) / 1e6);
                    assertNotNull(MarkedFrames.sendUntilReceived(a, b, MarkedFrames.frame(2)), "pa -> pb through the re-adopted ports, same GuestPorts");
                    assertTrue(a.stats().reconnects() >= 1, a.stats().toString());
                } finally {
                    second.close();
                }
            }
            assertEquals("", ovs.vsctl("list-ports", "br0"), "no port left in OVSDB");
            try (var left = Files.list(regions)) {
                assertEquals(List.of(), left.toList(), "no region file left");
            }
            try (var left = Files.list(rootA)) {
                assertEquals(List.of(), left.toList(), "no published tree left");
            }
            assertFalse(Files.exists(ovs.run().resolve("memif-pa.sock")));
        } finally {
            if (first != null && first.isAlive()) {
                first.destroyForcibly();
            }
            PrivateOvsDpdk.deleteTree(regions);
            PrivateOvsDpdk.deleteTree(work);
        }
    }
}

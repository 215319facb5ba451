package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovshighway.guest.DeviceSource;
import org.ovshighway.guest.GuestPort;
import org.ovshighway.ovs.testing.PrivateOvsDpdk;

/**
 * ovsdb-server restarts under a running agent (as when OVS is restarted or upgraded as a whole):
 * the agent's OVSDB connection closes; the ring ports keep carrying traffic (they do not depend on
 * it), and the agent's stop still removes its OVS ports through a new connection.
 */
@Timeout(value = 170, unit = TimeUnit.SECONDS)
class RingPortAgentOvsdbRestartOvsDpdkTest {

    @Test
    void anOvsdbServerRestartLeavesTrafficAloneAndTheStopStillRemovesThePorts() throws Exception {
        assumeTrue(PrivateOvsDpdk.isRoot(), "OVS-DPDK needs root");
        Path work = Files.createTempDirectory("hw-agent-ovsdb-test");
        Path regions = Files.createDirectory(Path.of("/dev/shm", "hw-agent-ovsdb-test-" + ProcessHandle.current().pid()
                + "-" + System.nanoTime()));
        Path rootA = Files.createDirectory(work.resolve("guest-a"));
        Path rootB = Files.createDirectory(work.resolve("guest-b"));
        try (PrivateOvsDpdk ovs = PrivateOvsDpdk.start("br0")) {
            Path file = Files.writeString(work.resolve("highway.conf"), String.join("\n",
                    "ovsdb=unix:" + ovs.run().resolve("db.sock"), "bridge=br0", "memif-socket-dir=" + ovs.run(),
                    "region-dir=" + regions,
                    "ring-port.pa.guest=guest-a", "ring-port.pa.publish-root=" + rootA, "ring-port.pa.ofport=11",
                    "ring-port.pb.guest=guest-b", "ring-port.pb.publish-root=" + rootB, "ring-port.pb.ofport=12", ""));
            RingPortAgent agent = RingPortAgent.start(AgentConfig.load(file));
            try (GuestPort a = GuestPort.open(DeviceSource.sysfs(rootA), "pa");
                 GuestPort b = GuestPort.open(DeviceSource.sysfs(rootB), "pb")) {
                ovs.ofctl("add-flow", "br0", "in_port=11,actions=output:12");
                byte[] first = MarkedFrames.frame(1);
                assertArrayEquals(first, MarkedFrames.sendUntilReceived(a, b, first), "frame pa -> pb before");

                ovs.restartOvsdbServer();
                byte[] second = MarkedFrames.frame(2);
                assertArrayEquals(second, MarkedFrames.sendUntilReceived(a, b, second), "frame pa -> pb after");
            } finally {
                agent.close();
            }
            assertEquals("", ovs.vsctl("list-ports", "br0"), "the stop removed the ports through a new connection");
            assertEquals(List.of(regions), tree(regions), "no region file left");
            assertEquals(List.of(rootA), tree(rootA), "no published tree left");
            assertFalse(Files.exists(ovs.run().resolve("memif-pa.sock")));
        } finally {
            deleteTree(regions);
            deleteTree(work);
        }
    }

    private static List<Path> tree(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.sorted().toList();
        }
    }

    private static void deleteTree(Path root) throws Exception {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

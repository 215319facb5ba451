package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovshighway.guest.DeviceSource;
import org.ovshighway.guest.GuestPort;
import org.ovshighway.ovs.testing.PrivateOvsDpdk;

/**
 * OVS's daemons going away under a running agent with two ring ports, on a real private OVS-DPDK:
 * ovsdb-server restarting (as when OVS is restarted or upgraded as a whole) closes the agent's
 * OVSDB connection, and ovs-vswitchd dying leaves nobody to apply the ports' deletion. Either way
 * the ring ports carry on as far as they can and the agent's stop removes what it made.
 */
@Timeout(value = 170, unit = TimeUnit.SECONDS)
class RingPortAgentOvsDaemonLossOvsDpdkTest {

    /** A private OVS-DPDK with bridge br0 and the agent's directories. */
    private record Rig(PrivateOvsDpdk ovs, Path work, Path regions, Path rootA, Path rootB) implements AutoCloseable {
        static Rig start() throws Exception {
            Path work = Files.createTempDirectory("hw-agent-daemons-test");
            Path regions = Files.createDirectory(Path.of("/dev/shm", "hw-agent-daemons-test-"
                    + ProcessHandle.current().pid() + "-" + System.nanoTime()));
            try {
                return new Rig(PrivateOvsDpdk.start("br0"), work, regions, Files.createDirectory(work.resolve("guest-a")),
                        Files.createDirectory(work.resolve("guest-b")));
            } catch (Exception e) {
                PrivateOvsDpdk.deleteTree(regions);
                PrivateOvsDpdk.deleteTree(work);
                throw e;
            }
        }

        /** An agent with ring ports pa (ofport 11, guest-a) and pb (12, guest-b). */
        RingPortAgent startAgent() throws Exception {
            Path file = Files.writeString(work.resolve("highway.conf"), String.join("\n",
                    "ovsdb=unix:" + ovs.run().resolve("db.sock"), "bridge=br0", "memif-socket-dir=" + ovs.run(),
                    "region-dir=" + regions,
                    "ring-port.pa.guest=guest-a", "ring-port.pa.publish-root=" + rootA, "ring-port.pa.ofport=11",
                    "ring-port.pb.guest=guest-b", "ring-port.pb.publish-root=" + rootB, "ring-port.pb.ofport=12", ""));
            return RingPortAgent.start(AgentConfig.load(file));
        }

        /** Nothing the agent made is left: OVS ports, region files, publications, memif sockets. */
        void assertNothingLeft() throws Exception {
            assertEquals("", ovs.vsctl("list-ports", "br0"), "no port left in OVSDB");
            assertEquals(List.of(regions), tree(regions), "no region file left");
            assertEquals(List.of(rootA), tree(rootA), "no published tree left");
            assertEquals(List.of(rootB), tree(rootB), "no published tree left");
            assertFalse(Files.exists(ovs.run().resolve("memif-pa.sock")), "memif socket of pa");
        }

        @Override
        public void close() throws Exception {
            try {
                ovs.close();
            } finally {
                PrivateOvsDpdk.deleteTree(regions);
                PrivateOvsDpdk.deleteTree(work);
            }
        }
    }

    @Test
    void anOvsdbServerRestartLeavesTrafficAloneAndTheStopStillRemovesThePorts() throws Exception {
        assumeTrue(PrivateOvsDpdk.isRoot(), "OVS-DPDK needs root");
        try (Rig rig = Rig.start()) {
            RingPortAgent agent = rig.startAgent();
            try (GuestPort a = GuestPort.open(DeviceSource.sysfs(rig.rootA()), "pa");
                 GuestPort b = GuestPort.open(DeviceSource.sysfs(rig.rootB()), "pb")) {
                rig.ovs().ofctl("add-flow", "br0", "in_port=11,actions=output:12");
                byte[] first = MarkedFrames.frame(1);
                assertArrayEquals(first, MarkedFrames.sendUntilReceived(a, b, first), "frame pa -> pb before");

                rig.ovs().restartOvsdbServer();
                byte[] second = MarkedFrames.frame(2);
                assertArrayEquals(second, MarkedFrames.sendUntilReceived(a, b, second), "frame pa -> pb after");
            } finally {
                agent.close();
            }
            // before OvsdbConnection: both ports stayed, "ovsdb session not connected"
            rig.assertNothingLeft();
        }
    }

    @Test
    void aStopAfterVswitchdDiedWaitsForItOnceForAllPortsAndRemovesEverything() throws Exception {
        assumeTrue(PrivateOvsDpdk.isRoot(), "OVS-DPDK needs root");
        try (Rig rig = Rig.start()) {
            RingPortAgent agent = rig.startAgent();
            long stopped;
            try {
                rig.ovs().killVswitchd();
            } finally {
                long start = System.nanoTime();
                agent.close();
                stopped = System.nanoTime() - start;
            }
            // each port used to wait out the OVSDB timeout (30 s) for a vswitchd that is gone
            long oneWait = RingPortAgent.VSWITCHD_APPLY_WAIT.toNanos();
            assertTrue(stopped < oneWait + TimeUnit.SECONDS.toNanos(10), "stop took " + stopped / 1_000_000
                    + " ms; the ports share one wait of " + oneWait / 1_000_000 + " ms");
            rig.assertNothingLeft();
        }
    }

    private static List<Path> tree(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.sorted().toList();
        }
    }
}

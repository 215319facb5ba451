package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.ovshighway.ovs.testing.PrivateOvsDpdk;
import org.junit.jupiter.api.Timeout;
import org.ovshighway.guest.DeviceSource;
import org.ovshighway.guest.GuestPort;
import org.ovshighway.guest.abi.PortConnection;
import org.ovshighway.guest.mapping.IvshmemDevice;
import org.ovshighway.guest.mapping.IvshmemScanner;

/**
 * The agent against a real private OVS-DPDK (needs root): two ring ports provisioned from a
 * configuration file, GuestPorts opened from the published trees exchange a frame through a flow,
 * a vswitchd restart makes the connection words go DOWN and UP with a new generation and traffic
 * flows again, and close leaves nothing behind.
 */
@Timeout(value = 170, unit = TimeUnit.SECONDS)
class RingPortAgentOvsDpdkTest {
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

    @Test
    void ringPortsCarryTrafficSurviveAVswitchdRestartAndLeaveNothingBehind() throws Exception {
        assumeTrue(PrivateOvsDpdk.isRoot(), "OVS-DPDK needs root");
        Path work = Files.createTempDirectory("hw-agent-test");
        Path regions = Files.createDirectory(Path.of("/dev/shm", "hw-agent-test-" + ProcessHandle.current().pid()
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
            GuestPort a = null;
            GuestPort b = null;
            try {
                assertEquals("11", ovs.vsctl("get", "Interface", "pa", "ofport"));
                assertEquals("{highway-guest=guest-b, highway-ring-port=\"true\"}",
                        ovs.vsctl("get", "Interface", "pb", "external_ids"));
                List<IvshmemDevice> devices = new IvshmemScanner(rootA).scan();
                assertEquals(1, devices.size());
                a = GuestPort.open(DeviceSource.sysfs(rootA), "pa");
                b = GuestPort.open(DeviceSource.sysfs(rootB), "pb");
                assertEquals("guest-a", a.identity().name1());
                // the guest is told UP as soon as the memif server answered CONNECTED
                long upDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!PortConnection.isUp(agent.port("pa").orElseThrow().connectionWord())
                        && System.nanoTime() < upDeadline) {
                    Thread.sleep(1);
                }
                long before = agent.port("pa").orElseThrow().connectionWord();
                assertTrue(PortConnection.isUp(before), "pa UP: " + PortConnection.describe(before));

                ovs.ofctl("add-flow", "br0", "in_port=11,actions=output:12");
                byte[] first = MarkedFrames.frame(1);
                assertArrayEquals(first, MarkedFrames.sendUntilReceived(a, b, first), "frame pa -> pb through OVS-DPDK");

                ovs.restartVswitchd();
                long back = System.nanoTime();
                ManagedRingPort pa = agent.port("pa").orElseThrow();
                ManagedRingPort pb = agent.port("pb").orElseThrow();
                long deadline = back + TimeUnit.SECONDS.toNanos(30);
                // the agent writes a word into the region before it records it in publishedWords: wait for both
                while (!(isUpAfter(pa, before) && isUpAfter(pb, before)
                        && pa.publishedWords().contains(pa.connectionWord())) && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                double upMs = (System.nanoTime() - back) / 1e6;
                assertTrue(isUpAfter(pa, before) && isUpAfter(pb, before), "both ports UP with a new generation");
                System.out.printf("ring ports UP again %.1f ms after the vswitchd restart script returned;"
                        + " outages (lost -> CONNECTED): pa %.1f ms, pb %.1f ms%n", upMs,
                        pa.lastOutageNanos() / 1e6, pb.lastOutageNanos() / 1e6);
                List<Long> words = pa.publishedWords();
                int down = words.indexOf(PortConnection.word(PortConnection.generation(before), false));
                assertTrue(down > 0, "DOWN of the old generation written: " + words.stream()
                        .map(PortConnection::describe).toList());
                assertTrue(words.subList(down, words.size()).contains(pa.connectionWord()), "then UP of a newer one");

                // flows do not survive a vswitchd restart; OVSDB (ports, ofport_request) does
                ovs.ofctl("add-flow", "br0", "in_port=11,actions=output:12");
                byte[] second = MarkedFrames.frame(2);
                assertArrayEquals(second, MarkedFrames.sendUntilReceived(a, b, second), "frame pa -> pb after the restart");
                // UP means served: frames sent once each, right after, all arrive in order
                List<Integer> markers = IntStream.range(10, 110).boxed().toList();
                assertEquals(markers, MarkedFrames.sendEachOnce(a, b, 10, markers.size(), 10_000),
                        "frames pa -> pb sent once each after the restart");
                System.out.println("after the restart: link_state pa=" + ovs.vsctl("get", "Interface", "pa", "link_state")
                        + " pb=" + ovs.vsctl("get", "Interface", "pb", "link_state"));
                // the restart's reconnect, and no other: the agent does not redo a connection OVS serves
                assertEquals(1, a.stats().reconnects(), a.stats().toString());
                assertEquals(1, b.stats().reconnects(), b.stats().toString());

                // OVS reconfiguring a port (a new MTU: the device is stopped and started again) closes its
                // memif connection; the agent connects again and the port is served at once
                long beforeMtu = pa.connectionWord();
                ovs.vsctl("set", "Interface", "pa", "mtu_request=1600");
                long mtuDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!(isUpAfter(pa, beforeMtu) && pa.publishedWords().contains(pa.connectionWord()))
                        && System.nanoTime() < mtuDeadline) {
                    Thread.sleep(1);
                }
                assertTrue(isUpAfter(pa, beforeMtu), "pa UP with a new generation after the MTU change: "
                        + PortConnection.describe(pa.connectionWord()));
                List<Integer> afterMtu = IntStream.range(120, 220).boxed().toList();
                assertEquals(afterMtu, MarkedFrames.sendEachOnce(a, b, 120, afterMtu.size(), 10_000),
                        "frames pa -> pb sent once each after the MTU change");
            } finally {
                if (a != null) {
                    a.close();
                }
                if (b != null) {
                    b.close();
                }
                agent.close();
            }
            assertEquals("", ovs.vsctl("list-ports", "br0"), "no port left in OVSDB");
            assertEquals(List.of(), tree(regions).subList(1, tree(regions).size()), "no region file left");
            assertEquals(List.of(rootA), tree(rootA), "no published tree left");
            assertEquals(List.of(rootB), tree(rootB));
            assertFalse(Files.exists(ovs.run().resolve("memif-pa.sock")));
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().equals(RingPortAgent.SUPERVISOR_THREAD) && t.isAlive()),
                    "supervisor thread ended");
        } finally {
            deleteTree(regions);
            deleteTree(work);
        }
    }

    private static boolean isUpAfter(ManagedRingPort port, long before) {
        long word = port.connectionWord();
        return PortConnection.isUp(word) && PortConnection.generation(word) > PortConnection.generation(before);
    }
}

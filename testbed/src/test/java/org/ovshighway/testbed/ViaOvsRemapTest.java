package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovshighway.hotplug.LocalRegionAttacher;
import org.ovshighway.ovs.testing.PrivateOvsDpdk;
import org.ovshighway.remapper.LinkOutcome;
import org.ovshighway.remapper.LinkState;
import org.ovshighway.remapper.LinkStatus;
import org.ovshighway.remapper.LinkSupervisor;
import org.ovshighway.remapper.PortEnd;
import org.ovshighway.remapper.RegionFiles;
import org.ovshighway.remapper.RemapDeadlines;

/**
 * The remap protocol through a real, private OVS-DPDK: two traffic guests (JVMs of their own) on
 * ring ports that {@code highway agent} provisions exchange sequence-numbered frames both ways
 * (flows in_port=1 -> output:2 and in_port=2 -> output:1), while a {@link LinkSupervisor} in this
 * JVM establishes a link between them and reverts it, {@value #DEFAULT_CYCLES} times (one-way and
 * two-way alternately; {@code -Dhighway.remap.cycles=N} for a soak run, see testbed/soak-remap).
 *
 * <p>Asserted: every cycle reaches ACTIVE and is REVERTED (no rollback, nothing forced); while a
 * direction is bypassed the OVS rx counter of its sending port does not follow the traffic (at most
 * a few FENCE copies); after the run each receiver's checked stream has nothing reordered,
 * duplicated or foreign, and nothing lost beyond what OVS counts as dropped toward it (tx_drop: a
 * receiving guest that was not scheduled for 100 ms); and OVS's rx counter of each port plus the link traffic the supervisor
 * reports equals the frames the guest sent plus the FENCE frames it put on its old ring, exactly.
 * Needs root (hugepages or --no-huge DPDK, daemons). No class-wide timeout (a soak run is long);
 * every wait of the cycle test is bounded on its own.
 */
class ViaOvsRemapTest {
    static final int DEFAULT_CYCLES = 30;
    private static final String BRIDGE = "hwr" + ProcessHandle.current().pid() % 1_000_000;
    /**
     * Frames/s per direction: the 1,024 receive buffers of a ring port then cover 100 ms of a guest
     * not being scheduled (this machine is shared; a soak under load saw 50 ms gaps).
     */
    private static final int RATE = 10_000;
    private static final List<String> NICE = List.of("nice", "-n", "-10");
    private static final String PORT_A = "vm1-" + ProcessHandle.current().pid() + "-r0";
    private static final String PORT_B = "vm2-" + ProcessHandle.current().pid() + "-r0";

    /** What a test does once OVS-DPDK, the agent, two ring ports and the flows are up. */
    private interface Scenario {
        void run(PrivateOvsDpdk ovs, Path rootA, Path rootB, PortEnd endA, PortEnd endB, Path linkDir) throws Exception;
    }

    @Test
    void establishAndRevertCyclesThroughOvsDpdkLoseNothingAndKeepCountersExact() throws Exception {
        int cycles = Integer.getInteger("highway.remap.cycles", DEFAULT_CYCLES);
        withTwoRingPorts((ovs, rootA, rootB, endA, endB, linkDir) -> run(ovs, cycles, rootA, rootB, endA, endB, linkDir));
    }

    private static void withTwoRingPorts(Scenario scenario) throws Exception {
        assumeTrue(PrivateOvsDpdk.isRoot(), "OVS-DPDK needs root");
        try (PrivateOvsDpdk ovs = PrivateOvsDpdk.start(BRIDGE)) {
            Path rootA = Files.createDirectory(ovs.run().resolve("vm1-sysfs"));
            Path rootB = Files.createDirectory(ovs.run().resolve("vm2-sysfs"));
            Path config = ovs.run().resolve("highway.properties");
            Files.writeString(config, String.join("\n",
                    "ovsdb=unix:" + ovs.run().resolve("db.sock"),
                    "bridge=" + BRIDGE,
                    "memif-socket-dir=" + ovs.run(),
                    "ring-port." + PORT_A + ".guest=vm1",
                    "ring-port." + PORT_A + ".publish-root=" + rootA,
                    "ring-port." + PORT_A + ".ofport=1",
                    "ring-port." + PORT_B + ".guest=vm2",
                    "ring-port." + PORT_B + ".publish-root=" + rootB,
                    "ring-port." + PORT_B + ".ofport=2",
                    // this test drives the traffic path itself: the agent must not bypass on its own
                    "bypass=false", ""));
            Path linkDir = Files.createDirectory(ovs.run().resolve("links"));
            try (HighwayAgentProcess agent = HighwayAgentProcess.start(config, ovs.run().resolve("agent.log"))) {
                Path regionA = publishedRegions(rootA).getFirst();
                Path regionB = publishedRegions(rootB).getFirst();
                ovs.ofctl("del-flows", BRIDGE);
                ovs.ofctl("add-flow", BRIDGE, "in_port=1,actions=output:2");
                ovs.ofctl("add-flow", BRIDGE, "in_port=2,actions=output:1");
                try (PortEnd endA = PortEnd.map(regionA);
                     PortEnd endB = PortEnd.map(regionB)) {
                    scenario.run(ovs, rootA, rootB, endA, endB, linkDir);
                }
                assertEquals(143, agent.stop(), "agent exit status after SIGTERM; output:\n" + agent.output());
            }
        }
    }

    private static void run(PrivateOvsDpdk ovs, int cycles, Path rootA, Path rootB, PortEnd endA, PortEnd endB,
                            Path linkDir) throws Exception {
        String[] common = {"--rate", Integer.toString(RATE), "--seconds", "0", "--warmup-ms", "2000",
                "--drain-ms", "2000", "--idle", "park", "--cpu", "0"};
        LocalRegionAttacher attacher = new LocalRegionAttacher().guest(endA.guest(), rootA).guest(endB.guest(), rootB);
        RemapDeadlines deadlines = new RemapDeadlines(Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofSeconds(30), Duration.ofSeconds(5));
        int twoWayCycles = 0;
        try (TrafficGuestProcess a = TrafficGuestProcess.start("guest A", ovs.run().resolve("guest-a.log"), NICE,
                TrafficGuestProcess.arguments(common, "--root", rootA.toString(), "--ports", PORT_A, "--streams", "1", "--peer-streams", "2"));
             TrafficGuestProcess b = TrafficGuestProcess.start("guest B", ovs.run().resolve("guest-b.log"), NICE,
                TrafficGuestProcess.arguments(common, "--root", rootB.toString(), "--ports", PORT_B, "--streams", "2", "--peer-streams", "1"));
             LinkSupervisor supervisor = new LinkSupervisor(RegionFiles.in(linkDir), attacher, deadlines,
                     System::nanoTime, s -> { })) {
            a.awaitOutput("second=4 ");
            b.awaitOutput("second=4 ");
            supervisor.startTicking(200_000);
            for (int cycle = 0; cycle < cycles; cycle++) {
                boolean twoWay = cycle % 2 == 1;
                twoWayCycles += twoWay ? 1 : 0;
                LinkStatus up = supervisor.establish(endA, endB, twoWay).get(120, TimeUnit.SECONDS);
                assertEquals(LinkState.ACTIVE, up.state(), "cycle=" + cycle + " " + up);
                long rxA = ovs.portCounters(PORT_A).get("rx_pkts");
                long rxB = ovs.portCounters(PORT_B).get("rx_pkts");
                Thread.sleep(300);   // ~6,000 frames per direction at the guests' rate
                long movedA = ovs.portCounters(PORT_A).get("rx_pkts") - rxA;
                long movedB = ovs.portCounters(PORT_B).get("rx_pkts") - rxB;
                assertTrue(movedA <= 8, "cycle=" + cycle + ": OVS still receives " + PORT_A + "'s frames: moved=" + movedA);
                if (twoWay) {
                    assertTrue(movedB <= 8, "cycle=" + cycle + ": OVS still receives " + PORT_B + "'s frames: moved=" + movedB);
                } else {
                    // liveness, not timing: a guest starved of the CPU may send nothing for a while
                    for (int wait = 0; movedB <= 8 && wait < 100; wait++) {
                        Thread.sleep(50);
                        movedB = ovs.portCounters(PORT_B).get("rx_pkts") - rxB;
                    }
                    assertTrue(movedB > 8, "cycle=" + cycle + ": one-way link: " + PORT_B + "'s frames still go through"
                            + " OVS: moved=" + movedB + " in 5.3 s");
                }
                LinkStatus down = supervisor.revert(up.linkId()).get(120, TimeUnit.SECONDS);
                assertEquals(LinkOutcome.REVERTED, down.outcome(), "cycle=" + cycle + " " + down);
                Thread.sleep(100);
            }
            a.terminate();
            b.terminate();
            int statusA = a.await(60);
            int statusB = b.await(60);
            Map<String, String> sa = a.summary(PORT_A);
            Map<String, String> sb = b.summary(PORT_B);
            System.out.println("guest A:\n" + sa + "\nguest B:\n" + sb);
            assertEquals(cycles, supervisor.reverts(), "reverted links");
            assertEquals(0, supervisor.forcedReverts() + supervisor.rollbacks(), "forced or rolled back links");
            checkDirection(ovs, supervisor, PORT_A, sa, PORT_B, sb, cycles);
            checkDirection(ovs, supervisor, PORT_B, sb, PORT_A, sa, twoWayCycles);
            // a JVM ended by SIGTERM exits 128+15 after its summary (its streams were checked above)
            assertEquals(143, statusA, "guest A exit status; output:\n" + a.output());
            assertEquals(143, statusB, "guest B exit status; output:\n" + b.output());
        }
    }

    /**
     * Issue #6 (e): a guest that stops polling (SIGSTOP, as a hung VM) gets its link rolled back
     * (before usable) or the revert forced (after), within the deadlines; the other guest keeps
     * running, its traffic goes back through OVS, and its check of the stopped guest's stream stays
     * clean. After SIGCONT the stopped guest leaves the link by itself and a new link works.
     */
    @Test
    void aGuestThatStopsPollingIsRolledBackOrForcedAndThePeerIsUnaffected() throws Exception {
        withTwoRingPorts(ViaOvsRemapTest::stoppedGuest);
    }

    private static void stoppedGuest(PrivateOvsDpdk ovs, Path rootA, Path rootB, PortEnd endA, PortEnd endB,
                                     Path linkDir) throws Exception {
        String[] common = {"--rate", Integer.toString(RATE), "--seconds", "0", "--warmup-ms", "2000",
                "--drain-ms", "2000", "--idle", "park", "--cpu", "0"};
        LocalRegionAttacher attacher = new LocalRegionAttacher().guest(endA.guest(), rootA).guest(endB.guest(), rootB);
        RemapDeadlines deadlines = new RemapDeadlines(Duration.ofSeconds(3), Duration.ofSeconds(3),
                Duration.ofSeconds(3), Duration.ofSeconds(1));
        try (TrafficGuestProcess a = TrafficGuestProcess.start("guest A", ovs.run().resolve("guest-a.log"), NICE,
                TrafficGuestProcess.arguments(common, "--root", rootA.toString(), "--ports", PORT_A, "--streams", "1", "--peer-streams", "2"));
             TrafficGuestProcess b = TrafficGuestProcess.start("guest B", ovs.run().resolve("guest-b.log"), NICE,
                TrafficGuestProcess.arguments(common, "--root", rootB.toString(), "--ports", PORT_B, "--streams", "2", "--peer-streams", "1"));
             LinkSupervisor supervisor = new LinkSupervisor(RegionFiles.in(linkDir), attacher, deadlines,
                     System::nanoTime, s -> { })) {
            a.awaitOutput("second=4 ");
            b.awaitOutput("second=4 ");
            supervisor.startTicking(200_000);

            // B stops before the link exists: it never maps, the link is rolled back at the map deadline
            b.signal("STOP");
            LinkStatus rolledBack = supervisor.establish(endA, endB, true).get(60, TimeUnit.SECONDS);
            assertEquals(LinkOutcome.ROLLED_BACK, rolledBack.outcome(), rolledBack.toString());
            assertTrafficFromAThroughOvs(ovs, "after the rollback");
            b.signal("CONT");
            Thread.sleep(500);

            // B stops while the two-way link is ACTIVE: the revert cannot complete, the agent forces it
            LinkStatus up = supervisor.establish(endA, endB, true).get(60, TimeUnit.SECONDS);
            assertEquals(LinkState.ACTIVE, up.state(), up.toString());
            b.signal("STOP");
            LinkStatus forced = supervisor.revert(up.linkId()).get(60, TimeUnit.SECONDS);
            assertEquals(LinkOutcome.FORCED, forced.outcome(), forced.toString());
            assertTrafficFromAThroughOvs(ovs, "after the forced revert");
            b.signal("CONT");
            Thread.sleep(500);

            // both responsive again: a new link comes and goes by the protocol
            LinkStatus again = supervisor.establish(endA, endB, true).get(60, TimeUnit.SECONDS);
            assertEquals(LinkState.ACTIVE, again.state(), again.toString());
            assertEquals(LinkOutcome.REVERTED, supervisor.revert(again.linkId()).get(60, TimeUnit.SECONDS).outcome());

            a.terminate();
            b.terminate();
            a.await(60);
            b.await(60);
            Map<String, String> sa = a.summary(PORT_A);
            Map<String, String> sb = b.summary(PORT_B);
            System.out.println("guest A:\n" + sa + "\nguest B:\n" + sb);
            // A's view of B's stream: B's frames waited in B's rings while it was stopped, and the burst
            // B was in when it stopped reaches A over the link after it resumes (A waits for B's
            // senderLeft). Only OVS drops toward A (tx_drop: A not scheduled for 100 ms) may be lost
            long lost = Long.parseLong(sa.get("lost"));
            long dropsTowardA = ovs.portCounters(PORT_A).getOrDefault("tx_drop", 0L);
            assertTrue(lost <= dropsTowardA, "B->A lost=" + lost + " beyond OVS's tx_drop=" + dropsTowardA + " toward A");
            assertEquals("0", sa.get("remap_forced_dropped"), "A dropped nothing from the forced link");
            assertEquals("0", sa.get("reordered"), "B->A reordered");
            assertEquals("0", sa.get("duplicated"), "B->A duplicated");
            assertEquals("0", sa.get("foreign"), "B->A foreign");
            assertEquals("1", sa.get("remap_forced"), "A counted the forced revert once");
            assertEquals("3", sa.get("remap_links"), "A mapped and left three links");
            assertEquals("2", sb.get("remap_links"), "B left the two links it mapped (it never saw the first)");
            assertEquals("1", sb.get("remap_forced"), "B counted the forced revert once");
            assertEquals(1, supervisor.rollbacks());
            assertEquals(1, supervisor.forcedReverts());
            assertEquals(1, supervisor.reverts());
        }
    }

    /** OVS receives A's frames again (A left the link or never moved onto it). */
    private static void assertTrafficFromAThroughOvs(PrivateOvsDpdk ovs, String when) throws Exception {
        long before = ovs.portCounters(PORT_A).get("rx_pkts");
        Thread.sleep(300);
        long moved = ovs.portCounters(PORT_A).get("rx_pkts") - before;
        assertTrue(moved > 100, when + ": OVS receives A's frames again: moved=" + moved);
    }

    private static void checkDirection(PrivateOvsDpdk ovs, LinkSupervisor supervisor, String from,
                                       Map<String, String> sender, String to, Map<String, String> receiver,
                                       int cyclesAsSender) throws Exception {
        String direction = from + "->" + to;
        long sent = Long.parseLong(sender.get("sent"));
        long checked = Long.parseLong(receiver.get("checked"));
        long first = Long.parseLong(receiver.get("first_checked"));
        long ovsRx = ovs.portCounters(from).get("rx_pkts");
        long bypassed = supervisor.direction(from, to).packets();
        long fences = Long.parseLong(sender.get("remap_fences_sent"));
        System.out.printf("%s: sent=%d ovs_rx=%d bypassed=%d fences_sent=%d checked=%d first=%d ovs(%s)=%s%n",
                direction, sent, ovsRx, bypassed, fences, checked, first, to, ovs.portCounters(to));
        // OVS drops a frame (tx_drop of the receiving port) when the receiver's guest was not scheduled
        // long enough for its receive buffers to run out; that is the only loss allowed here
        long lost = Long.parseLong(receiver.get("lost"));
        long ovsTxDrop = ovs.portCounters(to).getOrDefault("tx_drop", 0L);
        assertTrue(lost <= ovsTxDrop, direction + ": lost=" + lost + " beyond what OVS reports dropped toward "
                + to + " (tx_drop=" + ovsTxDrop + ")");
        assertEquals("0", receiver.get("reordered"), direction + " reordered");
        assertEquals("0", receiver.get("duplicated"), direction + " duplicated");
        assertEquals("0", receiver.get("foreign"), direction + " foreign frames (a FENCE delivered?)");
        assertEquals(sent - first, checked + lost, direction + ": frames sent from the receiver's first checked one on");
        assertEquals("0", sender.get("remap_forced"), from + ": forced reverts seen by the guest");
        assertTrue(bypassed > 0, direction + ": traffic went over links");
        // one FENCE_OUT per revert went on the link (the supervisor's counters leave it out); every
        // other fence copy went through OVS, which counted it as received from the port
        assertEquals(sent + (fences - cyclesAsSender), ovsRx + bypassed,
                direction + ": OVS rx + link traffic == frames sent + FENCE_IN copies through OVS");
        // the guests' own port counters include their link traffic the same way
        assertEquals(sent + (fences - cyclesAsSender), Long.parseLong(sender.get("port_tx_packets")),
                from + ": guest's port tx counter == frames sent + FENCE_IN copies");
        long received = Long.parseLong(receiver.get("received"));
        long consumed = Long.parseLong(receiver.get("remap_fences_consumed"));
        long stale = Long.parseLong(receiver.get("remap_stale_fences"));
        assertEquals(received + (consumed - cyclesAsSender) + stale, Long.parseLong(receiver.get("port_rx_packets")),
                to + ": guest's port rx counter == frames received + FENCE_IN frames consumed from its old ring");
    }

    private static List<Path> publishedRegions(Path root) throws Exception {
        Path devices = root.resolve("bus/pci/devices");
        try (Stream<Path> entries = Files.list(devices)) {
            List<Path> out = new ArrayList<>();
            for (Path device : entries.toList()) {
                Path link = device.resolve("resource2");
                if (Files.isSymbolicLink(link)) {
                    out.add(Files.readSymbolicLink(link));
                }
            }
            return out;
        }
    }
}

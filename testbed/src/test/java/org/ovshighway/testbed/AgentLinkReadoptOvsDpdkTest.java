package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.ovshighway.testbed.AgentLinks.awaitLinks;
import static org.ovshighway.testbed.AgentLinks.line;
import static org.ovshighway.testbed.AgentLinks.linkId;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovshighway.ovs.testing.PrivateOvsDpdk;

/**
 * Issue #6 (d) on a real private OVS-DPDK with two process guests: {@code highway agent} moves
 * both directions onto a two-way link, then is killed with SIGKILL (it cleans up nothing). The
 * link keeps carrying the traffic while no agent runs (OVS's receive counters stand still, the
 * guests keep receiving). A new agent started on the same configuration re-adopts the ring ports
 * and the link (same link id, ACTIVE, the guests never see a request), and still drives it: a rule
 * that breaks A -> B makes it revert. Streams: nothing lost beyond OVS's drops toward the
 * receiver, nothing reordered or duplicated, no forced revert. Nothing is left at the end. Root.
 *
 * <p>With {@code link-standby=true} the same for a standby link: the link a revert left standing by
 * outlives the killed agent, the next one re-adopts it as the pair's standby link and activates it
 * (same link id) when the rules make the pair point-to-point again.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class AgentLinkReadoptOvsDpdkTest {
    private static final String BRIDGE = "hwk" + ProcessHandle.current().pid() % 1_000_000;
    private static final String PORT_A = "ka-" + ProcessHandle.current().pid();
    private static final String PORT_B = "kb-" + ProcessHandle.current().pid();
    private static final List<String> NICE = List.of("nice", "-n", "-10");
    private static final Pattern RECEIVED = Pattern.compile("received=(\\d+)");
    /** Frames the guests exchange in 3.5 s at {@code --rate 20000}: more than the 2 s warm-up. */
    private static final long WARMED_UP = 70_000;
    private static final Pattern STANDBY = Pattern.compile("standby=link\\((\\d+)\\)");

    private static long rx(PrivateOvsDpdk ovs, String port) throws Exception {
        return ovs.portCounters(port).get("rx_pkts");
    }

    /** The {@code received=} of the guest's last TRAFFIC_SECOND line. */
    /**
     * Waits up to 30 s for the guest's once-a-second report to show {@code more} frames beyond {@code since}
     * (a loaded machine may delay a report past any fixed sleep).
     */
    private static void awaitReceivedBeyond(TrafficGuestProcess guest, long since, long more, String what)
            throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (lastReceived(guest) - since <= more) {
            if (System.nanoTime() - until > 0) {
                throw new AssertionError(what + ": fewer than " + more + " frames received beyond " + since
                        + " within 30 s:\n" + guest.output());
            }
            Thread.sleep(100);
        }
    }

    /**
     * Waits until both guests check each other's stream: a guest's warm-up ends 2 s after its first
     * frame, and {@link #WARMED_UP} frames at the guests' paced rate take longer than that, so the
     * agent's restart falls inside the checked part of both streams.
     */
    private static void awaitCheckingBothWays(TrafficGuestProcess a, TrafficGuestProcess b) throws Exception {
        awaitReceivedBeyond(a, 0, WARMED_UP, "A's warm-up");
        awaitReceivedBeyond(b, 0, WARMED_UP, "B's warm-up");
    }

    private static long lastReceived(TrafficGuestProcess guest) throws Exception {
        Matcher m = RECEIVED.matcher(guest.output());
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    @Test
    void aLinkOutlivesAKilledAgentAndTheNextAgentReadoptsAndRevertsIt() throws Exception {
        assumeTrue(PrivateOvsDpdk.isRoot(), "OVS-DPDK needs root");
        try (PrivateOvsDpdk ovs = PrivateOvsDpdk.start(BRIDGE)) {
            Path config = writeConfig(ovs, "");
            Path control = ovs.run().resolve("highway.ctl");
            pointToPointBothWays(ovs);
            HighwayAgentProcess first = HighwayAgentProcess.start(config, ovs.run().resolve("agent-1.log"));
            try (TrafficGuestProcess a = startGuest(ovs, "A", PORT_A, "1", "2");
                 TrafficGuestProcess b = startGuest(ovs, "B", PORT_B, "2", "1")) {
                String both;
                try {
                    both = awaitLinks(control, t -> line(t, PORT_A).contains(",ACTIVE)")
                            && line(t, PORT_B).contains(",ACTIVE)"), "a two-way link ACTIVE");
                } finally {
                    System.out.println("first agent so far:\n" + first.output());
                }
                String link = linkId(line(both, PORT_A));
                assertEquals(link, linkId(line(both, PORT_B)), "one link carries both directions: " + both);

                awaitCheckingBothWays(a, b);
                assertEquals(137, first.kill(), "SIGKILL");
                long rxA = rx(ovs, PORT_A);
                long rxB = rx(ovs, PORT_B);
                long receivedA = lastReceived(a);
                long receivedB = lastReceived(b);
                Thread.sleep(2500);
                assertTrue(rx(ovs, PORT_A) - rxA <= 8, "with no agent, A's frames still bypass OVS");
                assertTrue(rx(ovs, PORT_B) - rxB <= 8, "with no agent, B's frames still bypass OVS");
                awaitReceivedBeyond(a, receivedA, 10_000, "A keeps receiving over the link");
                awaitReceivedBeyond(b, receivedB, 10_000, "B keeps receiving over the link");

                try (HighwayAgentProcess second = HighwayAgentProcess.start(config, ovs.run().resolve("agent-2.log"))) {
                    String adopted = awaitLinks(control, t -> line(t, PORT_A).contains("path=link(" + link + ",ACTIVE)")
                            && line(t, PORT_A).contains(" p2p"), "the same link ACTIVE under the new agent");
                    System.out.println("re-adopted:\n" + adopted);
                    long rxA2 = rx(ovs, PORT_A);
                    Thread.sleep(1000);
                    assertTrue(rx(ovs, PORT_A) - rxA2 <= 8, "the re-adopted link still carries A's frames");
                    second.awaitOutput("re-adopted link");

                    // A's traffic now also goes to LOCAL: the new agent reverts what the old one established
                    ovs.ofctl("add-flow", BRIDGE, "priority=40000,in_port=1,actions=output:2,LOCAL");
                    String reshaped = awaitLinks(control, t -> line(t, PORT_A).contains("path=ovs")
                            && line(t, PORT_B).contains(",ACTIVE)") && !link.equals(linkId(line(t, PORT_B))),
                            "A back on OVS, B -> A on a new one-way link");
                    System.out.println("reshaped:\n" + reshaped);
                    long rxA3 = rx(ovs, PORT_A);
                    Thread.sleep(500);
                    assertTrue(rx(ovs, PORT_A) - rxA3 > 1000, "OVS receives A's frames again");

                    stopGuestsAndCheckStreams(ovs, a, b, second, false);
                    assertEquals(143, second.stop(), "agent exit status after SIGTERM; output:\n" + second.output());
                }
            } finally {
                first.close();
            }
            AgentLinks.assertNoLinkRegionLeft();
        }
    }

    /** Only the rules that forward A's traffic to B and B's to A. */
    private static void pointToPointBothWays(PrivateOvsDpdk ovs) throws Exception {
        ovs.ofctl("del-flows", BRIDGE);
        ovs.ofctl("add-flow", BRIDGE, "in_port=1,actions=output:2");
        ovs.ofctl("add-flow", BRIDGE, "in_port=2,actions=output:1");
    }

    /** The agent's configuration for the two ring ports, plus {@code extra} (a properties line, or ""). */
    private static Path writeConfig(PrivateOvsDpdk ovs, String extra) throws Exception {
        Path rootA = Files.createDirectories(ovs.run().resolve("ka-sysfs"));
        Path rootB = Files.createDirectories(ovs.run().resolve("kb-sysfs"));
        Path config = ovs.run().resolve("highway.properties");
        Files.writeString(config, String.join("\n",
                "ovsdb=unix:" + ovs.run().resolve("db.sock"), "bridge=" + BRIDGE, "memif-socket-dir=" + ovs.run(),
                "ring-port." + PORT_A + ".guest=ka", "ring-port." + PORT_A + ".publish-root=" + rootA,
                "ring-port." + PORT_A + ".ofport=1",
                "ring-port." + PORT_B + ".guest=kb", "ring-port." + PORT_B + ".publish-root=" + rootB,
                "ring-port." + PORT_B + ".ofport=2",
                // this test is not about deadlines: a CI machine under load must not force a revert
                "link-fence-deadline-ms=20000", "link-revert-deadline-ms=20000", extra, ""));
        return config;
    }

    /** A traffic guest on {@code port} (its publish root from {@link #writeConfig}), sending stream {@code stream}. */
    private static TrafficGuestProcess startGuest(PrivateOvsDpdk ovs, String name, String port, String stream,
                                                  String peerStream) throws Exception {
        Path root = ovs.run().resolve(port.equals(PORT_A) ? "ka-sysfs" : "kb-sysfs");
        String[] common = {"--rate", "20000", "--seconds", "0", "--warmup-ms", "2000", "--drain-ms", "2000",
                "--idle", "park", "--cpu", "0"};
        return TrafficGuestProcess.start("guest " + name, ovs.run().resolve("guest-" + name.toLowerCase() + ".log"),
                NICE, TrafficGuestProcess.arguments(common, "--root", root.toString(), "--ports", port,
                        "--streams", stream, "--peer-streams", peerStream));
    }

    /** Stops both guests and checks each one's account of the other's stream against OVS's drops. */
    private static void stopGuestsAndCheckStreams(PrivateOvsDpdk ovs, TrafficGuestProcess a, TrafficGuestProcess b,
                                                  HighwayAgentProcess agent, boolean throughOvsAcrossRestart)
            throws Exception {
        AgentLinks.StoppedGuests stopped = AgentLinks.stopGuests(ovs, a, PORT_A, b, PORT_B);
        System.out.println(stopped + "\nagent:\n" + agent.output());
        AgentLinks.assertStreamsClean(stopped.a(), stopped.b(), stopped.ovsA(), stopped.ovsB());
        for (String direction : List.of("A->B", "B->A")) {
            long discarded = direction.equals("A->B") ? AgentLinks.reconnectDiscards(stopped.a(), stopped.b())
                    : AgentLinks.reconnectDiscards(stopped.b(), stopped.a());
            if (throughOvsAcrossRestart) {
                // OVS stopped taking the senders' rings with the killed agent: they were full at the reconnect
                assertTrue(discarded > 0, direction + ": nothing counted as discarded at the ring ports' reconnect");
            } else {
                assertEquals(0, discarded, direction + ": the link carried the traffic, the ring ports were idle");
            }
        }
    }

    /** The standby link id in a {@code highway links} line, or "" when none. */
    private static String standbyId(String line) {
        Matcher m = STANDBY.matcher(line);
        return m.find() ? m.group(1) : "";
    }

    @Test
    void aStandbyLinkOutlivesAKilledAgentAndTheNextAgentActivatesIt() throws Exception {
        assumeTrue(PrivateOvsDpdk.isRoot(), "OVS-DPDK needs root");
        try (PrivateOvsDpdk ovs = PrivateOvsDpdk.start(BRIDGE)) {
            Path config = writeConfig(ovs, "link-standby=true");
            Path control = ovs.run().resolve("highway.ctl");
            pointToPointBothWays(ovs);
            HighwayAgentProcess first = HighwayAgentProcess.start(config, ovs.run().resolve("agent-1.log"));
            try (TrafficGuestProcess a = startGuest(ovs, "A", PORT_A, "1", "2");
                 TrafficGuestProcess b = startGuest(ovs, "B", PORT_B, "2", "1")) {
                String standby;
                try {
                    String both = awaitLinks(control, t -> line(t, PORT_A).contains(",ACTIVE)")
                            && line(t, PORT_B).contains(",ACTIVE)"), "a two-way link ACTIVE");
                    String link = linkId(line(both, PORT_A));
                    // one rule copies both directions to LOCAL too (OVS skips the output to a frame's
                    // in_port): reverted, and the pair keeps a two-way standby link; deleting that one
                    // rule makes both directions point-to-point at once, the standby link's shape
                    ovs.ofctl("add-flow", BRIDGE, "priority=40000,actions=output:1,output:2,LOCAL");
                    standby = awaitLinks(control, t -> line(t, PORT_A).contains("path=ovs")
                            && line(t, PORT_B).contains("path=ovs") && !standbyId(line(t, PORT_A)).isEmpty()
                            && !standbyId(line(t, PORT_A)).equals(link)
                            && standbyId(line(t, PORT_A)).equals(standbyId(line(t, PORT_B))),
                            "both directions on OVS, one two-way standby link");
                } finally {
                    System.out.println("first agent so far:\n" + first.output());
                }
                String kept = standbyId(line(standby, PORT_A));
                assertTrue(Files.exists(Path.of("/dev/shm", "hwlink-" + kept))
                        || Files.exists(Path.of("/dev/hugepages", "hwlink-" + kept)), "the standby link's region: " + kept);

                awaitCheckingBothWays(a, b);
                assertEquals(137, first.kill(), "SIGKILL");
                try (HighwayAgentProcess second = HighwayAgentProcess.start(config, ovs.run().resolve("agent-2.log"))) {
                    String readopted = awaitLinks(control, t -> standbyId(line(t, PORT_A)).equals(kept)
                            && standbyId(line(t, PORT_B)).equals(kept), "the same standby link under the new agent");
                    System.out.println("re-adopted:\n" + readopted);
                    second.awaitOutput("re-adopted standby link linkId=" + kept);

                    // point-to-point again both ways: the new agent activates the link the old one left
                    ovs.ofctl("--strict", "del-flows", BRIDGE, "priority=40000");
                    String active = awaitLinks(control, t -> line(t, PORT_A).contains("path=link(" + kept + ",ACTIVE)")
                            && line(t, PORT_B).contains("path=link(" + kept + ",ACTIVE)"),
                            "the re-adopted standby link ACTIVE");
                    System.out.println("activated:\n" + active);
                    second.awaitOutput("activating standby link linkId=" + kept);
                    long rxA = rx(ovs, PORT_A);
                    long rxB = rx(ovs, PORT_B);
                    long receivedB = lastReceived(b);
                    Thread.sleep(1500);
                    assertTrue(rx(ovs, PORT_A) - rxA <= 8, "the activated link carries A's frames");
                    assertTrue(rx(ovs, PORT_B) - rxB <= 8, "the activated link carries B's frames");
                    awaitReceivedBeyond(b, receivedB, 10_000, "B receives over the link");

                    stopGuestsAndCheckStreams(ovs, a, b, second, true);
                    assertEquals(143, second.stop(), "agent exit status after SIGTERM; output:\n" + second.output());
                }
            } finally {
                first.close();
            }
            AgentLinks.assertNoLinkRegionLeft();
        }
    }
}

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
import java.util.Map;
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
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class AgentLinkReadoptOvsDpdkTest {
    private static final String BRIDGE = "hwk" + ProcessHandle.current().pid() % 1_000_000;
    private static final String PORT_A = "ka-" + ProcessHandle.current().pid();
    private static final String PORT_B = "kb-" + ProcessHandle.current().pid();
    private static final List<String> NICE = List.of("nice", "-n", "-10");
    private static final Pattern RECEIVED = Pattern.compile("received=(\\d+)");

    private static long rx(PrivateOvsDpdk ovs, String port) throws Exception {
        return ovs.portCounters(port).get("rx_pkts");
    }

    /** The {@code received=} of the guest's last TRAFFIC_SECOND line. */
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
            Path rootA = Files.createDirectory(ovs.run().resolve("ka-sysfs"));
            Path rootB = Files.createDirectory(ovs.run().resolve("kb-sysfs"));
            Path config = ovs.run().resolve("highway.properties");
            Files.writeString(config, String.join("\n",
                    "ovsdb=unix:" + ovs.run().resolve("db.sock"), "bridge=" + BRIDGE, "memif-socket-dir=" + ovs.run(),
                    "ring-port." + PORT_A + ".guest=ka", "ring-port." + PORT_A + ".publish-root=" + rootA,
                    "ring-port." + PORT_A + ".ofport=1",
                    "ring-port." + PORT_B + ".guest=kb", "ring-port." + PORT_B + ".publish-root=" + rootB,
                    "ring-port." + PORT_B + ".ofport=2",
                    // this test is not about deadlines: a CI machine under load must not force a revert
                    "link-fence-deadline-ms=20000", "link-revert-deadline-ms=20000", ""));
            Path control = ovs.run().resolve("highway.ctl");
            ovs.ofctl("del-flows", BRIDGE);
            ovs.ofctl("add-flow", BRIDGE, "in_port=1,actions=output:2");
            ovs.ofctl("add-flow", BRIDGE, "in_port=2,actions=output:1");
            String[] common = {"--rate", "20000", "--seconds", "0", "--warmup-ms", "2000", "--drain-ms", "2000",
                    "--idle", "park", "--cpu", "0"};
            HighwayAgentProcess first = HighwayAgentProcess.start(config, ovs.run().resolve("agent-1.log"));
            try (TrafficGuestProcess a = TrafficGuestProcess.start("guest A", ovs.run().resolve("guest-a.log"), NICE,
                         TrafficGuestProcess.arguments(common, "--root", rootA.toString(), "--ports", PORT_A,
                                 "--streams", "1", "--peer-streams", "2"));
                 TrafficGuestProcess b = TrafficGuestProcess.start("guest B", ovs.run().resolve("guest-b.log"), NICE,
                         TrafficGuestProcess.arguments(common, "--root", rootB.toString(), "--ports", PORT_B,
                                 "--streams", "2", "--peer-streams", "1"))) {
                String both;
                try {
                    both = awaitLinks(control, t -> line(t, PORT_A).contains(",ACTIVE)")
                            && line(t, PORT_B).contains(",ACTIVE)"), "a two-way link ACTIVE");
                } finally {
                    System.out.println("first agent so far:\n" + first.output());
                }
                String link = linkId(line(both, PORT_A));
                assertEquals(link, linkId(line(both, PORT_B)), "one link carries both directions: " + both);

                assertEquals(137, first.kill(), "SIGKILL");
                long rxA = rx(ovs, PORT_A);
                long rxB = rx(ovs, PORT_B);
                long receivedA = lastReceived(a);
                long receivedB = lastReceived(b);
                Thread.sleep(2500);
                assertTrue(rx(ovs, PORT_A) - rxA <= 8, "with no agent, A's frames still bypass OVS");
                assertTrue(rx(ovs, PORT_B) - rxB <= 8, "with no agent, B's frames still bypass OVS");
                assertTrue(lastReceived(a) - receivedA > 10_000, "A keeps receiving over the link: " + a.output());
                assertTrue(lastReceived(b) - receivedB > 10_000, "B keeps receiving over the link: " + b.output());

                try (HighwayAgentProcess second = HighwayAgentProcess.start(config, ovs.run().resolve("agent-2.log"))) {
                    String adopted = awaitLinks(control, t -> line(t, PORT_A).contains("path=link(" + link + ",ACTIVE)")
                            && line(t, PORT_A).contains(" p2p"), "the same link ACTIVE under the new agent");
                    System.out.println("re-adopted:\n" + adopted);
                    long rxA2 = rx(ovs, PORT_A);
                    Thread.sleep(1000);
                    assertTrue(rx(ovs, PORT_A) - rxA2 <= 8, "the re-adopted link still carries A's frames");
                    assertTrue(second.output().contains("re-adopted link"), second.output());

                    // A's traffic now also goes to LOCAL: the new agent reverts what the old one established
                    ovs.ofctl("add-flow", BRIDGE, "priority=40000,in_port=1,actions=output:2,LOCAL");
                    String reshaped = awaitLinks(control, t -> line(t, PORT_A).contains("path=ovs")
                            && line(t, PORT_B).contains(",ACTIVE)") && !link.equals(linkId(line(t, PORT_B))),
                            "A back on OVS, B -> A on a new one-way link");
                    System.out.println("reshaped:\n" + reshaped);
                    long rxA3 = rx(ovs, PORT_A);
                    Thread.sleep(500);
                    assertTrue(rx(ovs, PORT_A) - rxA3 > 1000, "OVS receives A's frames again");

                    a.terminate();
                    b.terminate();
                    a.await(60);
                    b.await(60);
                    Map<String, String> sa = a.summary(PORT_A);
                    Map<String, String> sb = b.summary(PORT_B);
                    Map<String, Long> ovsA = ovs.portCounters(PORT_A);
                    Map<String, Long> ovsB = ovs.portCounters(PORT_B);
                    System.out.println("guest A:\n" + sa + "\nguest B:\n" + sb + "\nOVS " + PORT_A + ": " + ovsA
                            + "\nOVS " + PORT_B + ": " + ovsB + "\nsecond agent:\n" + second.output());
                    AgentLinks.assertStreamsClean(sa, sb, ovsA, ovsB);
                    assertEquals(143, second.stop(), "agent exit status after SIGTERM; output:\n" + second.output());
                }
            } finally {
                first.close();
            }
            AgentLinks.assertNoLinkRegionLeft();
        }
    }
}

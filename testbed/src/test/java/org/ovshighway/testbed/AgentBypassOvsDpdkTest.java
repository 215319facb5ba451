package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.ovshighway.testbed.AgentLinks.awaitLinks;
import static org.ovshighway.testbed.AgentLinks.line;
import static org.ovshighway.testbed.AgentLinks.linkId;
import static org.ovshighway.testbed.AgentLinks.links;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovshighway.ovs.testing.PrivateOvsDpdk;

/**
 * The product end to end on a real private OVS-DPDK with two process guests (JVMs of their own)
 * exchanging sequence-numbered frames both ways, first through rules that also copy to LOCAL:
 * {@code highway agent} (bypass on) sees through
 * its own flow monitor that the rules make both directions point-to-point and moves them onto a
 * two-way link (OVS's receive counters stop; the rules go through the agent's proxy as bundles,
 * OpenFlow 1.3 ONF and 1.4, whose commit replies tell the agent they are applied, and whose commits are judged by
 * the rules they add: not held); a rule added with {@code ovs-ofctl} that also sends
 * A's traffic to LOCAL, sent through the agent's OpenFlow proxy, is held until A -> B is reverted
 * (ovs-ofctl's barrier reply comes after the revert); the agent reshapes the link to B -> A alone
 * (A's frames go through OVS again). A rule above B's own with the same output, then the same
 * rule re-installed, sent through the proxy, only forward B's traffic to A: they are not held and
 * the link stays; so are a delete without in_port that removes only a rule of A's (the proxy judges
 * a delete by the rules it removes) and a rule without in_port below B's (B's traffic never reaches
 * it) and that rule's delete, the same with a register rule (Nicira NXT_FLOW_MODs); an OpenFlow 1.0
 * re-install resets the rule's counters in OVS and what the proxy
 * adds to them. Port statistics read through the proxy keep counting while
 * OVS's stand still, and at the end equal what each guest sent plus its FENCE copies. The agent's
 * quiet margin is 10 s: the reshape after the held rule, and the judging of the modifies by the
 * tables, come from ovs-ofctl's barriers seen answered and a barrier on the agent's monitor
 * connection (the reshape is asserted within 5 s). The guests
 * stop, then the agent, leaving no link region. Each guest's check of the other's
 * stream: nothing reordered, duplicated or foreign, and nothing lost beyond what OVS counts as
 * dropped toward the receiver (tx_drop: its ring was full). Needs root.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class AgentBypassOvsDpdkTest {
    private static final String BRIDGE = "hwb" + ProcessHandle.current().pid() % 1_000_000;
    private static final String PORT_A = "ga-" + ProcessHandle.current().pid();
    private static final String PORT_B = "gb-" + ProcessHandle.current().pid();
    private static final List<String> NICE = List.of("nice", "-n", "-10");
    private static final int DEFAULT_PRIORITY = 32768;
    private static final long QUIET_MS = 10_000;
    /** The priority of a rule added above B's own (in_port=2, default priority) with the same output. */
    private static final int ABOVE_B = 35000;

    /** Port {@code port}'s rx packets as a controller reads them: ovs-ofctl through the agent's proxy. */
    private static long proxyRx(String proxy, int port) throws Exception {
        Process p = new ProcessBuilder("ovs-ofctl", "dump-ports", proxy, Integer.toString(port)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("rx pkts=(\\d+)").matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1));
    }

    /**
     * n_packets of the flow of {@code priority} in an {@code ovs-ofctl dump-flows} answer (the
     * dump lists only flows of one match here; OVS leaves the default priority 32768 out).
     */
    private static long packets(String dump, String what, int priority) {
        java.util.regex.Pattern count = java.util.regex.Pattern.compile("n_packets=(\\d+)");
        for (String line : dump.split("\n")) {
            boolean ours = priority == DEFAULT_PRIORITY ? !line.contains("priority=")
                    : line.contains("priority=" + priority + ",");
            java.util.regex.Matcher m = count.matcher(line);
            if (ours && m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no flow " + what + " priority=" + priority + " in: " + dump);
    }

    /** n_packets of the flow {@code match} at {@code priority} as a controller reads it: through the proxy. */
    private static long proxyFlowPackets(String proxy, String match, int priority) throws Exception {
        Process p = new ProcessBuilder("ovs-ofctl", "dump-flows", proxy, match).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return packets(out, match + " through the proxy", priority);
    }

    private static long rx(PrivateOvsDpdk ovs, String port) throws Exception {
        return ovs.portCounters(port).get("rx_pkts");
    }

    @Test
    void pointToPointRulesMoveTrafficOntoALinkAndABreakingRuleMovesItBack() throws Exception {
        assumeTrue(PrivateOvsDpdk.isRoot(), "OVS-DPDK needs root");
        try (PrivateOvsDpdk ovs = PrivateOvsDpdk.start(BRIDGE)) {
            Path rootA = Files.createDirectory(ovs.run().resolve("ga-sysfs"));
            Path rootB = Files.createDirectory(ovs.run().resolve("gb-sysfs"));
            Path config = ovs.run().resolve("highway.properties");
            int passivePort;
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
                passivePort = probe.getLocalPort();
            }
            String proxy = "tcp:127.0.0.1:" + passivePort;
            Files.writeString(config, String.join("\n",
                    "ovsdb=unix:" + ovs.run().resolve("db.sock"), "bridge=" + BRIDGE, "memif-socket-dir=" + ovs.run(),
                    "ring-port." + PORT_A + ".guest=ga", "ring-port." + PORT_A + ".publish-root=" + rootA,
                    "ring-port." + PORT_A + ".ofport=1",
                    "ring-port." + PORT_B + ".guest=gb", "ring-port." + PORT_B + ".publish-root=" + rootB,
                    "ring-port." + PORT_B + ".ofport=2",
                    "controller-proxy=true", "proxy-passive=127.0.0.1:" + passivePort,
                    // the quiet margin at its largest: every link and judgement after a change relayed through
                    // the proxy must come from the barriers (ovs-ofctl sends one after its changes)
                    "bypass-quiet-ms=" + QUIET_MS,
                    // this test is not about deadlines: a CI machine under load must not force a revert
                    "link-fence-deadline-ms=20000", "link-revert-deadline-ms=20000", "proxy-hold-deadline-ms=30000", ""));
            Path control = ovs.run().resolve("highway.ctl");
            // from the start every frame has a way, through OVS, but LOCAL gets copies: not point-to-point
            ovs.ofctl("del-flows", BRIDGE);
            ovs.ofctl("add-flow", BRIDGE, "in_port=1,actions=output:2,LOCAL");
            ovs.ofctl("add-flow", BRIDGE, "in_port=2,actions=output:1,LOCAL");
            String[] common = {"--rate", "20000", "--seconds", "0", "--warmup-ms", "2000", "--drain-ms", "2000",
                    "--idle", "park", "--cpu", "0"};
            try (HighwayAgentProcess agent = HighwayAgentProcess.start(config, ovs.run().resolve("agent.log"));
                 TrafficGuestProcess a = TrafficGuestProcess.start("guest A", ovs.run().resolve("guest-a.log"), NICE,
                         TrafficGuestProcess.arguments(common, "--root", rootA.toString(), "--ports", PORT_A, "--streams", "1",
                                 "--peer-streams", "2"));
                 TrafficGuestProcess b = TrafficGuestProcess.start("guest B", ovs.run().resolve("guest-b.log"), NICE,
                         TrafficGuestProcess.arguments(common, "--root", rootB.toString(), "--ports", PORT_B, "--streams", "2",
                                 "--peer-streams", "1"))) {
                String none = awaitLinks(control, t -> line(t, PORT_A).contains("not-p2p"), "A not point-to-point");
                assertTrue(line(none, PORT_A).contains("path=ovs"), none);

                // the same rules without the copies (add-flow replaces the actions of an equal match), through
                // the proxy as bundles (OpenFlow 1.3's ONF extension, then OpenFlow 1.4): ovs-ofctl --bundle waits
                // for each commit's reply and sends no barrier, so those replies must tell the agent the rules
                // are applied (else: the 10 s margin)
                long rulesSent = System.nanoTime();
                ovs.ofctl("--bundle", "-O", "OpenFlow13", "add-flow", proxy, "in_port=1,actions=output:2");
                ovs.ofctl("--bundle", "-O", "OpenFlow14", "add-flow", proxy, "in_port=2,actions=output:1");
                String both = awaitLinks(control, t -> line(t, PORT_A).contains(",ACTIVE)")
                        && line(t, PORT_B).contains(",ACTIVE)"), "a two-way link ACTIVE");
                long linkedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - rulesSent);
                System.out.println("two-way " + linkedMs + " ms after the rules were sent:\n" + both);
                // a commit is judged by the messages its bundle added: the second one, while A -> B is linked,
                // only forwards B's traffic to A, so nothing is held and the link is reshaped at once
                assertEquals(0, holds(agent.output()), "a bundle commit that breaks no link was held:\n" + agent.output());
                assertTrue(linkedMs < QUIET_MS / 2, "linked only after " + linkedMs
                        + " ms: the bundle commits' replies did not tell the agent its mirror holds the rules");
                String twoWayLink = linkId(line(both, PORT_A));
                assertEquals(twoWayLink, linkId(line(both, PORT_B)), "one link carries both directions");
                long rxA = rx(ovs, PORT_A);
                long rxB = rx(ovs, PORT_B);
                Thread.sleep(500);
                assertTrue(rx(ovs, PORT_A) - rxA <= 8, "OVS still receives A's frames while bypassed");
                assertTrue(rx(ovs, PORT_B) - rxB <= 8, "OVS still receives B's frames while bypassed");

                // statistics read through the proxy keep counting what OVS no longer sees
                long proxyRxB = proxyRx(proxy, 2);
                long ovsRxB = rx(ovs, PORT_B);
                Thread.sleep(300);
                assertTrue(proxyRx(proxy, 2) - proxyRxB > 1000, "port 2 rx through the proxy keeps counting");
                assertTrue(rx(ovs, PORT_B) - ovsRxB <= 8, "while OVS's own count stands still");

                // A's traffic now also goes to LOCAL, sent through the proxy: held until A -> B is reverted,
                // so when ovs-ofctl has its barrier reply A no longer sends on the link
                long breakingSent = System.nanoTime();
                ovs.ofctl("add-flow", proxy, "priority=40000,in_port=1,actions=output:2,LOCAL");
                String afterBarrier = links(control);
                System.out.println("after the barrier reply:\n" + afterBarrier);
                assertTrue(line(afterBarrier, PORT_A).contains("path=ovs"),
                        "the link carrying A -> B was reverted before the rule's barrier reply: " + afterBarrier);
                String reshaped = awaitLinks(control, t -> line(t, PORT_A).contains("not-p2p")
                        && line(t, PORT_A).contains("path=ovs") && line(t, PORT_B).contains(",ACTIVE)")
                        && !twoWayLink.equals(linkId(line(t, PORT_B))), "A back on OVS, B -> A on a one-way link");
                long reshapedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - breakingSent);
                System.out.println("reshaped " + reshapedMs + " ms after the breaking rule was sent:\n" + reshaped);
                // the cool-down after a held revert (500 ms) and an establishment, not the quiet margin
                assertTrue(reshapedMs < QUIET_MS / 2, "B -> A linked again only after " + reshapedMs
                        + " ms: the barrier after the held rule did not tell the agent its mirror holds it");
                long rxA2 = rx(ovs, PORT_A);
                long rxB2 = rx(ovs, PORT_B);
                Thread.sleep(500);
                assertTrue(rx(ovs, PORT_A) - rxA2 > 1000, "OVS receives A's frames again");
                assertTrue(rx(ovs, PORT_B) - rxB2 <= 8, "B's frames still bypass OVS");

                // a rule above B's own with the same output, through the proxy: it only forwards B's traffic
                // to A, so the proxy relays it without a hold; B -> A stays point-to-point, the link stays,
                // and from then on its traffic counts on the new rule, as it would in OVS
                String oneWayLink = linkId(line(reshaped, PORT_B));
                String aboveB = "priority=" + ABOVE_B + ",in_port=2,actions=output:1";
                ovs.ofctl("add-flow", proxy, aboveB);
                // the link's traffic counts on the new rule once the agent's flow monitor has reported it
                long attributedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (proxyFlowPackets(proxy, "in_port=2", ABOVE_B) == 0 && System.nanoTime() - attributedBy < 0) {
                    Thread.sleep(50);
                }
                String stillLinked = links(control);
                if (!oneWayLink.equals(linkId(line(stillLinked, PORT_B)))) {
                    fail("a rule that keeps B -> A point-to-point leaves its link linkId=" + oneWayLink + ": "
                            + stillLinked + "\nagent:\n" + agent.output());
                }
                assertTrue(line(stillLinked, PORT_B).contains(",ACTIVE)"), stillLinked);
                long oldRuleBefore = proxyFlowPackets(proxy, "in_port=2", DEFAULT_PRIORITY);
                long newRuleBefore = proxyFlowPackets(proxy, "in_port=2", ABOVE_B);
                Thread.sleep(300);
                long newRuleGained = proxyFlowPackets(proxy, "in_port=2", ABOVE_B) - newRuleBefore;
                if (newRuleGained <= 1000) {
                    fail("the new rule counts B's link traffic through the proxy: gained=" + newRuleGained + "\nagent:\n"
                            + agent.output());
                }
                assertEquals(oldRuleBefore, proxyFlowPackets(proxy, "in_port=2", DEFAULT_PRIORITY),
                        "the rule below it no longer does (nor does OVS count anything on it)");

                // the controller installs that rule again, over OpenFlow 1.3 without reset_counts: the link
                // stays and the rule's count goes on
                long aboveBefore = proxyFlowPackets(proxy, "in_port=2", ABOVE_B);
                ovs.ofctl("-O", "OpenFlow13", "add-flow", proxy, aboveB);
                Thread.sleep(300);
                String reinstalled = links(control);
                if (!oneWayLink.equals(linkId(line(reinstalled, PORT_B))) || !line(reinstalled, PORT_B).contains(",ACTIVE)")) {
                    fail("re-installing the rule B -> A stands for moved the link linkId=" + oneWayLink + ": "
                            + reinstalled + "\nagent:\n" + agent.output());
                }
                long aboveAfter = proxyFlowPackets(proxy, "in_port=2", ABOVE_B);
                assertTrue(aboveAfter - aboveBefore > 1000, "the re-installed rule keeps its count and goes on: before="
                        + aboveBefore + " after=" + aboveAfter);

                // a delete without in_port, through the proxy, that removes only a rule of A's: judged by the
                // rules it removes (none of B's), it is relayed without a hold and B -> A's link stays
                long holdsBefore = holds(agent.output());
                addAndDelete(ovs, proxy, "priority=500,in_port=1,ip,nw_dst=10.9.9.9,actions=drop", "ip,nw_dst=10.9.9.9",
                        "nw_dst=10.9.9.9");
                // a rule without in_port below B's, through the proxy, and its delete: B's traffic never reaches
                // it, so neither is held
                addAndDelete(ovs, proxy, "priority=10,arp,actions=drop", "arp", "priority=10,arp");
                // the same with a rule that needs NXM (a register): ovs-ofctl sends Nicira NXT_FLOW_MODs
                addAndDelete(ovs, proxy, "priority=10,reg0=7,actions=drop", "reg0=7", "reg0=0x7");
                // modifies without in_port, through the proxy, that change only a rule below B's (and would add
                // theirs below it): judged by the rules they change, relayed without a hold
                addModifyAndDelete(ovs, proxy, "priority=10,arp,actions=drop", "priority=10,arp,actions=LOCAL",
                        "arp actions=LOCAL", "arp");
                addModifyAndDelete(ovs, proxy, "priority=10,reg0=7,actions=drop", "priority=10,reg0=7,actions=LOCAL",
                        "reg0=0x7 actions=LOCAL", "reg0=7");
                Thread.sleep(300);
                String afterDelete = links(control);
                if (!oneWayLink.equals(linkId(line(afterDelete, PORT_B))) || !line(afterDelete, PORT_B).contains(",ACTIVE)")) {
                    fail("a delete that removes none of B's rules, or a rule below B's, or a modify of one, moved the"
                            + " link linkId="
                            + oneWayLink + ": "
                            + afterDelete + "\nagent:\n" + agent.output());
                }
                assertEquals(holdsBefore, holds(agent.output()), "none of them held");

                // the guests stop sending and drain first: the agent's stop removes their ports
                AgentLinks.StoppedGuests stopped = AgentLinks.stopGuests(ovs, a, PORT_A, b, PORT_B);
                Map<String, String> sa = stopped.a();
                Map<String, String> sb = stopped.b();
                // through the proxy: OVS's count plus the link traffic, i.e. every frame the guest sent
                // plus the FENCE copies its library put on the old ring (OVS counted those itself)
                for (Object[] port : new Object[][] {{1, sa}, {2, sb}}) {
                    @SuppressWarnings("unchecked")
                    Map<String, String> sender = (Map<String, String>) port[1];
                    long viaProxy = proxyRx(proxy, (Integer) port[0]);
                    long sent = Long.parseLong(sender.get("sent"));
                    long fences = Long.parseLong(sender.get("remap_fences_sent"));
                    System.out.printf("port %d: rx through the proxy %d, sent %d, fences sent %d%n", port[0], viaProxy,
                            sent, fences);
                    assertTrue(viaProxy >= sent && viaProxy - sent <= fences, "port " + port[0]
                            + " rx through the proxy=" + viaProxy + " sent=" + sent + " fences=" + fences);
                }
                // flow statistics through the proxy: the port's own rules (in_port=N, default priority; A's
                // was overridden by the priority 40000 rule but keeps what it counted; B's link traffic is
                // split between its rule and the one added above it) add exactly the link traffic the
                // port's statistics add
                for (int port : new int[] {1, 2}) {
                    String match = "in_port=" + port;
                    List<Integer> priorities = port == 1 ? List.of(DEFAULT_PRIORITY) : List.of(DEFAULT_PRIORITY, ABOVE_B);
                    long flowExtra = 0;
                    for (int priority : priorities) {
                        flowExtra += proxyFlowPackets(proxy, match, priority)
                                - packets(ovs.ofctl("dump-flows", BRIDGE, match), match, priority);
                    }
                    long portExtra = proxyRx(proxy, port) - ovs.portCounters(port == 1 ? PORT_A : PORT_B).get("rx_pkts");
                    System.out.printf("port %d: flows %s priorities %s add %d through the proxy, port rx adds %d%n", port,
                            match, priorities, flowExtra, portExtra);
                    assertTrue(portExtra > 1000, "port " + port + " had link traffic: " + portExtra);
                    assertEquals(portExtra, flowExtra, "flows " + match + " " + priorities + " count the link traffic of port "
                            + port);
                }
                // an OpenFlow 1.0 ADD of B's upper rule again (ovs-ofctl's default) resets its counters in OVS:
                // through the proxy it reads as OVS's own count again, the link traffic on it forgotten too
                long aboveSeen = proxyFlowPackets(proxy, "in_port=2", ABOVE_B);
                assertTrue(aboveSeen > 1000, "B's upper rule counted link traffic: " + aboveSeen);
                ovs.ofctl("add-flow", proxy, aboveB);
                long aboveOvs = packets(ovs.ofctl("dump-flows", BRIDGE, "in_port=2"), "in_port=2", ABOVE_B);
                assertEquals(aboveOvs, proxyFlowPackets(proxy, "in_port=2", ABOVE_B),
                        "after the reset the proxy adds nothing to the rule (OVS counts " + aboveOvs + ")");
                System.out.println(stopped + "\nagent:\n" + agent.output());
                AgentLinks.assertStreamsClean(sa, sb, stopped.ovsA(), stopped.ovsB());
                assertTrue(Long.parseLong(sb.get("checked")) > 10_000, "B checked A's stream: " + sb);
                assertEquals(143, agent.stop(), "agent exit status after SIGTERM; output:\n" + agent.output());
            }
            AgentLinks.assertNoLinkRegionLeft();
        }
    }

    /** How many flow changes the agent's log says it held. */
    private static long holds(String agentOutput) {
        return agentOutput.lines().filter(l -> l.contains("holding a flow change")).count();
    }

    /** Adds {@code rule} through {@code proxy}, checks OVS shows it ({@code shownAs}), deletes it by {@code match}. */
    private static void addAndDelete(PrivateOvsDpdk ovs, String proxy, String rule, String match, String shownAs)
            throws Exception {
        ovs.ofctl("add-flow", proxy, rule);
        assertTrue(ovs.ofctl("dump-flows", BRIDGE).contains(shownAs), "in OVS: " + rule);
        ovs.ofctl("del-flows", proxy, match);
        assertFalse(ovs.ofctl("dump-flows", BRIDGE).contains(shownAs), "deleted from OVS by " + match);
    }

    /**
     * Adds {@code rule} through {@code proxy}, modifies it to {@code modifiedTo} once the agent's
     * mirror holds the add (a modify is judged against the tables only then: the add's barrier reply,
     * then a barrier on the agent's monitor connection, tell it), checks OVS shows the
     * new actions ({@code shownModified}), deletes it by {@code match}.
     */
    private static void addModifyAndDelete(PrivateOvsDpdk ovs, String proxy, String rule, String modifiedTo,
                                           String shownModified, String match) throws Exception {
        ovs.ofctl("add-flow", proxy, rule);
        Thread.sleep(100);
        ovs.ofctl("mod-flows", proxy, modifiedTo);
        assertTrue(ovs.ofctl("dump-flows", BRIDGE).contains(shownModified), "in OVS: " + modifiedTo);
        ovs.ofctl("del-flows", proxy, match);
        assertFalse(ovs.ofctl("dump-flows", BRIDGE).contains(shownModified), "deleted from OVS by " + match);
    }
}

package org.ovshighway.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.Bucket;
import org.ovshighway.p2p.flow.FieldId;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.FlowEvent;
import org.ovshighway.p2p.flow.GroupEntry;
import org.ovshighway.p2p.flow.GroupType;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.PortNo;
import org.ovshighway.p2p.flow.RemovalReason;

/** One example per clause of the point-to-point definition: the verdict, and that explain() names the rule. */
class P2pDetectorTest {

    private static final PortNo P1 = PortNo.of(1);
    private static final PortNo P2 = PortNo.of(2);
    private static final PortNo P3 = PortNo.of(3);
    private static final FieldMatch TCP = FieldMatch.exact(FieldId.IP_PROTO, 6, 1);

    private final List<LinkEvent> events = new ArrayList<>();
    private P2pDetector detector;

    @BeforeEach
    void setUp() {
        detector = new P2pDetector(events::add);
        detector.setCandidatePorts(Set.of(P1, P2, P3));
    }

    private static Match in(PortNo port, FieldMatch... more) {
        return Match.of(FieldMatch.inPort(port)).intersect(Match.of(more));
    }

    private static Action out(PortNo port) {
        return new Action.Output(port);
    }

    private static FlowEntry flow(int table, int priority, Match match, Action... actions) {
        return FlowEntry.of(table, priority, match, List.of(actions));
    }

    private void add(FlowEntry flow) {
        detector.accept(new FlowEvent.FlowAdded(flow));
    }

    private void assertNotP2p(PortNo port, String... fragments) {
        assertTrue(detector.pointToPointPeer(port).isEmpty(), () -> "expected no point-to-point from " + port);
        String reason = detector.explain(port).orElseThrow();
        for (String fragment : fragments) {
            assertTrue(reason.contains(fragment), () -> "explanation lacks '" + fragment + "': " + reason);
        }
    }

    @Test
    void singleOutputRuleMakesTheDirectionPointToPoint() {
        add(flow(0, 100, in(P1), out(P2)));
        assertTrue(detector.isPointToPoint(P1, P2));
        assertEquals(List.of(new LinkEvent.DirectionUp(P1, P2)), events);
        assertTrue(detector.explain(P1).isEmpty());
        assertNotP2p(P2, "table 0: no rule matches all traffic of port 2");
    }

    @Test
    void soleFlowsNameTheOneRulePerTableThatAllOfThePortsTrafficHits() {
        FlowEntry entry = flow(0, 100, in(P1), new Action.GotoTable(2));
        FlowEntry forward = flow(2, 5, in(P1), out(P2));
        add(entry);
        add(forward);
        add(flow(0, 200, in(P2, TCP), out(P1)));
        add(flow(0, 100, in(P2), out(P1)));
        assertTrue(detector.isPointToPoint(P1, P2), detector.explain(P1).orElse(""));
        assertEquals(Optional.of(List.of(entry, forward)), detector.soleFlows(P1));
        assertTrue(detector.isPointToPoint(P2, P1));
        assertEquals(Optional.empty(), detector.soleFlows(P2), "two rules share port 2's traffic: not attributable");
        assertEquals(Optional.empty(), detector.soleFlows(P3), "not point-to-point");
        add(flow(2, 1, in(P1), out(P3)));
        assertEquals(Optional.of(List.of(entry, forward)), detector.soleFlows(P1), "a lower rule never sees the traffic");
        add(flow(2, 9, in(P1, TCP), out(P2)));
        assertTrue(detector.isPointToPoint(P1, P2));
        assertEquals(Optional.empty(), detector.soleFlows(P1), "table 2 now splits port 1's traffic over two rules");
    }

    @Test
    void bothDirectionsAreDecidedIndependently() {
        add(flow(0, 100, in(P1), out(P2)));
        add(flow(0, 100, in(P2), out(P1)));
        assertEquals(Map.of(P1, P2, P2, P1), detector.pointToPointDirections());
    }

    @Test
    void twoOutputsAreNotPointToPoint() {
        add(flow(0, 100, in(P1, TCP), out(P2), out(P3)));
        add(flow(0, 10, in(P1), out(P2)));
        assertNotP2p(P1, "table 0 priority 100 in_port=1,ip_proto=6: actions=output:2,output:3 — more than one output");
    }

    @Test
    void headerRewriteIsNotPointToPoint() {
        add(flow(0, 100, in(P1), new Action.SetField(FieldMatch.exact(FieldId.VLAN_VID, 0x1005, 2)), out(P2)));
        assertNotP2p(P1, "table 0 priority 100 in_port=1", "rewrites headers (set_field:vlan_vid=0x1005)");
        detector.accept(new FlowEvent.FlowModified(flow(0, 100, in(P1), new Action.HeaderRewrite("dec_ttl"), out(P2))));
        assertNotP2p(P1, "rewrites headers (dec_ttl)");
    }

    @Test
    void reservedOutputsAreNotPointToPoint() {
        for (PortNo reserved : List.of(PortNo.CONTROLLER, PortNo.LOCAL, PortNo.FLOOD, PortNo.ALL, PortNo.NORMAL, PortNo.IN_PORT)) {
            detector.accept(new FlowEvent.FlowAdded(flow(0, 100, in(P1), out(reserved))));
            assertNotP2p(P1, "actions=output:" + reserved, "not to a single port");
        }
    }

    @Test
    void outputToTheInputPortIsNotPointToPoint() {
        add(flow(0, 100, in(P1), out(P1)));
        assertNotP2p(P1, "output to the input port 1");
    }

    @Test
    void dropIsNotPointToPoint() {
        add(flow(0, 100, in(P1, TCP)));
        add(flow(0, 10, in(P1), out(P2)));
        assertNotP2p(P1, "table 0 priority 100 in_port=1,ip_proto=6: actions=drop — drops the traffic");
    }

    @Test
    void meterSetQueueAndExtensionActionsAreNotPointToPoint() {
        add(flow(0, 100, in(P1), new Action.Meter(7), out(P2)));
        assertNotP2p(P1, "meter:7 applies a meter");
        add(flow(0, 100, in(P1), new Action.SetQueue(3), out(P2)));
        assertNotP2p(P1, "set_queue:3 selects an output queue");
        add(flow(0, 100, in(P1), new Action.Other("ct(commit,table=1)")));
        assertNotP2p(P1, "action ct(commit,table=1) is not a plain output");
    }

    @Test
    void idleTimeoutIsNotPointToPointButHardTimeoutIs() {
        add(flow(0, 100, in(P1), out(P2)).withTimeouts(10, 0));
        assertNotP2p(P1, "idle_timeout=10 actions=output:2 — idle_timeout=10");
        detector.accept(new FlowEvent.FlowModified(flow(0, 100, in(P1), out(P2)).withTimeouts(0, 60)));
        assertTrue(detector.isPointToPoint(P1, P2));
    }

    @Test
    void singleBucketGroupWithOnlyOutputIsPointToPoint() {
        detector.accept(new FlowEvent.GroupAdded(new GroupEntry(5, GroupType.INDIRECT, List.of(Bucket.of(out(P2))))));
        add(flow(0, 100, in(P1), new Action.Group(5)));
        assertTrue(detector.isPointToPoint(P1, P2));

        detector.accept(new FlowEvent.GroupModified(new GroupEntry(5, GroupType.ALL, List.of(Bucket.of(out(P2)), Bucket.of(out(P3))))));
        assertNotP2p(P1, "table 0 priority 100 in_port=1: actions=group:5 — group 5 (all, 2 buckets) does not have exactly one bucket");
        assertEquals(new LinkEvent.DirectionDown(P1, P2, detector.explain(P1).orElseThrow()), events.getLast());

        detector.accept(new FlowEvent.GroupModified(new GroupEntry(5, GroupType.INDIRECT,
                List.of(Bucket.of(new Action.HeaderRewrite("push_vlan:0x8100"), out(P2))))));
        assertNotP2p(P1, "bucket is not a single output");

        detector.accept(new FlowEvent.GroupModified(new GroupEntry(5, GroupType.FAST_FAILOVER, List.of(Bucket.of(out(P2))))));
        assertNotP2p(P1, "fast-failover");

        detector.accept(new FlowEvent.GroupDeleted(5));
        assertNotP2p(P1, "group 5 does not exist");
    }

    @Test
    void higherPriorityOverlappingRuleDoingSomethingElseIsNotPointToPoint() {
        add(flow(0, 10, in(P1), out(P2)));
        add(flow(0, 200, in(P1, TCP), out(P3)));
        assertNotP2p(P1, "traffic of port 1 is split", "table 0 priority 200 in_port=1,ip_proto=6: actions=output:3",
                "table 0 priority 10 in_port=1: actions=output:2");
    }

    @Test
    void higherPriorityRuleDoingTheSameIsPointToPoint() {
        add(flow(0, 10, in(P1), out(P2)));
        add(flow(0, 200, in(P1, TCP), out(P2)));
        assertTrue(detector.isPointToPoint(P1, P2));
    }

    @Test
    void equalPriorityOverlappingRuleCounts() {
        add(flow(0, 10, in(P1), out(P2)));
        add(flow(0, 10, in(P1, TCP), out(P3)));
        assertNotP2p(P1, "split");
    }

    @Test
    void rulesOfOtherPortsAndLowerPriorityRulesDoNotMatter() {
        add(flow(0, 100, in(P1), out(P2)));
        add(flow(0, 300, in(P3, TCP), new Action.Other("learn(table=9)")).withTimeouts(5, 0));
        add(flow(0, 50, in(P1), out(PortNo.CONTROLLER)));
        // Port 3's rule may output anywhere (extension action), which does block 1→2: port 3's traffic may reach 2.
        assertNotP2p(P1, "may send traffic from other ports to any port");
        detector.accept(new FlowEvent.FlowModified(flow(0, 300, in(P3, TCP), out(PortNo.CONTROLLER))));
        assertTrue(detector.isPointToPoint(P1, P2));
    }

    @Test
    void tableMissIsNotPointToPoint() {
        add(flow(0, 100, in(P1, TCP), out(P2)));
        assertNotP2p(P1, "table 0: no rule matches all traffic of port 1 reaching it (in_port=1)");
    }

    @Test
    void gotoTableIsFollowed() {
        add(flow(0, 100, in(P1), new Action.GotoTable(1)));
        assertNotP2p(P1, "table 1: no rule matches all traffic of port 1");
        add(flow(1, 5, Match.ANY, out(P2)));
        // A wildcard in_port rule that outputs to 2 also catches other ports' traffic: conservative refusal.
        assertNotP2p(P1, "table 1 priority 5 *: actions=output:2 sends traffic from other ports to port 2 too");
        detector.accept(new FlowEvent.FlowRemoved(new FlowEntry(1, 5, 0, Match.ANY, List.of(), 0, 0, Set.of()).key(), RemovalReason.DELETE));
        add(flow(1, 5, in(P1), out(P2)));
        assertTrue(detector.isPointToPoint(P1, P2));
    }

    @Test
    void gotoNarrowsTheTrafficSeenByTheNextTable() {
        add(flow(0, 100, in(P1, TCP), new Action.GotoTable(1)));
        add(flow(0, 10, in(P1), out(P2)));
        add(flow(1, 1, in(P1, TCP), out(P2)));
        add(flow(1, 50, in(P1, FieldMatch.exact(FieldId.IP_PROTO, 17, 1)), out(P3)));
        // The udp rule in table 1 never sees tcp-only traffic.
        assertTrue(detector.isPointToPoint(P1, P2));
    }

    @Test
    void gotoBackwardsIsRefused() {
        add(flow(1, 100, in(P1), new Action.GotoTable(1)));
        add(flow(0, 100, in(P1), new Action.GotoTable(1)));
        assertNotP2p(P1, "goto_table:1 does not lead to a later table");
    }

    @Test
    void anotherPortsOutputToTheDestinationIsNotPointToPoint() {
        add(flow(0, 100, in(P1), out(P2)));
        add(flow(0, 100, in(P3), out(P2)));
        assertNotP2p(P1, "port 1 sends all its traffic to port 2, but table 0 priority 100 in_port=3: actions=output:2 sends traffic from other ports to port 2 too");
        assertNotP2p(P3, "table 0 priority 100 in_port=1: actions=output:2");
    }

    /** Simple rules are counted per (destination, input port); the explanation still names one of them. */
    @Test
    void simpleRulesOfSeveralOtherPortsBlockUntilTheLastIsRemoved() {
        PortNo p4 = PortNo.of(4);
        add(flow(0, 100, in(P1), out(P2)));
        add(flow(1, 50, in(p4, TCP), out(P2)));
        add(flow(0, 100, in(P3), out(P2)));
        add(flow(0, 90, in(p4), out(P2)));
        assertNotP2p(P1, "but table 0 priority 100 in_port=3: actions=output:2 sends traffic from other ports to port 2 too");
        detector.accept(new FlowEvent.FlowRemoved(flow(0, 100, in(P3)).key(), RemovalReason.DELETE));
        assertNotP2p(P1, "but table 0 priority 90 in_port=4: actions=output:2 sends traffic from other ports to port 2 too");
        detector.accept(new FlowEvent.FlowRemoved(flow(0, 90, in(p4)).key(), RemovalReason.DELETE));
        assertNotP2p(P1, "but table 1 priority 50 in_port=4,ip_proto=6: actions=output:2 sends traffic from other ports to port 2 too");
        detector.accept(new FlowEvent.FlowRemoved(flow(1, 50, in(p4, TCP)).key(), RemovalReason.DELETE));
        assertTrue(detector.isPointToPoint(P1, P2));
        add(flow(0, 10, in(P1, TCP), out(P2)));
        assertTrue(detector.isPointToPoint(P1, P2), "the port's own simple rules to its peer do not block it");
    }

    @Test
    void floodFromAnotherPortReachesTheDestination() {
        add(flow(0, 100, in(P1), out(P2)));
        add(flow(0, 100, in(P3, TCP), out(PortNo.FLOOD)));
        assertNotP2p(P1, "table 0 priority 100 in_port=3,ip_proto=6: actions=output:FLOOD may send traffic from other ports to any port");
        detector.accept(new FlowEvent.FlowRemoved(flow(0, 100, in(P3, TCP)).key(), RemovalReason.HARD_TIMEOUT));
        assertTrue(detector.isPointToPoint(P1, P2));
    }

    @Test
    void destinationThatIsNotACandidateIsNotPointToPoint() {
        PortNo physical = PortNo.of(9);
        add(flow(0, 100, in(P1), out(physical)));
        assertNotP2p(P1, "sends all its traffic to port 9", "port 9 is not a ring port");
        detector.addCandidatePort(physical);
        assertTrue(detector.isPointToPoint(P1, physical));
        detector.removeCandidatePort(physical);
        assertEquals("port 1 sends all its traffic to port 9 (table 0 priority 100 in_port=1: actions=output:9), but port 9 is not a ring port",
                ((LinkEvent.DirectionDown) events.getLast()).reason());
    }

    @Test
    void expiryOfABlockingRuleBringsTheDirectionBack() {
        add(flow(0, 100, in(P1), out(P2)));
        FlowEntry blocker = flow(0, 100, in(P3), out(P2)).withTimeouts(30, 0);
        add(blocker);
        detector.accept(new FlowEvent.FlowRemoved(blocker.key(), RemovalReason.IDLE_TIMEOUT));
        assertEquals(List.of(new LinkEvent.DirectionUp(P1, P2), events.get(1), new LinkEvent.DirectionUp(P1, P2)), events);
        LinkEvent.DirectionDown down = (LinkEvent.DirectionDown) events.get(1);
        assertTrue(down.reason().contains("in_port=3"), down.reason());
    }

    @Test
    void changingDestinationReportsDownBeforeUp() {
        add(flow(0, 100, in(P1), out(P2)));
        detector.accept(new FlowEvent.FlowModified(flow(0, 100, in(P1), out(P3))));
        assertEquals(List.of(new LinkEvent.DirectionUp(P1, P2),
                new LinkEvent.DirectionDown(P1, P2, "port 1 now sends all its traffic to port 3 instead"),
                new LinkEvent.DirectionUp(P1, P3)), events);
    }

    @Test
    void resyncHoldsVerdictsUntilTheDumpCompletes() {
        add(flow(0, 100, in(P1), out(P2)));
        events.clear();
        detector.accept(new FlowEvent.ResyncStarted());
        assertTrue(detector.isPointToPoint(P1, P2));
        add(flow(0, 100, in(P1), out(P3)));
        assertTrue(detector.isPointToPoint(P1, P2));
        assertTrue(detector.explain(P2).orElseThrow().contains("resynchronised"));
        assertTrue(events.isEmpty());
        detector.accept(new FlowEvent.ResyncCompleted());
        assertEquals(List.of(new LinkEvent.DirectionDown(P1, P2, "port 1 now sends all its traffic to port 3 instead"),
                new LinkEvent.DirectionUp(P1, P3)), events);
        assertEquals(1, detector.flowCount());
    }

    @Test
    void unknownRemovalsAreCountedNotFatal() {
        detector.accept(new FlowEvent.FlowRemoved(flow(0, 1, Match.ANY).key(), RemovalReason.DELETE));
        detector.accept(new FlowEvent.GroupDeleted(3));
        assertEquals(2, detector.inconsistencyCount());
    }

    @Test
    void reservedPortsCannotBeCandidates() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> detector.addCandidatePort(PortNo.LOCAL));
        assertTrue(e.getMessage().contains("port=LOCAL"), e.getMessage());
    }

    @Test
    void nonCandidatePortsAreExplained() {
        assertEquals("port 7 is not a ring port (not a candidate)", detector.explain(PortNo.of(7)).orElseThrow());
    }

    @Test
    void eventsReanalyseOnlyThePortsTheyCanAffect() {
        int ports = 200;
        for (int i = 1; i <= ports; i += 2) {
            detector.addCandidatePort(PortNo.of(i));
            detector.addCandidatePort(PortNo.of(i + 1));
            add(flow(0, 100, in(PortNo.of(i)), out(PortNo.of(i + 1))));
            add(flow(0, 100, in(PortNo.of(i + 1)), out(PortNo.of(i))));
        }
        assertEquals(ports, detector.pointToPointDirections().size());
        long before = detector.analysisRuns();
        add(flow(0, 200, in(PortNo.of(7), TCP), out(PortNo.of(8))));
        add(flow(0, 50, Match.ANY, out(PortNo.CONTROLLER)));
        detector.accept(new FlowEvent.GroupAdded(new GroupEntry(1, GroupType.ALL, List.of(Bucket.of(out(PortNo.of(3)))))));
        assertEquals(1, detector.analysisRuns() - before, "only port 7 reads a changed part of the tables");
        assertFalse(detector.pointToPointDirections().isEmpty());
    }

    @Test
    void aBurstReanalysesEachTouchedPortOnce() {
        List<FlowEvent> burst = new ArrayList<>();
        burst.add(new FlowEvent.FlowAdded(flow(0, 100, in(P1), out(P2))));
        for (int k = 1; k <= 50; k++) {
            burst.add(new FlowEvent.FlowAdded(flow(0, 100 + k, in(P1, FieldMatch.exact(FieldId.TCP_DST, k, 2)), out(P2))));
        }
        long before = detector.analysisRuns();
        detector.acceptAll(burst);
        assertEquals(1, detector.analysisRuns() - before, "port 1 is analysed once for the whole burst");
        assertEquals(Map.of(P1, P2), detector.pointToPointDirections());
        assertEquals(List.of(new LinkEvent.DirectionUp(P1, P2)), events);
    }

    @Test
    void aDirectionMadeAndUndoneInsideABurstIsNeverPublished() {
        FlowEntry link = flow(0, 100, in(P1), out(P2));
        detector.acceptAll(List.of(new FlowEvent.FlowAdded(link), new FlowEvent.FlowRemoved(link.key(), RemovalReason.DELETE)));
        assertTrue(events.isEmpty(), () -> "events=" + events);
        assertTrue(detector.pointToPointDirections().isEmpty());
    }

    @Test
    void aBurstHoldingAWholeResyncPublishesOnlyTheEndState() {
        add(flow(0, 100, in(P1), out(P2)));
        events.clear();
        detector.acceptAll(List.of(new FlowEvent.ResyncStarted(), new FlowEvent.FlowAdded(flow(0, 100, in(P1), out(P3))),
                new FlowEvent.ResyncCompleted(), new FlowEvent.FlowAdded(flow(0, 100, in(P2), out(P1)))));
        assertEquals(Map.of(P1, P3, P2, P1), detector.pointToPointDirections());
        assertEquals(3, events.size(), () -> "events=" + events);
        assertEquals(new LinkEvent.DirectionDown(P1, P2, "port 1 now sends all its traffic to port 3 instead"), events.getFirst());
        assertEquals(Set.of(new LinkEvent.DirectionUp(P1, P3), new LinkEvent.DirectionUp(P2, P1)), Set.copyOf(events.subList(1, 3)));
    }

    @Test
    void manyRulesAboveTheCoveringRuleAreDecidedFromTheSummary() {
        add(flow(0, 100, in(P1), out(P2)));
        for (int k = 1; k <= 200; k++) {
            add(flow(0, 200 + k % 7, in(P1, FieldMatch.exact(FieldId.TCP_DST, k, 2)), out(P2)));
        }
        assertTrue(detector.isPointToPoint(P1, P2));
        long before = detector.summaryDecisions();
        FlowEntry breaker = flow(0, 150, in(P1, TCP), out(P3));
        add(breaker);
        assertEquals(1, detector.summaryDecisions() - before, "the port's 201 rules were not read one by one");
        assertNotP2p(P1, "traffic of port 1 is split", "sends it to port 3");
        detector.accept(new FlowEvent.FlowRemoved(breaker.key(), RemovalReason.DELETE));
        assertTrue(detector.isPointToPoint(P1, P2));
        add(flow(0, 99, in(P1, TCP), new Action.Output(PortNo.CONTROLLER)));
        assertTrue(detector.isPointToPoint(P1, P2), "a rule below the covering rule does not matter");
        add(flow(0, 300, in(P1, TCP), new Action.Output(PortNo.CONTROLLER)));
        assertNotP2p(P1, "priority 300", "output to CONTROLLER, not to a single port");
    }

    @Test
    void aGotoAboveTheCoveringRuleIsFollowedByTheFullAnalysis() {
        add(flow(0, 100, in(P1), out(P2)));
        add(flow(0, 200, in(P1, TCP), new Action.GotoTable(1)));
        assertNotP2p(P1, "table 1: no rule matches all traffic of port 1");
        add(flow(1, 10, in(P1), out(P2)));
        assertTrue(detector.isPointToPoint(P1, P2));
        add(flow(1, 20, in(P1, TCP), out(P3)));
        assertNotP2p(P1, "traffic of port 1 is split");
    }

    @Test
    void inPortsOfNamesWhereThePickedRulesTrafficComesFrom() {
        add(flow(0, 100, in(P1), out(P2)));
        add(flow(0, 500, in(P3, TCP), out(P2)));
        add(flow(1, 10, in(P3), out(P1)));
        add(flow(1, 0, Match.ANY, out(P3)));
        P2pDetector.RuleInPorts tcp = detector.inPortsOf(f -> f.match().get(FieldId.IP_PROTO).isPresent());
        assertEquals(Set.of(P3), tcp.ports());
        assertFalse(tcp.anyPort());
        assertTrue(tcp.mayHandle(P3) && !tcp.mayHandle(P1), tcp.toString());
        P2pDetector.RuleInPorts table1 = detector.inPortsOf(f -> f.tableId() == 1);
        assertTrue(table1.anyPort() && table1.mayHandle(P1), "the table-miss rule sees every port: " + table1);
        P2pDetector.RuleInPorts none = detector.inPortsOf(f -> false);
        assertTrue(none.ports().isEmpty() && !none.anyPort() && !none.mayHandle(P1), none.toString());
    }

    @Test
    void anAddedRuleMayHandleADirectionsTrafficOnlyIfItCanWinWhereThatTrafficGoes() {
        add(flow(0, 100, in(P1), out(P2)));
        assertTrue(detector.isPointToPoint(P1, P2));
        Match arp = Match.of(FieldMatch.exact(FieldId.ETH_TYPE, 0x0806, 2));
        assertFalse(detector.addedRuleMayHandle(P1, 0, 50, arp), "below the sole rule");
        assertTrue(detector.addedRuleMayHandle(P1, 0, 100, arp), "a tie: which one wins is undefined");
        assertTrue(detector.addedRuleMayHandle(P1, 0, 200, arp), "above it, on part of its traffic");
        assertFalse(detector.addedRuleMayHandle(P1, 0, 200, in(P3)), "another port's traffic only");
        assertFalse(detector.addedRuleMayHandle(P1, 1, 200, arp), "a table port 1's traffic never reaches");
        assertFalse(detector.addedRuleMayHandle(P1, P2pDetector.ANY_TABLE, 50, arp), "below it in any table");
        assertTrue(detector.addedRuleMayHandle(P1, P2pDetector.ANY_TABLE, 200, arp), "above it in table 0, maybe");
        assertTrue(detector.addedRuleMayHandle(P3, 0, 0, arp), "port 3 is not point-to-point: no sole path to tell");
    }

    @Test
    void anAddedRuleInALaterTableIsJudgedAgainstTheTrafficThatReachesIt() {
        add(flow(0, 100, in(P1), new Action.GotoTable(1)));
        add(flow(1, 10, in(P1), out(P2)));
        assertTrue(detector.isPointToPoint(P1, P2));
        assertTrue(detector.addedRuleMayHandle(P1, 1, 20, Match.of(TCP)), "above the table-1 rule");
        assertFalse(detector.addedRuleMayHandle(P1, 1, 5, Match.of(TCP)), "below it");
        assertFalse(detector.addedRuleMayHandle(P1, 0, 50, Match.of(TCP)), "below the table-0 rule");
        assertFalse(detector.addedRuleMayHandle(P1, 2, 50000, Match.ANY), "past the end of the path");
    }
}

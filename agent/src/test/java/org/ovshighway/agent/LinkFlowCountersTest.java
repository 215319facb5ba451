package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.PortNo;
import org.ovshighway.proxy.stats.CounterReset;
import org.ovshighway.proxy.stats.FlowExtra;
import org.ovshighway.remapper.BypassCounters;
import org.ovshighway.remapper.LinkOutcome;
import org.ovshighway.remapper.LinkState;
import org.ovshighway.remapper.LinkStatus;

/**
 * Link traffic put on flows: the link supervisor's direction counters are a map here (the
 * supervisor's own counting is tested in ring-remapper), the detector's answer a function.
 */
class LinkFlowCountersTest {
    private static final FlowEntry X_TO_Y = FlowEntry.of(0, 100, Match.of(FieldMatch.inPort(PortNo.of(1))),
            List.of(new Action.Output(PortNo.of(2))));
    /** A rule added above X_TO_Y that takes all of x's traffic to the same place. */
    private static final FlowEntry X_TO_Y_ABOVE = FlowEntry.of(0, 200, Match.of(FieldMatch.inPort(PortNo.of(1))),
            List.of(new Action.Output(PortNo.of(2))));
    private final Map<String, BypassCounters.TrafficCounters> directions = new HashMap<>();
    private final BypassCounters counters = new BypassCounters() {
        @Override
        public PortCounters port(String port) {
            return PortCounters.ZERO;
        }

        @Override
        public TrafficCounters direction(String from, String to) {
            return directions.getOrDefault(from + ">" + to, TrafficCounters.ZERO);
        }
    };
    /** What the tables say about x -> y (y -> x is always shared). */
    private FlowAttribution xToY = new FlowAttribution.Sole(List.of(X_TO_Y));
    private final LinkFlowCounters flows = new LinkFlowCounters(counters,
            (from, to) -> from.equals("x") ? xToY : new FlowAttribution.Shared());

    private void carried(long packets) {
        directions.put("x>y", new BypassCounters.TrafficCounters(packets, packets * 64));
    }

    private static LinkStatus link(long id, LinkState state) {
        return new LinkStatus(id, 1, "x", "y", true, state,
                state == LinkState.CLOSED ? LinkOutcome.REVERTED : LinkOutcome.OPEN);
    }

    /** The packets the proxy would add to flow X_TO_Y (elements of one identity are summed). */
    private long onFlow() {
        return on(X_TO_Y);
    }

    /** The packets the proxy would add to {@code flow}; fails on an element of a flow not in the tables here. */
    private long on(FlowEntry flow) {
        long sum = 0;
        for (FlowExtra extra : flows.flows()) {
            assertTrue(extra.match().equals(X_TO_Y.match()) || extra.match().equals(X_TO_Y_ABOVE.match()),
                    () -> "unexpected flow " + extra.match());
            if (extra.match().equals(flow.match()) && extra.priority() == flow.priority()) {
                sum += extra.packets();
            }
        }
        return sum;
    }

    @Test
    void linkTrafficIsCountedOnTheSoleFlowAcrossLinksUntilTheFlowIsRemoved() {
        carried(100);                          // earlier links, before this flow was attributed anything
        flows.linkChanged(link(1, LinkState.ATTACHING));
        flows.linkChanged(link(1, LinkState.USABLE));
        assertEquals(1, flows.unattributed(), "y -> x is shared by several rules (here: the function says so)");
        carried(150);
        flows.linkChanged(link(1, LinkState.ACTIVE));
        assertEquals(50, onFlow());
        carried(160);
        flows.linkChanged(link(1, LinkState.CLOSED));
        carried(170);                          // not this link's: nothing live is attributed now
        assertEquals(60, onFlow(), "folded when the link closed");

        flows.linkChanged(link(2, LinkState.ATTACHING));
        flows.linkChanged(link(2, LinkState.USABLE));
        carried(210);
        assertEquals(100, onFlow(), "the folded 60 plus the live link's 40");
        assertEquals(64 * 100, flows.flows().stream().mapToLong(FlowExtra::bytes).sum());

        flows.flowsChanged(Set.of(X_TO_Y.key()));
        assertEquals(0, onFlow(), "OVS's counters went with the removed flow, the live link's share too");
        carried(230);
        assertEquals(20, onFlow(), "the tables (unchanged here) still name X_TO_Y: counted from the removal on");
    }

    @Test
    void aRuleAddedAboveTheLinksFlowTakesTheTrafficFromThenOn() {
        flows.linkChanged(link(1, LinkState.ATTACHING));
        flows.linkChanged(link(1, LinkState.USABLE));
        carried(100);
        flows.flowsChanged(Set.of());
        assertEquals(100, onFlow(), "nothing changed for x -> y");

        xToY = new FlowAttribution.Sole(List.of(X_TO_Y_ABOVE));
        flows.flowsChanged(Set.of());
        carried(130);
        assertEquals(100, on(X_TO_Y), "what the link carried before the new rule stays on the old one");
        assertEquals(30, on(X_TO_Y_ABOVE), "from then on the new rule's");

        flows.linkChanged(link(1, LinkState.CLOSED));
        carried(150);
        assertEquals(100, on(X_TO_Y));
        assertEquals(30, on(X_TO_Y_ABOVE));
    }

    @Test
    void aRelayedFlowModThatResetsAFlowsCountersRestartsWhatTheProxyAddsToIt() {
        xToY = new FlowAttribution.Sole(List.of(X_TO_Y, X_TO_Y_ABOVE));   // as if one rule per table
        flows.linkChanged(link(1, LinkState.ATTACHING));
        flows.linkChanged(link(1, LinkState.USABLE));
        carried(100);
        assertEquals(100, on(X_TO_Y));
        assertEquals(100, on(X_TO_Y_ABOVE));

        flows.countersReset(new CounterReset(0, 200, X_TO_Y_ABOVE.match(), true, 0, 0));
        assertEquals(0, on(X_TO_Y_ABOVE), "the reset flow starts from zero");
        assertEquals(100, on(X_TO_Y), "the other flow keeps what the link carried");
        carried(130);
        assertEquals(30, on(X_TO_Y_ABOVE));
        assertEquals(130, on(X_TO_Y));

        flows.countersReset(new CounterReset(0, 300, X_TO_Y.match(), true, 0, 0));
        carried(140);
        assertEquals(40, on(X_TO_Y_ABOVE), "a reset of no flow here (priority 300) changes nothing");
        assertEquals(140, on(X_TO_Y));

        flows.linkChanged(link(1, LinkState.CLOSED));
        flows.countersReset(new CounterReset(0, 0, Match.ANY, false, 0, 0));
        assertEquals(0, on(X_TO_Y), "a non-strict reset of the whole table forgets what ended links carried");
        assertEquals(0, on(X_TO_Y_ABOVE));
    }

    @Test
    void aFlowDeletedAndAddedAgainStartsFromZeroAsInOvs() {
        flows.linkChanged(link(1, LinkState.ATTACHING));
        flows.linkChanged(link(1, LinkState.USABLE));
        carried(100);
        flows.flowsChanged(Set.of(X_TO_Y.key()));
        assertEquals(0, onFlow(), "the new flow with the same match has counted nothing yet");
        carried(110);
        assertEquals(10, onFlow());
    }

    @Test
    void trafficNowSharedBySeveralRulesIsNoLongerPutOnTheOldFlow() {
        flows.linkChanged(link(1, LinkState.ATTACHING));
        flows.linkChanged(link(1, LinkState.USABLE));
        long before = flows.unattributed();
        carried(100);
        xToY = new FlowAttribution.Shared();
        flows.flowsChanged(Set.of());
        carried(140);
        assertEquals(100, onFlow(), "up to the change");
        assertEquals(before + 1, flows.unattributed());
    }

    @Test
    void whileTheTablesCannotSayTheLinkKeepsItsFlows() {
        flows.linkChanged(link(1, LinkState.ATTACHING));
        flows.linkChanged(link(1, LinkState.USABLE));
        carried(100);
        xToY = new FlowAttribution.Unknown();
        flows.flowsChanged(Set.of());
        carried(120);
        assertEquals(120, onFlow(), "a resync or a revert on its way moves nothing");
        xToY = new FlowAttribution.Sole(List.of(X_TO_Y));
        flows.flowsChanged(Set.of());
        carried(125);
        assertEquals(125, onFlow());
    }

    @Test
    void aStandbyLinkIsAttributedWhenItIsActivatedAndCountsFromWhenItWasMade() {
        carried(100);                          // earlier links
        xToY = new FlowAttribution.Unknown();  // not point-to-point while the standby link is made
        long before = flows.unattributed();
        flows.linkChanged(link(3, LinkState.ATTACHING));
        flows.linkChanged(link(3, LinkState.STANDBY));
        assertEquals(before, flows.unattributed(), "nothing to attribute before usable");
        assertEquals(0, onFlow(), "nothing attributed yet, live or folded");
        xToY = new FlowAttribution.Sole(List.of(X_TO_Y));
        flows.linkChanged(link(3, LinkState.USABLE));
        carried(130);
        assertEquals(30, onFlow(), "counted from the counters when the link was made");
        flows.linkChanged(link(3, LinkState.CLOSED));
        assertEquals(30, onFlow());

        flows.linkChanged(link(4, LinkState.ATTACHING));
        flows.linkChanged(link(4, LinkState.STANDBY));
        flows.linkChanged(link(4, LinkState.ROLLING_BACK));
        flows.linkChanged(link(4, LinkState.CLOSED));
        assertEquals(30, onFlow(), "a standby link rolled back carried nothing and is never attributed");
        assertEquals(before + 1, flows.unattributed(), "only link 3's y -> x (shared)");
    }

    @Test
    void aReadoptedLinkCountsEverythingItCarriedSinceItStarted() {
        carried(500);                          // the adopted link's own counters since it started
        flows.linkChanged(link(7, LinkState.ACTIVE));
        assertEquals(500, onFlow());
        carried(520);
        flows.linkChanged(link(7, LinkState.CLOSED));
        assertEquals(520, onFlow());
    }
}

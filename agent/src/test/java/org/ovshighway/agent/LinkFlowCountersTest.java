package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.PortNo;
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
    private final LinkFlowCounters flows = new LinkFlowCounters(counters,
            (from, to) -> from.equals("x") ? Optional.of(List.of(X_TO_Y)) : Optional.empty());

    private void carried(long packets) {
        directions.put("x>y", new BypassCounters.TrafficCounters(packets, packets * 64));
    }

    private static LinkStatus link(long id, LinkState state) {
        return new LinkStatus(id, 1, "x", "y", true, state,
                state == LinkState.CLOSED ? LinkOutcome.REVERTED : LinkOutcome.OPEN);
    }

    /** The packets the proxy would add to flow X_TO_Y (elements of one identity are summed). */
    private long onFlow() {
        long sum = 0;
        for (FlowExtra extra : flows.flows()) {
            assertEquals(X_TO_Y.match(), extra.match());
            sum += extra.packets();
        }
        return sum;
    }

    @Test
    void linkTrafficIsCountedOnTheSoleFlowAcrossLinksUntilTheFlowIsRemoved() {
        carried(100);                          // earlier links, before this flow was attributed anything
        flows.linkChanged(link(1, LinkState.ATTACHING));
        assertEquals(1, flows.unattributed(), "y -> x is shared by several rules (here: the function says so)");
        carried(150);
        flows.linkChanged(link(1, LinkState.ACTIVE));
        assertEquals(50, onFlow());
        carried(160);
        flows.linkChanged(link(1, LinkState.CLOSED));
        carried(170);                          // not this link's: nothing live is attributed now
        assertEquals(60, onFlow(), "folded when the link closed");

        flows.linkChanged(link(2, LinkState.ATTACHING));
        carried(210);
        assertEquals(100, onFlow(), "the folded 60 plus the live link's 40");
        assertEquals(64 * 100, flows.flows().stream().mapToLong(FlowExtra::bytes).sum());

        flows.flowRemoved(X_TO_Y.key());
        assertEquals(40, onFlow(), "OVS's counters went with the removed flow; the live link's stay");
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

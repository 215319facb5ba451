package org.ovshighway.ovs.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ovshighway.p2p.LinkEvent;
import org.ovshighway.p2p.P2pDetector;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.FlowEvent;
import org.ovshighway.p2p.flow.PortNo;

/** The warm-up's frames go through the real receive pipeline and move a real detector's verdict. */
class FlowMonitorWarmupTest {
    private static final PortNo A = PortNo.of(3);
    private static final PortNo B = PortNo.of(7);

    @Test
    void eachCycleTakesThePointToPointVerdictDownAndUpAgain() {
        List<LinkEvent> verdicts = new ArrayList<>();
        P2pDetector detector = new P2pDetector(verdicts::add);
        detector.setCandidatePorts(Set.of(A, B));

        int done = new FlowMonitorWarmup(3, 7).run(detector::accept, 4);

        assertEquals(4, done);
        List<LinkEvent> expected = new ArrayList<>();
        expected.add(new LinkEvent.DirectionUp(A, B));
        for (int i = 0; i < 4; i++) {
            expected.add(assertInstanceOf(LinkEvent.DirectionDown.class, verdicts.get(expected.size())));
            expected.add(new LinkEvent.DirectionUp(A, B));
        }
        assertEquals(expected, verdicts);
        assertEquals(2, detector.flowCount(), "after the last cycle only the two path flows are left");
    }

    @Test
    void theBreakerDecodesAsTheRuleItStandsFor() {
        List<FlowEvent> events = new ArrayList<>();
        new FlowMonitorWarmup(3, 7).run(events::add, 1);

        // ResyncStarted, the two dump flows, ResyncCompleted, then the breaker added and removed
        assertEquals(6, events.size(), () -> "events: " + events);
        FlowEvent.FlowAdded added = assertInstanceOf(FlowEvent.FlowAdded.class, events.get(4));
        assertEquals(FlowMonitorWarmup.PRIORITY_BREAKER, added.flow().priority());
        assertEquals(List.of(new Action.Output(PortNo.LOCAL)), added.flow().actions());
        assertEquals(FieldMatch.inPort(A), added.flow().match().fields().get(FieldMatch.inPort(A).field()));
        FlowEvent.FlowRemoved removed = assertInstanceOf(FlowEvent.FlowRemoved.class, events.get(5));
        assertEquals(added.flow().key(), removed.key());
    }

    @Test
    void anInterruptedThreadStopsBeforeTheFirstCycle() {
        Thread.currentThread().interrupt();
        try {
            assertEquals(0, new FlowMonitorWarmup(1, 2).run(event -> { }, 1000));
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void portsMustBeDistinctAndPositive() {
        assertThrows(IllegalArgumentException.class, () -> new FlowMonitorWarmup(1, 1));
        assertThrows(IllegalArgumentException.class, () -> new FlowMonitorWarmup(0, 2));
    }
}

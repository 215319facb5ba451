package org.ovshighway.agent;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.ovshighway.p2p.P2pDetector;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.FlowEvent;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.PortNo;
import org.ovshighway.proxy.stats.FlowAddition;

/** {@link BypassController.Verdicts} answered by a real {@link P2pDetector}, for the tests of the proxy's hold judgements. */
final class DetectorVerdicts {
    private DetectorVerdicts() {
    }

    /** A detector with candidate ports {@code ports} that has read {@code flows}. */
    static P2pDetector holding(Set<PortNo> ports, FlowEntry... flows) {
        P2pDetector detector = new P2pDetector(e -> { });
        detector.setCandidatePorts(ports);
        for (FlowEntry flow : flows) {
            detector.accept(new FlowEvent.FlowAdded(flow));
        }
        return detector;
    }

    /**
     * A bridge with a link 1 -> 2 (table 0 priority 1000 in_port=1 -> output:2) and port 3
     * forwarding to 1 (priority 1000 in_port=3 -> output:1), checked point-to-point.
     */
    static BypassController.Verdicts oneToTwoAndThreeToOne() {
        PortNo p1 = new PortNo(1);
        PortNo p2 = new PortNo(2);
        PortNo p3 = new PortNo(3);
        P2pDetector detector = holding(Set.of(p1, p2, p3),
                new FlowEntry(0, 1000, 0, Match.of(FieldMatch.inPort(p1)), List.of(new Action.Output(p2)), 0, 0, Set.of()),
                new FlowEntry(0, 1000, 0, Match.of(FieldMatch.inPort(p3)), List.of(new Action.Output(p1)), 0, 0, Set.of()));
        if (!detector.isPointToPoint(p1, p2)) {
            throw new AssertionError("1 -> 2 not point-to-point: " + detector.explain(p1));
        }
        return of(detector);
    }

    /** The tables as {@code detector} holds them, with every question answered. */
    static BypassController.Verdicts of(P2pDetector detector) {
        return of(detector, true);
    }

    /** The same, with {@link BypassController.Verdicts#soleFlows} unknown unless {@code soleFlowsKnown}. */
    static BypassController.Verdicts of(P2pDetector detector, boolean soleFlowsKnown) {
        return new BypassController.Verdicts() {
            @Override
            public boolean pointToPoint(String from, String to) {
                return false;
            }

            @Override
            public Optional<P2pDetector.RuleInPorts> inPortsOf(Predicate<FlowEntry> selected) {
                return Optional.of(detector.inPortsOf(selected));
            }

            @Override
            public Optional<List<FlowEntry>> soleFlows(long from) {
                return soleFlowsKnown ? detector.soleFlows(PortNo.of(from)) : Optional.empty();
            }

            @Override
            public boolean addedRuleMayHandle(long from, FlowAddition rule) {
                return detector.addedRuleMayHandle(PortNo.of(from), rule.anyTable() ? P2pDetector.ANY_TABLE
                        : rule.tableId(), rule.priority(), rule.match());
            }
        };
    }
}

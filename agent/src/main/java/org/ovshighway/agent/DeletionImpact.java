package org.ovshighway.agent;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.ovshighway.p2p.P2pDetector;
import org.ovshighway.p2p.flow.PortNo;
import org.ovshighway.proxy.stats.FlowDeletion;

/**
 * Which directions a delete may break, worked out from the rules it removes, which the mirror
 * knows, instead of from its match ({@link org.ovshighway.proxy.impact.FlowChangeClassifier} must
 * take a delete without in_port to reach every port). X → Y may break only when the delete removes
 * a rule X's traffic takes: one of X's sole rules ({@link P2pDetector#soleFlows}), or, when X has
 * no sole path to tell, any rule whose in_port is X or not one port. Sound because:
 * <ul>
 *   <li>removing a rule changes only the forwarding of traffic the rule handles now; a rule whose
 *       in_port is Z never handles traffic that arrived on X, in any table (a packet's in_port
 *       stays what it was), and a rule X's traffic never reaches or always loses on does not
 *       handle it;</li>
 *   <li>removing a rule never makes another rule reach Y (DESIGN.md's second point-to-point
 *       condition can only lose blockers);</li>
 *   <li>rules the mirror does not hold yet were relayed after every live link was judged, each
 *       keeping that link point-to-point (X's traffic takes the mirror's sole rules or rules that
 *       only forward it to Y), so removing one of them keeps it point-to-point too;</li>
 *   <li>{@link FlowDeletion#removes} picks a superset of what the switch removes.</li>
 * </ul>
 */
final class DeletionImpact {
    private DeletionImpact() {
    }

    /**
     * The test for {@code frame} when it is a delete whose removed rules the tables tell; empty
     * when it is not a delete this can decode or the tables are not known (the caller keeps the
     * classifier's judgement).
     */
    static Optional<DirectionTest> of(ByteBuf frame, BypassController.Verdicts verdicts) {
        Optional<FlowDeletion> decoded = FlowDeletion.of(frame);
        if (decoded.isEmpty()) {
            return Optional.empty();
        }
        FlowDeletion deletion = decoded.get();
        return verdicts.inPortsOf(deletion::removes).map(in -> (from, to) -> in.mayHandle(PortNo.of(from))
                && verdicts.soleFlows(from).map(flows -> flows.stream().anyMatch(deletion::removes)).orElse(true));
    }
}

package org.ovshighway.agent;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.ovshighway.p2p.flow.PortNo;
import org.ovshighway.proxy.impact.FlowChangeImpact;
import org.ovshighway.proxy.stats.FlowDeletion;

/**
 * A delete's impact worked out from the rules it removes, which the mirror knows, instead of from
 * its match ({@link org.ovshighway.proxy.impact.FlowChangeClassifier} must take a delete without
 * in_port to reach every port). Sound because:
 * <ul>
 *   <li>removing a rule changes only the forwarding of traffic the rule could handle, and a rule
 *       whose in_port is Z never handles traffic that arrived on X, in any table (a packet's in_port
 *       stays what it was);</li>
 *   <li>removing a rule never makes another rule reach Y (DESIGN.md's second point-to-point
 *       condition can only lose blockers), so a delete's outputs are none;</li>
 *   <li>rules the mirror does not hold yet were relayed after every live link was judged, each
 *       keeping that link point-to-point (or they are the monitor's to report, as for any client
 *       that bypasses the proxy), so removing one of them keeps it point-to-point too;</li>
 *   <li>{@link FlowDeletion#removes} picks a superset of what the switch removes.</li>
 * </ul>
 */
final class DeletionImpact {
    private DeletionImpact() {
    }

    /**
     * The impact of {@code frame} when it is a delete whose removed rules the tables tell; empty
     * when it is not a delete this can decode or the tables are not known (the caller keeps the
     * classifier's judgement).
     */
    static Optional<FlowChangeImpact> of(ByteBuf frame, BypassController.Verdicts verdicts) {
        Optional<FlowDeletion> deletion = FlowDeletion.of(frame);
        if (deletion.isEmpty()) {
            return Optional.empty();
        }
        return verdicts.inPortsOf(deletion.get()::removes).map(in -> new FlowChangeImpact.Ports(
                in.ports().stream().map(PortNo::number).collect(Collectors.toSet()), in.anyPort(), Set.of(), false));
    }
}

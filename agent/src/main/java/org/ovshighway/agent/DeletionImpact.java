package org.ovshighway.agent;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.ovshighway.p2p.P2pDetector;
import org.ovshighway.p2p.flow.FlowEntry;
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
     * The test for {@code frame} when it is a delete this can decode, else empty (the caller keeps
     * the classifier's judgement). A direction whose rules the tables cannot tell (not known yet,
     * a resync, no sole rules and no rule scan) may be affected.
     */
    static Optional<DirectionTest> of(ByteBuf frame, BypassController.Verdicts verdicts) {
        return FlowDeletion.of(frame).map(deletion -> selectsRuleTakenBy(deletion::removes, verdicts));
    }

    /**
     * X → Y may be affected when {@code selected} picks a rule X's traffic takes: one of X's sole
     * rules, or, when X has none to tell, a rule whose in_port is X or not one port (a scan of every
     * rule, made at most once per test and only when needed). Also what a modify's selection is
     * judged by ({@link ModificationImpact}).
     */
    static DirectionTest selectsRuleTakenBy(Predicate<FlowEntry> selected, BypassController.Verdicts verdicts) {
        Supplier<Optional<P2pDetector.RuleInPorts>> selectedInPorts = memoized(() -> verdicts.inPortsOf(selected));
        return (from, to) -> {
            if (from < 0) {
                return true;   // a port whose OpenFlow number is not known (-1): the tables cannot tell
            }
            Optional<List<FlowEntry>> sole = verdicts.soleFlows(from);
            if (sole.isPresent()) {
                return sole.get().stream().anyMatch(selected);
            }
            return selectedInPorts.get().map(in -> in.mayHandle(PortNo.of(from))).orElse(true);
        };
    }

    /** {@code supplier}'s value, computed on the first get only (one thread). */
    static <T> Supplier<T> memoized(Supplier<T> supplier) {
        return new Supplier<>() {
            private T value;
            private boolean done;

            @Override
            public T get() {
                if (!done) {
                    value = supplier.get();
                    done = true;
                }
                return value;
            }
        };
    }
}

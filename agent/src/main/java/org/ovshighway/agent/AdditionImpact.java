package org.ovshighway.agent;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.ovshighway.proxy.impact.FlowChangeImpact;
import org.ovshighway.proxy.stats.FlowAddition;

/**
 * Which directions an ADD may break, with the tables asked whether the added rule can take any of
 * a direction's traffic ({@link BypassController.Verdicts#addedRuleMayHandle}) instead of assuming
 * that a rule without in_port does. What the rule does with what it handles, and whether it may
 * send anything to Y, stays {@link org.ovshighway.proxy.impact.FlowChangeClassifier}'s call: a
 * rule that may reach Y breaks X → Y wherever it sits (DESIGN.md's second condition).
 *
 * <p>Sound against rules relayed but not yet in the mirror: each kept every live direction
 * point-to-point, so the rules X's traffic takes now are the mirror's sole rules or rules that only
 * forward X's traffic to Y; a rule that loses to the mirror's sole rule of a table (lower priority)
 * or matches none of X's traffic there loses to those too.
 */
final class AdditionImpact {
    private AdditionImpact() {
    }

    /**
     * The test for {@code frame} when it is an ADD whose reach the classifier worked out
     * ({@code impact}); empty otherwise (the classifier's judgement stands).
     */
    static Optional<DirectionTest> of(ByteBuf frame, FlowChangeImpact impact, BypassController.Verdicts verdicts) {
        if (!(impact instanceof FlowChangeImpact.Ports ports)) {
            return Optional.empty();
        }
        // a port whose OpenFlow number is not known (-1): the tables cannot tell
        return FlowAddition.of(frame).map(rule -> (from, to) -> ports.mayAffect(from, to)
                && (ports.anyOutput() || ports.outputs().contains(to) || from < 0
                || verdicts.addedRuleMayHandle(from, rule)));
    }
}

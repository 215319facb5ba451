package org.ovshighway.agent;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.ovshighway.proxy.impact.FlowChangeImpact;
import org.ovshighway.proxy.stats.FlowModification;

/**
 * Which directions a MODIFY may break, with the tables asked which rules it changes instead of
 * assuming that a modify without in_port changes the rules of every port. X → Y may break only when
 * {@link org.ovshighway.proxy.impact.FlowChangeClassifier} says the new actions may (by ports), and
 * <ul>
 *   <li>they may send something to Y, or anywhere (DESIGN.md's second condition, wherever the
 *       changed rule sits); or</li>
 *   <li>the modify changes a rule X's traffic takes (its selection is a delete's:
 *       {@link DeletionImpact#selectsRuleTakenBy}); or</li>
 *   <li>the rule it adds when it changes none may handle X's traffic
 *       ({@link BypassController.Verdicts#addedRuleMayHandle}, as for an ADD).</li>
 * </ul>
 *
 * <p>Unlike a delete's or an add's, this judgement needs the mirror to hold every rule relayed
 * before it: a rule relayed but not reported yet that only forwards X's traffic to Y takes X's
 * traffic unknown to the mirror, and a modify may give it other actions. The caller therefore asks
 * for it only when the mirror is known to hold every change relayed before the modify (barrier
 * replies and a monitor barrier, {@link MirrorCatchUp}) or no flow change was relayed within the
 * quiet margin: what the agent trusts before it links a pair after a relayed flow change.
 */
final class ModificationImpact {
    private ModificationImpact() {
    }

    /**
     * The test for {@code frame} when it is a modify this can decode and whose new actions the
     * classifier worked out ({@code impact}); empty otherwise (the classifier's judgement stands).
     */
    static Optional<DirectionTest> of(ByteBuf frame, FlowChangeImpact impact, BypassController.Verdicts verdicts) {
        if (!(impact instanceof FlowChangeImpact.Ports ports)) {
            return Optional.empty();
        }
        return FlowModification.of(frame).map(modify -> {
            DirectionTest changesRuleTaken = DeletionImpact.selectsRuleTakenBy(modify::changes, verdicts);
            return (from, to) -> ports.mayAffect(from, to)
                    && (ports.anyOutput() || ports.outputs().contains(to) || changesRuleTaken.mayAffect(from, to)
                    || verdicts.addedRuleMayHandle(from, modify.addsWhenNoneMatch()));
        });
    }
}

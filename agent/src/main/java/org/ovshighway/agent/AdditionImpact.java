package org.ovshighway.agent;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.ovshighway.ovs.openflow.FlowModActions;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.proxy.impact.FlowChangeImpact;
import org.ovshighway.proxy.stats.FlowAddition;
import org.ovshighway.proxy.stats.FlowModFrame;

/**
 * Which directions an ADD may break, with the tables asked whether the added rule can take any of
 * a direction's traffic ({@link BypassController.Verdicts#addedRuleMayHandle}) instead of assuming
 * that a rule without in_port does. What the rule does with what it handles, and whether it may
 * send anything to Y, stays {@link org.ovshighway.proxy.impact.FlowChangeClassifier}'s call: a
 * rule that may reach Y breaks X → Y wherever it sits (DESIGN.md's second condition).
 *
 * <p>An ADD that puts back one of X's sole rules exactly as the mirror holds it (same table,
 * priority, match, actions and timeouts: a controller re-installing its flows) changes nothing X's
 * traffic meets, and is not held for X → Y whatever it outputs: the switch replaces the rule with
 * itself (an OpenFlow 1.0 ADD resets its counters, which {@link CounterResetRelay} follows).
 *
 * <p>Sound against rules relayed but not yet in the mirror: each kept every live direction
 * point-to-point, so the rules X's traffic takes now are the mirror's sole rules or rules that only
 * forward X's traffic to Y; a rule that loses to the mirror's sole rule of a table (lower priority)
 * or matches none of X's traffic there loses to those too. A sole rule that such a relayed rule
 * replaced (same key, only forwarding X's traffic to Y) goes back to the mirror's version by a
 * re-install, which kept X → Y point-to-point.
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
        Optional<FlowAddition> decoded = FlowAddition.of(frame);
        if (decoded.isEmpty()) {
            return Optional.empty();
        }
        FlowAddition rule = decoded.get();
        // the actions are decoded only for a direction whose sole rules are asked about
        Supplier<Predicate<FlowEntry>> sameRule = DeletionImpact.memoized(() -> reinstalls(frame, rule));
        // a port whose OpenFlow number is not known (-1): the tables cannot tell
        return Optional.of((from, to) -> ports.mayAffect(from, to)
                && (from < 0 || !verdicts.soleFlows(from).map(sole -> sole.stream().anyMatch(sameRule.get())).orElse(false))
                && (ports.anyOutput() || ports.outputs().contains(to) || from < 0
                || verdicts.addedRuleMayHandle(from, rule)));
    }

    /**
     * Whether {@code frame} is an ADD that puts back a rule the mirror holds exactly as it holds it
     * (same key, actions, timeouts), whichever ports it concerns: the switch replaces that rule with
     * itself and forwards as before. Sound only when the mirror holds every flow change relayed
     * before {@code frame} (a relayed change not in it may have changed that rule). Looks through
     * every rule the mirror holds: asked only for an ADD that would otherwise be held.
     */
    static boolean reinstallsAMirroredRule(ByteBuf frame, BypassController.Verdicts verdicts) {
        Optional<FlowAddition> rule = FlowAddition.of(frame);
        if (rule.isEmpty()) {
            return false;
        }
        return verdicts.inPortsOf(reinstalls(frame, rule.get()))
                .map(found -> found.anyPort() || !found.ports().isEmpty())
                .orElse(false);
    }

    /**
     * Which mirror flow {@code frame} re-installs unchanged: same key ({@link FlowAddition#sameKeyAs}),
     * actions (decoded as the flow monitor decodes them) and timeouts; none when its actions cannot
     * be decoded.
     */
    private static Predicate<FlowEntry> reinstalls(ByteBuf frame, FlowAddition rule) {
        Optional<FlowModFrame> flowMod = FlowModFrame.of(frame);
        Optional<List<Action>> actions = flowMod.flatMap(FlowModFrame::actionList)
                .flatMap(list -> FlowModActions.decode(flowMod.get().version(), list));
        if (actions.isEmpty()) {
            return flow -> false;
        }
        int idle = flowMod.get().idleTimeout();
        int hard = flowMod.get().hardTimeout();
        return flow -> rule.sameKeyAs(flow) && flow.idleTimeout() == idle && flow.hardTimeout() == hard
                && flow.actions().equals(actions.get());
    }
}

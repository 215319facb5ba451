package org.ovshighway.p2p;

import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.PortNo;

/**
 * What a rule with an exact in_port does with the traffic it matches, as far as the rule alone
 * decides it; {@link PortAnalyzer}'s per-rule effect gives the same answer for {@code SIMPLE} and
 * {@code REFUSED} rules, and needs the rest of the tables only for {@code COMPLEX} ones.
 */
enum RuleKind {
    /** Exactly one action, output to an ordinary port other than the rule's in_port; no idle_timeout. */
    SIMPLE,
    /** Disqualified by itself: drop, rewrite, meter, set_queue, extension, several effects, reserved or in_port output, backward goto, idle_timeout. */
    REFUSED,
    /** A single group or a forward goto_table: the answer depends on the group table or a later table. */
    COMPLEX;

    /** @param inPort the rule's exact input port */
    static RuleKind of(FlowEntry entry, PortNo inPort) {
        if (entry.idleTimeout() != 0 || entry.actions().size() != 1) {
            return REFUSED;
        }
        return switch (entry.actions().getFirst()) {
            case Action.Output(PortNo to) -> to.isReserved() || to.equals(inPort) ? REFUSED : SIMPLE;
            case Action.Group g -> COMPLEX;
            case Action.GotoTable(int next) -> next <= entry.tableId() ? REFUSED : COMPLEX;
            case Action.SetField s -> REFUSED;
            case Action.HeaderRewrite h -> REFUSED;
            case Action.SetQueue q -> REFUSED;
            case Action.Meter m -> REFUSED;
            case Action.Other o -> REFUSED;
        };
    }
}

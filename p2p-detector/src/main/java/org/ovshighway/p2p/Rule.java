package org.ovshighway.p2p;

import java.util.Optional;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.FlowKey;
import org.ovshighway.p2p.flow.PortNo;

/**
 * A flow entry held by the mirror, with what the detector derived from it. {@code reach} depends on
 * the groups the entry references and is refreshed when they change; everything else is fixed.
 */
final class Rule {
    final FlowEntry entry;
    final FlowKey key;
    /** The exact input port, or {@code null} when in_port is wildcarded or masked. */
    final PortNo inPort;
    /** For a rule with an exact in_port, what the rule alone says about its traffic; {@code null} otherwise. */
    final RuleKind kind;
    /** The output port of a {@link RuleKind#SIMPLE} rule, else {@code null}. */
    final PortNo simpleTo;
    /** True when the match is exactly {@code in_port=X}: the rule matches all traffic of its in_port. */
    final boolean coversInPort;
    Reach reach = Reach.NONE;

    Rule(FlowEntry entry) {
        this.entry = entry;
        this.key = entry.key();
        Optional<PortNo> in = entry.match().inPort();
        this.inPort = in.orElse(null);
        this.kind = inPort == null ? null : RuleKind.of(entry, inPort);
        this.simpleTo = kind == RuleKind.SIMPLE ? ((Action.Output) entry.actions().getFirst()).port() : null;
        this.coversInPort = inPort != null && entry.match().fields().size() == 1;
    }

    int table() {
        return key.tableId();
    }

    int priority() {
        return key.priority();
    }

    @Override
    public String toString() {
        return entry.toString();
    }
}

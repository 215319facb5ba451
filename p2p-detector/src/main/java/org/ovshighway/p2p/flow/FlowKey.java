package org.ovshighway.p2p.flow;

import java.util.Objects;

/** The identity of a flow entry in OpenFlow: table, priority and match (what a strict modify or delete names). */
public record FlowKey(int tableId, int priority, Match match) {

    public FlowKey {
        FlowEntry.requireTableId(tableId);
        FlowEntry.requirePriority(priority);
        Objects.requireNonNull(match, "match");
    }

    /** {@code table T priority P MATCH}, the way explanations name a rule. */
    @Override
    public String toString() {
        return "table " + tableId + " priority " + priority + " " + match;
    }
}

package org.ovshighway.p2p;

import java.util.Map;
import java.util.Set;
import org.ovshighway.p2p.flow.PortNo;

/**
 * What the tables do with all traffic arriving on one port, and which parts of the tables that
 * answer read. {@code tableStops} maps each table the analysis read to the lowest priority it
 * examined there (-1: every priority, after a table miss): only a rule change in that table, for
 * this port or a wildcard in_port, at that priority or above can change the outcome. {@code groups}
 * are the groups the outcome depends on.
 */
record PortAnalysis(PortNo port, Outcome outcome, Map<Integer, Integer> tableStops, Set<Long> groups) {

    /** Lowest priority recorded for "the analysis read every rule of the table". */
    static final int ALL_PRIORITIES = -1;

    PortAnalysis {
        tableStops = Map.copyOf(tableStops);
        groups = Set.copyOf(groups);
    }

    sealed interface Outcome {
    }

    /** Every packet from the port is output to {@code to} and only there; {@code evidence} is one rule that does it. */
    record Forwards(PortNo to, Rule evidence) implements Outcome {
    }

    /** Some packet from the port may be handled otherwise; {@code refusal} names the rule, its text is built on demand. */
    record Refused(Refusal refusal) implements Outcome {
    }
}

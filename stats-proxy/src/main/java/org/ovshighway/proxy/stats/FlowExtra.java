package org.ovshighway.proxy.stats;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.Match;

/**
 * Extra counters of one flow. A flow is identified the way a flow-stats reply entry names it:
 * table id, priority, cookie and match, the match compared as the detector's model (a set of
 * field constraints, order-independent; see {@link MatchDecoder} for how each wire format maps
 * into it). {@code outPorts} and {@code outGroups} are the ports and groups the flow's own actions
 * output to (what OpenFlow's out_port/out_group filters of a stats request test); they are only
 * used to decide whether an aggregate request with such a filter selects the flow.
 */
public record FlowExtra(int tableId, int priority, long cookie, Match match, Set<Long> outPorts, Set<Long> outGroups,
                        long packets, long bytes) {

    public FlowExtra {
        if (tableId < 0 || tableId > FlowEntry.MAX_TABLE_ID || priority < 0 || priority > FlowEntry.MAX_PRIORITY) {
            throw new IllegalArgumentException("flow table or priority out of range: tableId=" + tableId + " priority=" + priority);
        }
        Objects.requireNonNull(match, "match");
        outPorts = Set.copyOf(Objects.requireNonNull(outPorts, "outPorts"));
        outGroups = Set.copyOf(Objects.requireNonNull(outGroups, "outGroups"));
        if (packets < 0 || bytes < 0) {
            throw new IllegalArgumentException("flow counters must be non-negative: packets=" + packets + " bytes=" + bytes
                    + " flow=" + tableId + "/" + priority + "/" + match);
        }
    }

    /** The extra counters of a flow of the detector's mirror; outputs taken from its actions. */
    public static FlowExtra of(FlowEntry flow, long packets, long bytes) {
        Set<Long> ports = new HashSet<>();
        Set<Long> groups = new HashSet<>();
        for (Action a : flow.actions()) {
            if (a instanceof Action.Output o) {
                ports.add(o.port().number());
            } else if (a instanceof Action.Group g) {
                groups.add(g.groupId());
            }
        }
        return new FlowExtra(flow.tableId(), flow.priority(), flow.cookie(), flow.match(), ports, groups, packets, bytes);
    }
}

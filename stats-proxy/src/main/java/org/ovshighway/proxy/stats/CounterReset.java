package org.ovshighway.proxy.stats;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.Match;

/**
 * The flows whose counters a FLOW_MOD makes the switch reset, as OVS applies it
 * ({@code ofp-flow.c ofputil_decode_flow_mod_flags}, {@code ofproto.c replace_rule_start}): in
 * OpenFlow 1.0 an ADD always resets the counters of the flow it replaces (same table, priority and
 * match) and a modify never does; from 1.2 on, ADD, MODIFY and MODIFY_STRICT reset exactly when
 * they carry {@code OFPFF_RESET_COUNTS}. A controller that re-installs a flow a link stands for
 * reads that flow's counters from zero afterwards; the traffic the proxy adds to it must restart
 * from zero too ({@link #resets}). OpenFlow 1.1 FLOW_MODs (their own match format, which OVS's
 * {@code ovs-ofctl} never sends by default) are not decoded.
 * Frame layouts: {@link FlowModFrame}.
 *
 * @param tableId    the table, or {@link FlowStatsRequest#ALL_TABLES}
 * @param priority   the priority (only a strict reset compares it)
 * @param match      the FLOW_MOD's match
 * @param strict     ADD or MODIFY_STRICT (the one flow of that table, priority and match), else every
 *                   flow of the table whose match is at least as specific
 * @param cookie     with {@code cookieMask}: a modify's cookie filter (mask 0 selects every cookie)
 * @param cookieMask the cookie mask
 */
public record CounterReset(int tableId, int priority, Match match, boolean strict, long cookie, long cookieMask) {

    private static final int OFPFF12_RESET_COUNTS = 1 << 2;

    public CounterReset {
        match = CanonicalMatch.of(match);
    }

    /** Whether the switch resets {@code flow}'s counters when it applies this FLOW_MOD. */
    public boolean resets(FlowEntry flow) {
        if (tableId != FlowStatsRequest.ALL_TABLES && tableId != flow.tableId()) {
            return false;
        }
        Match theirs = CanonicalMatch.of(flow.match());
        if (strict) {
            return priority == flow.priority() && match.equals(theirs)
                    && (flow.cookie() & cookieMask) == (cookie & cookieMask);
        }
        return (flow.cookie() & cookieMask) == (cookie & cookieMask) && match.covers(theirs);
    }

    /**
     * The reset {@code frame} (one whole message toward the switch; not modified) makes, or empty:
     * not a FLOW_MOD, a FLOW_MOD that resets nothing, or one too short or malformed to say (the
     * relay deals with malformed frames; a reset missed only leaves counters as they were).
     */
    public static Optional<CounterReset> of(ByteBuf frame) {
        Optional<FlowModFrame> decoded = FlowModFrame.of(frame);
        if (decoded.isEmpty()) {
            return Optional.empty();
        }
        FlowModFrame flowMod = decoded.get();
        int command = flowMod.command();
        try {
            if (flowMod.form() != FlowModFrame.Form.OF12) {
                return command != FlowModFrame.ADD ? Optional.empty() : Optional.of(new CounterReset(flowMod.of10Table(),
                        flowMod.priority(), flowMod.match(), true, 0, 0));
            }
            if ((flowMod.flags() & OFPFF12_RESET_COUNTS) == 0 || (command != FlowModFrame.ADD
                    && command != FlowModFrame.MODIFY && command != FlowModFrame.MODIFY_STRICT)) {
                return Optional.empty();
            }
            boolean modify = command != FlowModFrame.ADD;
            return Optional.of(new CounterReset(flowMod.tableId(), flowMod.priority(), flowMod.match(),
                    command != FlowModFrame.MODIFY, modify ? flowMod.cookie() : 0, modify ? flowMod.cookieMask() : 0));
        } catch (MalformedStatsException | IllegalArgumentException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }
}

package org.ovshighway.proxy.stats;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.Match;

/**
 * The rule an ADD FLOW_MOD puts into the switch's tables: its table, priority and match (what its
 * actions do is {@link org.ovshighway.proxy.impact.FlowChangeClassifier}'s part). In OpenFlow 1.0
 * (plain or NXT_FLOW_MOD) the table is the command's high byte, which OVS reads only when the
 * connection turned on its flow_mod_table_id extension and otherwise replaces by table 0: a high
 * byte of 0 is table 0 either way, any other is taken as {@link FlowStatsRequest#ALL_TABLES} ("some
 * table"). An OpenFlow 1.2+ ADD names its table ({@code OFPTT_ALL}, which OVS refuses for an add,
 * likewise reads as "some table"). OpenFlow 1.1 is not decoded; a modify's rule is
 * {@link FlowModification#addsWhenNoneMatch}. Frame layouts: {@link FlowModFrame}.
 *
 * @param tableId  the table, or {@link FlowStatsRequest#ALL_TABLES} when it may be any
 * @param priority the rule's priority
 * @param match    the rule's match
 */
public record FlowAddition(int tableId, int priority, Match match) {

    public FlowAddition {
        match = CanonicalMatch.of(match);
    }

    /**
     * Whether {@code flow} (as the agent's mirror holds it, possibly learnt in another OpenFlow
     * encoding) has this rule's table, priority and match: the rule the switch replaces with this one.
     */
    public boolean sameKeyAs(FlowEntry flow) {
        return !anyTable() && tableId == flow.tableId() && priority == flow.priority()
                && match.equals(CanonicalMatch.of(flow.match()));
    }

    /** Whether the rule's table is not known: it may be any. */
    public boolean anyTable() {
        return tableId == FlowStatsRequest.ALL_TABLES;
    }

    /**
     * The rule {@code frame} (one whole message toward the switch; not modified) adds, or empty: not
     * an ADD, or one this class does not decode (OpenFlow 1.1, too short, malformed).
     */
    public static Optional<FlowAddition> of(ByteBuf frame) {
        Optional<FlowModFrame> decoded = FlowModFrame.of(frame);
        if (decoded.isEmpty() || decoded.get().command() != FlowModFrame.ADD) {
            return Optional.empty();
        }
        try {
            return Optional.of(rule(decoded.get()));
        } catch (MalformedStatsException | IllegalArgumentException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    /** The rule {@code flowMod} puts into the tables when it adds one (an ADD, or a modify that changes none). */
    static FlowAddition rule(FlowModFrame flowMod) throws MalformedStatsException {
        int table = flowMod.form() == FlowModFrame.Form.OF12 ? flowMod.tableId()
                : flowMod.of10Table() == 0 ? 0 : FlowStatsRequest.ALL_TABLES;
        return new FlowAddition(table, flowMod.priority(), flowMod.match());
    }
}

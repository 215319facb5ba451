package org.ovshighway.proxy.stats;

import io.netty.buffer.ByteBuf;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.ovshighway.p2p.flow.FieldId;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.Match;

/**
 * The flows a DELETE or DELETE_STRICT FLOW_MOD removes, as OVS applies it ({@code ofp-flow.c
 * ofputil_decode_flow_mod}, {@code ofproto.c delete_flows_start__}), or a superset of them
 * ({@link #removes}): a strict delete removes the one flow of the table with that priority and
 * match, a non-strict one every flow whose match is at least as specific, both only among flows
 * whose cookie agrees under the cookie mask. The {@code out_port} and {@code out_group} filters are
 * not applied (they only ever narrow what is removed), and an OpenFlow 1.0 delete (plain or NXT_FLOW_MOD) is taken to reach
 * every table: its table is the command's high byte only when the connection turned on OVS's
 * flow_mod_table_id extension. A plain OF1.0 delete has no cookie filter; an NXT_FLOW_MOD's is the
 * NXM_NX_COOKIE(_W) of its match.
 * OpenFlow 1.1 FLOW_MODs are not decoded. Frame layouts: {@link FlowModFrame}.
 *
 * @param tableId    the table, or {@link FlowStatsRequest#ALL_TABLES}
 * @param priority   the priority (only a strict delete compares it)
 * @param match      the FLOW_MOD's match, kept on the fields every encoding names alike (see {@link #removes})
 * @param strict     DELETE_STRICT
 * @param cookie     with {@code cookieMask}: the cookie filter (mask 0 selects every cookie)
 * @param cookieMask the cookie mask
 */
public record FlowDeletion(int tableId, int priority, Match match, boolean strict, long cookie, long cookieMask) {

    /**
     * Fields every encoding names alike once canonical: the OXM basic ones, and Nicira's class-1 NXM
     * fields (registers, ct_state, ip_ttl...), whose NXM header OVS writes in OXM matches too.
     */
    private static final Set<FieldId> BASIC_FIELDS = basicFields();
    private static final String NICIRA_CLASS_PREFIX = "oxm_0x0001_";

    public FlowDeletion {
        match = comparable(CanonicalMatch.of(match));
    }

    /**
     * Whether applying this FLOW_MOD may remove {@code flow} (a flow as the agent's mirror holds it,
     * possibly learnt in another OpenFlow encoding). A superset of what the switch removes: only the
     * delete's constraints on fields every encoding names alike are compared (an experimenter or
     * packet-register field, which an encoding may name otherwise, is taken to match), and a strict
     * delete removes any flow of its priority that its match covers (the switch: only the one whose
     * match equals it).
     */
    public boolean removes(FlowEntry flow) {
        if (tableId != FlowStatsRequest.ALL_TABLES && tableId != flow.tableId()) {
            return false;
        }
        if ((flow.cookie() & cookieMask) != (cookie & cookieMask)) {
            return false;
        }
        if (strict && priority != flow.priority()) {
            return false;
        }
        return match.covers(CanonicalMatch.of(flow.match()));
    }

    private static Match comparable(Match match) {
        Match kept = match;
        for (FieldId field : match.fields().keySet()) {
            if (!BASIC_FIELDS.contains(field) && !field.name().startsWith(NICIRA_CLASS_PREFIX)) {
                kept = kept.without(field);
            }
        }
        return kept;
    }

    private static Set<FieldId> basicFields() {
        Set<FieldId> fields = new HashSet<>();
        for (int field = 0; field <= 0x7f; field++) {
            FieldId id = FieldId.oxm(FieldId.OXM_CLASS_OPENFLOW_BASIC, field);
            if (!id.name().startsWith("oxm_")) {
                fields.add(id);
            }
        }
        return Set.copyOf(fields);
    }

    /**
     * The deletion {@code frame} (one whole message toward the switch; not modified) asks for, or
     * empty: not a delete, or one this class does not decode (OpenFlow 1.1, too short, malformed).
     * The caller then judges the frame without knowing what it removes.
     */
    public static Optional<FlowDeletion> of(ByteBuf frame) {
        Optional<FlowModFrame> decoded = FlowModFrame.of(frame);
        if (decoded.isEmpty()) {
            return Optional.empty();
        }
        FlowModFrame flowMod = decoded.get();
        int command = flowMod.command();
        if (command != FlowModFrame.DELETE && command != FlowModFrame.DELETE_STRICT) {
            return Optional.empty();
        }
        try {
            return Optional.of(selection(flowMod, command == FlowModFrame.DELETE_STRICT));
        } catch (MalformedStatsException | IllegalArgumentException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    /**
     * The rules {@code flowMod} selects by its table, cookie filter, match and, when {@code strict},
     * priority: those a delete removes and a modify changes (OVS selects both alike, {@code ofproto.c
     * collect_rules_loose/strict}).
     */
    static FlowDeletion selection(FlowModFrame flowMod, boolean strict) throws MalformedStatsException {
        MatchDecoder.Decoded match = flowMod.decodeMatch();
        return switch (flowMod.form()) {
            case OF10, NICIRA -> new FlowDeletion(FlowStatsRequest.ALL_TABLES, flowMod.priority(), match.match(), strict,
                    match.cookie(), match.cookieMask());
            case OF12 -> new FlowDeletion(flowMod.tableId(), flowMod.priority(), match.match(), strict, flowMod.cookie(),
                    flowMod.cookieMask());
        };
    }
}

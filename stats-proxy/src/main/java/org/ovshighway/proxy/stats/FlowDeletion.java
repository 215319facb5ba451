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
 * whose cookie agrees under the cookie mask. The {@code out_port} and {@code out_group} filters are not applied (they only
 * ever narrow what is removed), and an OpenFlow 1.0 delete (plain or NXT_FLOW_MOD) is taken to reach
 * every table: its table is the command's high byte only when the connection turned on OVS's
 * flow_mod_table_id extension. A plain OF1.0 delete has no cookie filter; an NXT_FLOW_MOD's is the
 * NXM_NX_COOKIE(_W) of its match.
 * OpenFlow 1.1 FLOW_MODs are not decoded. Frame layouts: {@link CounterReset}.
 *
 * @param tableId    the table, or {@link FlowStatsRequest#ALL_TABLES}
 * @param priority   the priority (only a strict delete compares it)
 * @param match      the FLOW_MOD's match
 * @param strict     DELETE_STRICT
 * @param cookie     with {@code cookieMask}: the cookie filter (mask 0 selects every cookie)
 * @param cookieMask the cookie mask
 */
public record FlowDeletion(int tableId, int priority, Match match, boolean strict, long cookie, long cookieMask) {

    private static final int OF10 = 1;
    private static final int OF12 = 3;
    private static final int OF15 = 6;
    private static final int FLOW_MOD = 14;
    private static final int EXPERIMENTER = 4;
    private static final long NICIRA = 0x00002320L;
    private static final int NXT_FLOW_MOD = 13;
    private static final int DELETE = 3;
    private static final int DELETE_STRICT = 4;

    private static final int OF10_MATCH_OFFSET = 8;
    private static final int OF10_COMMAND_OFFSET = OF10_MATCH_OFFSET + MatchDecoder.OF10_MATCH_LENGTH + 8;
    private static final int OF10_PRIORITY_OFFSET = OF10_COMMAND_OFFSET + 6;
    private static final int OF10_FLOW_MOD_LENGTH = OF10_PRIORITY_OFFSET + 2 + 4 + 2 + 2;

    private static final int NX_SUBTYPE_OFFSET = 12;
    private static final int NX_COMMAND_OFFSET = 24;
    private static final int NX_PRIORITY_OFFSET = NX_COMMAND_OFFSET + 6;
    private static final int NX_MATCH_LENGTH_OFFSET = NX_PRIORITY_OFFSET + 2 + 4 + 2 + 2;
    private static final int NX_MATCH_OFFSET = NX_MATCH_LENGTH_OFFSET + 2 + 6;

    private static final int OF12_COOKIE_OFFSET = 8;
    private static final int OF12_COOKIE_MASK_OFFSET = OF12_COOKIE_OFFSET + 8;
    private static final int OF12_TABLE_OFFSET = OF12_COOKIE_MASK_OFFSET + 8;
    private static final int OF12_COMMAND_OFFSET = OF12_TABLE_OFFSET + 1;
    private static final int OF12_PRIORITY_OFFSET = OF12_COMMAND_OFFSET + 1 + 2 + 2;
    private static final int OF12_MATCH_OFFSET = OF12_PRIORITY_OFFSET + 2 + 4 + 4 + 4 + 2 + 2;

    /** Fields every encoding names alike once canonical: the OXM basic ones (see {@link #removes}). */
    private static final Set<FieldId> SAME_IN_EVERY_ENCODING = basicFields();

    public FlowDeletion {
        match = CanonicalMatch.of(match);
    }

    /**
     * Whether applying this FLOW_MOD may remove {@code flow} (a flow as the agent's mirror holds it,
     * possibly learnt in another OpenFlow encoding). A superset of what the switch removes: only the
     * delete's constraints on OXM basic fields are compared (a field some encoding names otherwise,
     * a register or an extension field, is taken to match), and a strict delete removes any flow of
     * its priority that its match covers (the switch: only the one whose match equals it).
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
        return comparable(match).covers(CanonicalMatch.of(flow.match()));
    }

    private static Match comparable(Match match) {
        Match kept = match;
        for (FieldId field : match.fields().keySet()) {
            if (!SAME_IN_EVERY_ENCODING.contains(field)) {
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
        int start = frame.readerIndex();
        int length = frame.readableBytes();
        if (length < 8) {
            return Optional.empty();
        }
        int version = frame.getUnsignedByte(start);
        int type = frame.getUnsignedByte(start + 1);
        try {
            if (version == OF10 && type == FLOW_MOD) {
                return of10(frame, start, length);
            }
            if (version == OF10 && type == EXPERIMENTER && length >= NX_MATCH_OFFSET
                    && frame.getUnsignedInt(start + 8) == NICIRA
                    && frame.getUnsignedInt(start + NX_SUBTYPE_OFFSET) == NXT_FLOW_MOD) {
                return nicira(frame, start, length);
            }
            if (version >= OF12 && version <= OF15 && type == FLOW_MOD) {
                return of12(frame, start, length);
            }
        } catch (MalformedStatsException | IllegalArgumentException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static boolean isDelete(int command) {
        return command == DELETE || command == DELETE_STRICT;
    }

    private static Optional<FlowDeletion> of10(ByteBuf frame, int start, int length) throws MalformedStatsException {
        if (length < OF10_FLOW_MOD_LENGTH) {
            return Optional.empty();
        }
        int command = frame.getUnsignedShort(start + OF10_COMMAND_OFFSET) & 0xff;
        if (!isDelete(command)) {
            return Optional.empty();
        }
        Match match = MatchDecoder.of10(frame, start + OF10_MATCH_OFFSET, "OF1.0 FLOW_MOD");
        return Optional.of(new FlowDeletion(FlowStatsRequest.ALL_TABLES,
                frame.getUnsignedShort(start + OF10_PRIORITY_OFFSET), match, command == DELETE_STRICT, 0, 0));
    }

    private static Optional<FlowDeletion> nicira(ByteBuf frame, int start, int length) throws MalformedStatsException {
        int command = frame.getUnsignedShort(start + NX_COMMAND_OFFSET) & 0xff;
        if (!isDelete(command)) {
            return Optional.empty();
        }
        int matchLength = frame.getUnsignedShort(start + NX_MATCH_LENGTH_OFFSET);
        if (NX_MATCH_OFFSET + matchLength > length) {
            return Optional.empty();
        }
        int matchStart = start + NX_MATCH_OFFSET;
        MatchDecoder.Decoded decoded = MatchDecoder.nxm(frame, matchStart, matchStart + matchLength, "NXT_FLOW_MOD");
        return Optional.of(new FlowDeletion(FlowStatsRequest.ALL_TABLES,
                frame.getUnsignedShort(start + NX_PRIORITY_OFFSET), decoded.match(), command == DELETE_STRICT,
                decoded.cookie(), decoded.cookieMask()));
    }

    private static Optional<FlowDeletion> of12(ByteBuf frame, int start, int length) throws MalformedStatsException {
        if (length < OF12_MATCH_OFFSET + 4) {
            return Optional.empty();
        }
        int command = frame.getUnsignedByte(start + OF12_COMMAND_OFFSET);
        if (!isDelete(command)) {
            return Optional.empty();
        }
        Match match = MatchDecoder.oxm(frame, start + OF12_MATCH_OFFSET, start + length, "OF1.2+ FLOW_MOD");
        return Optional.of(new FlowDeletion(frame.getUnsignedByte(start + OF12_TABLE_OFFSET),
                frame.getUnsignedShort(start + OF12_PRIORITY_OFFSET), match, command == DELETE_STRICT,
                frame.getLong(start + OF12_COOKIE_OFFSET), frame.getLong(start + OF12_COOKIE_MASK_OFFSET)));
    }
}

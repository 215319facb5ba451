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
 *
 * <pre>
 *  OF1.0 ofp_flow_mod:   header(8) | ofp_match(40) | cookie(8) | command(2) | idle(2) | hard(2) | priority(2)
 *                        | buffer_id(4) | out_port(2) | flags(2) | actions
 *  OF1.0 nx_flow_mod:    nicira header(16) | cookie(8) | command(2) | idle(2) | hard(2) | priority(2)
 *                        | buffer_id(4) | out_port(2) | flags(2) | match_len(2) | pad(6) | nx_match | actions
 *  OF1.2+ ofp_flow_mod:  header(8) | cookie(8) | cookie_mask(8) | table_id(1) | command(1) | idle(2)
 *                        | hard(2) | priority(2) | buffer_id(4) | out_port(4) | out_group(4) | flags(2)
 *                        | pad(2) | ofp_match (OXM) | instructions
 * </pre>
 * In OpenFlow 1.0 the command's high byte is the table (OVS's flow_mod_table_id extension; 0 without it).
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

    private static final int OF10 = 1;
    private static final int OF12 = 3;
    private static final int OF15 = 6;
    private static final int FLOW_MOD = 14;
    private static final int EXPERIMENTER = 4;
    private static final long NICIRA = 0x00002320L;
    private static final int NXT_FLOW_MOD = 13;
    private static final int ADD = 0;
    private static final int MODIFY = 1;
    private static final int MODIFY_STRICT = 2;
    private static final int OFPFF12_RESET_COUNTS = 1 << 2;

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
    private static final int OF12_FLAGS_OFFSET = OF12_PRIORITY_OFFSET + 2 + 4 + 4 + 4;
    private static final int OF12_MATCH_OFFSET = OF12_FLAGS_OFFSET + 2 + 2;

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

    private static Optional<CounterReset> of10(ByteBuf frame, int start, int length) throws MalformedStatsException {
        if (length < OF10_FLOW_MOD_LENGTH) {
            return Optional.empty();
        }
        int command = frame.getUnsignedShort(start + OF10_COMMAND_OFFSET);
        if ((command & 0xff) != ADD) {
            return Optional.empty();
        }
        Match match = MatchDecoder.of10(frame, start + OF10_MATCH_OFFSET, "OF1.0 FLOW_MOD");
        return Optional.of(new CounterReset(command >>> 8, frame.getUnsignedShort(start + OF10_PRIORITY_OFFSET), match,
                true, 0, 0));
    }

    private static Optional<CounterReset> nicira(ByteBuf frame, int start, int length) throws MalformedStatsException {
        int command = frame.getUnsignedShort(start + NX_COMMAND_OFFSET);
        if ((command & 0xff) != ADD) {
            return Optional.empty();
        }
        int matchLength = frame.getUnsignedShort(start + NX_MATCH_LENGTH_OFFSET);
        if (NX_MATCH_OFFSET + matchLength > length) {
            return Optional.empty();
        }
        int matchStart = start + NX_MATCH_OFFSET;
        Match match = MatchDecoder.nxm(frame, matchStart, matchStart + matchLength, "NXT_FLOW_MOD").match();
        return Optional.of(new CounterReset(command >>> 8, frame.getUnsignedShort(start + NX_PRIORITY_OFFSET), match,
                true, 0, 0));
    }

    private static Optional<CounterReset> of12(ByteBuf frame, int start, int length) throws MalformedStatsException {
        if (length < OF12_MATCH_OFFSET + 4) {
            return Optional.empty();
        }
        int command = frame.getUnsignedByte(start + OF12_COMMAND_OFFSET);
        int flags = frame.getUnsignedShort(start + OF12_FLAGS_OFFSET);
        if ((flags & OFPFF12_RESET_COUNTS) == 0 || (command != ADD && command != MODIFY && command != MODIFY_STRICT)) {
            return Optional.empty();
        }
        Match match = MatchDecoder.oxm(frame, start + OF12_MATCH_OFFSET, start + length, "OF1.2+ FLOW_MOD");
        boolean modify = command != ADD;
        return Optional.of(new CounterReset(frame.getUnsignedByte(start + OF12_TABLE_OFFSET),
                frame.getUnsignedShort(start + OF12_PRIORITY_OFFSET), match, command != MODIFY,
                modify ? frame.getLong(start + OF12_COOKIE_OFFSET) : 0,
                modify ? frame.getLong(start + OF12_COOKIE_MASK_OFFSET) : 0));
    }
}

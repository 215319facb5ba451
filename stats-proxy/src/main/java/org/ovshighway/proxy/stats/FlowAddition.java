package org.ovshighway.proxy.stats;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.ovshighway.p2p.flow.Match;

/**
 * The rule an ADD FLOW_MOD puts into the switch's tables: its table, priority and match (what its
 * actions do is {@link org.ovshighway.proxy.impact.FlowChangeClassifier}'s part). In OpenFlow 1.0
 * (plain or NXT_FLOW_MOD) the table is the command's high byte, which OVS reads only when the
 * connection turned on its flow_mod_table_id extension and otherwise replaces by table 0: a high
 * byte of 0 is table 0 either way, any other is taken as {@link FlowStatsRequest#ALL_TABLES} ("some
 * table"). An OpenFlow 1.2+ ADD names its table ({@code OFPTT_ALL}, which OVS refuses for an add,
 * likewise reads as "some table"). OpenFlow 1.1 and modifies (which may add in OpenFlow 1.0) are not
 * decoded. Frame layouts: {@link CounterReset}.
 *
 * @param tableId  the table, or {@link FlowStatsRequest#ALL_TABLES} when it may be any
 * @param priority the rule's priority
 * @param match    the rule's match
 */
public record FlowAddition(int tableId, int priority, Match match) {

    private static final int OF10 = 1;
    private static final int OF12 = 3;
    private static final int OF15 = 6;
    private static final int FLOW_MOD = 14;
    private static final int EXPERIMENTER = 4;
    private static final long NICIRA = 0x00002320L;
    private static final int NXT_FLOW_MOD = 13;
    private static final int ADD = 0;

    private static final int OF10_MATCH_OFFSET = 8;
    private static final int OF10_COMMAND_OFFSET = OF10_MATCH_OFFSET + MatchDecoder.OF10_MATCH_LENGTH + 8;
    private static final int OF10_PRIORITY_OFFSET = OF10_COMMAND_OFFSET + 6;
    private static final int OF10_FLOW_MOD_LENGTH = OF10_PRIORITY_OFFSET + 2 + 4 + 2 + 2;

    private static final int NX_SUBTYPE_OFFSET = 12;
    private static final int NX_COMMAND_OFFSET = 24;
    private static final int NX_PRIORITY_OFFSET = NX_COMMAND_OFFSET + 6;
    private static final int NX_MATCH_LENGTH_OFFSET = NX_PRIORITY_OFFSET + 2 + 4 + 2 + 2;
    private static final int NX_MATCH_OFFSET = NX_MATCH_LENGTH_OFFSET + 2 + 6;

    private static final int OF12_TABLE_OFFSET = 8 + 8 + 8;
    private static final int OF12_COMMAND_OFFSET = OF12_TABLE_OFFSET + 1;
    private static final int OF12_PRIORITY_OFFSET = OF12_COMMAND_OFFSET + 1 + 2 + 2;
    private static final int OF12_MATCH_OFFSET = OF12_PRIORITY_OFFSET + 2 + 4 + 4 + 4 + 2 + 2;

    public FlowAddition {
        match = CanonicalMatch.of(match);
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
        int start = frame.readerIndex();
        int length = frame.readableBytes();
        if (length < 8) {
            return Optional.empty();
        }
        int version = frame.getUnsignedByte(start);
        int type = frame.getUnsignedByte(start + 1);
        try {
            if (version == OF10 && type == FLOW_MOD && length >= OF10_FLOW_MOD_LENGTH) {
                int command = frame.getUnsignedShort(start + OF10_COMMAND_OFFSET);
                if ((command & 0xff) != ADD) {
                    return Optional.empty();
                }
                Match match = MatchDecoder.of10(frame, start + OF10_MATCH_OFFSET, "OF1.0 FLOW_MOD");
                return Optional.of(new FlowAddition(of10Table(command), frame.getUnsignedShort(start + OF10_PRIORITY_OFFSET),
                        match));
            }
            if (version == OF10 && type == EXPERIMENTER && length >= NX_MATCH_OFFSET
                    && frame.getUnsignedInt(start + 8) == NICIRA
                    && frame.getUnsignedInt(start + NX_SUBTYPE_OFFSET) == NXT_FLOW_MOD) {
                int command = frame.getUnsignedShort(start + NX_COMMAND_OFFSET);
                int matchLength = frame.getUnsignedShort(start + NX_MATCH_LENGTH_OFFSET);
                if ((command & 0xff) != ADD || NX_MATCH_OFFSET + matchLength > length) {
                    return Optional.empty();
                }
                int matchStart = start + NX_MATCH_OFFSET;
                Match match = MatchDecoder.nxm(frame, matchStart, matchStart + matchLength, "NXT_FLOW_MOD").match();
                return Optional.of(new FlowAddition(of10Table(command), frame.getUnsignedShort(start + NX_PRIORITY_OFFSET),
                        match));
            }
            if (version >= OF12 && version <= OF15 && type == FLOW_MOD && length >= OF12_MATCH_OFFSET + 4
                    && frame.getUnsignedByte(start + OF12_COMMAND_OFFSET) == ADD) {
                Match match = MatchDecoder.oxm(frame, start + OF12_MATCH_OFFSET, start + length, "OF1.2+ FLOW_MOD");
                return Optional.of(new FlowAddition(frame.getUnsignedByte(start + OF12_TABLE_OFFSET),
                        frame.getUnsignedShort(start + OF12_PRIORITY_OFFSET), match));
            }
        } catch (MalformedStatsException | IllegalArgumentException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static int of10Table(int command) {
        return (command >>> 8) == 0 ? 0 : FlowStatsRequest.ALL_TABLES;
    }
}

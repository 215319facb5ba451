package org.ovshighway.proxy.stats;

import static org.ovshighway.proxy.OpenFlowWire.EXPERIMENTER;
import static org.ovshighway.proxy.OpenFlowWire.FLOW_MOD;
import static org.ovshighway.proxy.OpenFlowWire.NICIRA;
import static org.ovshighway.proxy.OpenFlowWire.NXT_FLOW_MOD;
import static org.ovshighway.proxy.OpenFlowWire.OF10;
import static org.ovshighway.proxy.OpenFlowWire.OF12;
import static org.ovshighway.proxy.OpenFlowWire.OF15;

import io.netty.buffer.ByteBuf;
import java.util.Optional;
import org.ovshighway.p2p.flow.Match;

/**
 * The fields of one FLOW_MOD toward the switch that {@link CounterReset}, {@link FlowDeletion} and
 * {@link FlowAddition} read, in the three forms OVS accepts and this decodes: OpenFlow 1.0
 * {@code ofp_flow_mod}, OpenFlow 1.0 Nicira {@code nx_flow_mod}, and OpenFlow 1.2–1.5
 * {@code ofp_flow_mod} (OpenFlow 1.1's own match format is not decoded). The header fields are read
 * at once; the match only when asked ({@link #match}), since most callers look at the command first.
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
 * In OpenFlow 1.0 the command's high byte is the table when the connection turned on OVS's
 * flow_mod_table_id extension (0 without it); {@link #command} is the low byte alone.
 */
public final class FlowModFrame {
    public static final int ADD = 0;
    public static final int MODIFY = 1;
    public static final int MODIFY_STRICT = 2;
    public static final int DELETE = 3;
    public static final int DELETE_STRICT = 4;

    /** Which of the three encodings. */
    public enum Form {
        /** OpenFlow 1.0 {@code ofp_flow_mod}: no table (see {@link #of10Table}), no cookie filter. */
        OF10,
        /** OpenFlow 1.0 {@code nx_flow_mod}: no table, its cookie filter is NXM_NX_COOKIE(_W) in the match. */
        NICIRA,
        /** OpenFlow 1.2–1.5: table, cookie and cookie mask in the header. */
        OF12
    }

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

    private final ByteBuf frame;
    private final int start;
    private final Form form;
    private final int commandWord;
    private final int priority;
    private final int matchStart;
    private final int matchEnd;

    private FlowModFrame(ByteBuf frame, int start, Form form, int commandWord, int priority, int matchStart, int matchEnd) {
        this.frame = frame;
        this.start = start;
        this.form = form;
        this.commandWord = commandWord;
        this.priority = priority;
        this.matchStart = matchStart;
        this.matchEnd = matchEnd;
    }

    /**
     * The FLOW_MOD in {@code frame} (one whole message; not modified, and not to be modified while
     * this is used), or empty: another message, OpenFlow 1.1, or too short for its fixed fields.
     */
    public static Optional<FlowModFrame> of(ByteBuf frame) {
        int start = frame.readerIndex();
        int length = frame.readableBytes();
        if (length < 8) {
            return Optional.empty();
        }
        int version = frame.getUnsignedByte(start);
        int type = frame.getUnsignedByte(start + 1);
        if (version == OF10 && type == FLOW_MOD && length >= OF10_FLOW_MOD_LENGTH) {
            return Optional.of(new FlowModFrame(frame, start, Form.OF10, frame.getUnsignedShort(start + OF10_COMMAND_OFFSET),
                    frame.getUnsignedShort(start + OF10_PRIORITY_OFFSET), start + OF10_MATCH_OFFSET,
                    start + OF10_MATCH_OFFSET + MatchDecoder.OF10_MATCH_LENGTH));
        }
        if (version == OF10 && type == EXPERIMENTER && length >= NX_MATCH_OFFSET
                && frame.getUnsignedInt(start + 8) == NICIRA
                && frame.getUnsignedInt(start + NX_SUBTYPE_OFFSET) == NXT_FLOW_MOD) {
            int matchLength = frame.getUnsignedShort(start + NX_MATCH_LENGTH_OFFSET);
            if (NX_MATCH_OFFSET + matchLength > length) {
                return Optional.empty();
            }
            return Optional.of(new FlowModFrame(frame, start, Form.NICIRA, frame.getUnsignedShort(start + NX_COMMAND_OFFSET),
                    frame.getUnsignedShort(start + NX_PRIORITY_OFFSET), start + NX_MATCH_OFFSET,
                    start + NX_MATCH_OFFSET + matchLength));
        }
        if (version >= OF12 && version <= OF15 && type == FLOW_MOD && length >= OF12_MATCH_OFFSET + 4) {
            return Optional.of(new FlowModFrame(frame, start, Form.OF12, frame.getUnsignedByte(start + OF12_COMMAND_OFFSET),
                    frame.getUnsignedShort(start + OF12_PRIORITY_OFFSET), start + OF12_MATCH_OFFSET, start + length));
        }
        return Optional.empty();
    }

    public Form form() {
        return form;
    }

    /** ADD, MODIFY, MODIFY_STRICT, DELETE or DELETE_STRICT (or another number a malformed frame carries). */
    public int command() {
        return commandWord & 0xff;
    }

    /** OpenFlow 1.0 (both forms): the command's high byte, the table under flow_mod_table_id, else 0. */
    int of10Table() {
        return commandWord >>> 8;
    }

    /** OpenFlow 1.2+: the table_id field. */
    int tableId() {
        return frame.getUnsignedByte(start + OF12_TABLE_OFFSET);
    }

    public int priority() {
        return priority;
    }

    /** idle_timeout (the two bytes after the command in every form). */
    public int idleTimeout() {
        return frame.getUnsignedShort(start + idleTimeoutOffset());
    }

    /** hard_timeout (the two bytes after idle_timeout in every form). */
    public int hardTimeout() {
        return frame.getUnsignedShort(start + idleTimeoutOffset() + 2);
    }

    private int idleTimeoutOffset() {
        return switch (form) {
            case OF10 -> OF10_COMMAND_OFFSET + 2;
            case NICIRA -> NX_COMMAND_OFFSET + 2;
            case OF12 -> OF12_COMMAND_OFFSET + 1;
        };
    }

    /** The OpenFlow version of the header (1 for both OpenFlow 1.0 forms). */
    public int version() {
        return frame.getUnsignedByte(start);
    }

    /**
     * The action list (OpenFlow 1.0 forms) or instruction list (1.2+) filling the rest of the
     * message, as a slice of the buffer; empty when a malformed frame's lengths leave no room for it.
     */
    public Optional<ByteBuf> actionList() {
        int end = start + frame.readableBytes();
        int begin;
        if (form == Form.OF12) {
            if (matchStart + 4 > end) {
                return Optional.empty();
            }
            begin = matchStart + MatchDecoder.pad8(frame.getUnsignedShort(matchStart + 2));
        } else {
            begin = of10ActionsStart();
        }
        return begin <= end ? Optional.of(frame.slice(begin, end - begin)) : Optional.empty();
    }

    /** Where the match begins in the buffer (an absolute index). */
    public int matchStart() {
        return matchStart;
    }

    /** Where the match ends in the buffer (an absolute index; for NXM before its padding to 8). */
    public int matchEnd() {
        return matchEnd;
    }

    /**
     * OpenFlow 1.0 forms: where the actions begin in the buffer (after the match and, for NXM, its
     * padding to 8), possibly past the end of a malformed frame; OpenFlow 1.2+: where the
     * instructions begin only once the OXM match is decoded, so this is not offered for it.
     */
    public int of10ActionsStart() {
        if (form == Form.OF12) {
            throw new IllegalStateException("OpenFlow 1.2+ FLOW_MOD: instructions follow the padded OXM match: form=" + form);
        }
        return form == Form.OF10 ? start + OF10_FLOW_MOD_LENGTH : matchStart + MatchDecoder.pad8(matchEnd - matchStart);
    }

    /** OpenFlow 1.2+: the flags field. */
    int flags() {
        return frame.getUnsignedShort(start + OF12_FLAGS_OFFSET);
    }

    /** OpenFlow 1.2+: the cookie field (a modify's or delete's filter with {@link #cookieMask}). */
    long cookie() {
        return frame.getLong(start + OF12_COOKIE_OFFSET);
    }

    /** OpenFlow 1.2+: the cookie mask field. */
    long cookieMask() {
        return frame.getLong(start + OF12_COOKIE_MASK_OFFSET);
    }

    /** The match; for {@link Form#NICIRA} with the cookie filter it carries. */
    MatchDecoder.Decoded decodeMatch() throws MalformedStatsException {
        return switch (form) {
            case OF10 -> new MatchDecoder.Decoded(MatchDecoder.of10(frame, matchStart, "OF1.0 FLOW_MOD"), 0, 0);
            case NICIRA -> MatchDecoder.nxm(frame, matchStart, matchEnd, "NXT_FLOW_MOD");
            case OF12 -> new MatchDecoder.Decoded(MatchDecoder.oxm(frame, matchStart, matchEnd, "OF1.2+ FLOW_MOD"), 0, 0);
        };
    }

    /** The match alone. */
    Match match() throws MalformedStatsException {
        return decodeMatch().match();
    }
}

package org.ovshighway.proxy.impact;

import static org.ovshighway.proxy.OpenFlowWire.EXPERIMENTER;
import static org.ovshighway.proxy.OpenFlowWire.NICIRA;
import static org.ovshighway.proxy.OpenFlowWire.NXT_FLOW_MOD;
import static org.ovshighway.proxy.OpenFlowWire.OF10;

import io.netty.buffer.ByteBuf;
import java.util.HashSet;
import java.util.Set;

/**
 * The {@link FlowChangeImpact} of an OpenFlow 1.0 Nicira NXT_FLOW_MOD (what {@code ovs-ofctl} sends
 * when a rule needs NXM: registers, IPv6, masks, tunnel fields...), which openflowj does not parse:
 * its in_port from the NXM match, its outputs from its OpenFlow 1.0 actions. A Nicira action
 * (resubmit, output_reg, learn, ...) or an action type not known here may send anywhere.
 *
 * <pre>
 *  nx_flow_mod: nicira header(16) | cookie(8) | command(2) | idle(2) | hard(2) | priority(2)
 *               | buffer_id(4) | out_port(2) | flags(2) | match_len(2) | pad(6)
 *               | nx_match (match_len, padded to 8) | OpenFlow 1.0 actions
 *  NXM entry:   header(4: class 16 | field 7 | hasmask 1 | length 8) | value [| mask]
 *  action:      type(2) | len(2, a multiple of 8) | ...; OUTPUT (0): port(2) | max_len(2);
 *               ENQUEUE (11): port(2) | pad(6) | queue_id(4); 1..10 header rewrites; VENDOR 0xffff
 * </pre>
 */
final class NiciraFlowMod {
    private static final int SUBTYPE_OFFSET = 12;
    private static final int COMMAND_OFFSET = 24;
    private static final int IDLE_OFFSET = COMMAND_OFFSET + 2;
    private static final int MATCH_LENGTH_OFFSET = COMMAND_OFFSET + 2 + 2 + 2 + 2 + 4 + 2 + 2;
    private static final int MATCH_OFFSET = MATCH_LENGTH_OFFSET + 2 + 6;
    /** NXM_OF_IN_PORT: class 0, field 0, no mask, 2 bytes. */
    private static final long NXM_OF_IN_PORT = 0x00000002L;
    private static final int OUTPUT = 0;
    private static final int ENQUEUE = 11;
    private static final int LAST_REWRITE = 10;
    private static final int OF10_FIRST_RESERVED = 0xff00;
    /** OpenFlow 1.0's reserved ports (OFPP_MAX and up) in 1.1+ numbering: add this. */
    private static final long OF11_OFFSET = 0xffff0000L;
    private static final int ADD = 0;
    private static final int MODIFY_STRICT = 2;

    private NiciraFlowMod() {
    }

    /** Whether {@code frame} is an OpenFlow 1.0 NXT_FLOW_MOD (its id and subtype readable). */
    static boolean is(ByteBuf frame) {
        int start = frame.readerIndex();
        return frame.readableBytes() >= SUBTYPE_OFFSET + 4 && frame.getUnsignedByte(start) == OF10
                && frame.getUnsignedByte(start + 1) == EXPERIMENTER && frame.getUnsignedInt(start + 8) == NICIRA
                && frame.getUnsignedInt(start + SUBTYPE_OFFSET) == NXT_FLOW_MOD;
    }

    /** The impact of an NXT_FLOW_MOD ({@link #is} true); one it cannot read reaches everything. */
    static FlowChangeImpact classify(ByteBuf frame) {
        int start = frame.readerIndex();
        int length = frame.readableBytes();
        if (length < MATCH_OFFSET) {
            return new FlowChangeImpact.Everything("NXT_FLOW_MOD too short: bytes=" + length);
        }
        int command = frame.getUnsignedByte(start + COMMAND_OFFSET + 1);
        int idleTimeout = frame.getUnsignedShort(start + IDLE_OFFSET);
        int matchLength = frame.getUnsignedShort(start + MATCH_LENGTH_OFFSET);
        int actionsAt = MATCH_OFFSET + ((matchLength + 7) & ~7);
        if (actionsAt > length) {
            return new FlowChangeImpact.Everything("NXT_FLOW_MOD match overruns the message: match_len=" + matchLength
                    + " bytes=" + length);
        }
        long inPort = -1;
        boolean anySource = true;
        for (int at = MATCH_OFFSET; at < MATCH_OFFSET + matchLength; ) {
            if (MATCH_OFFSET + matchLength - at < 4) {
                return new FlowChangeImpact.Everything("NXT_FLOW_MOD match entry cut: offset=" + at);
            }
            long header = frame.getUnsignedInt(start + at);
            int entry = 4 + (int) (header & 0xff);
            if (at + entry > MATCH_OFFSET + matchLength) {
                return new FlowChangeImpact.Everything("NXT_FLOW_MOD match entry overruns the match: offset=" + at);
            }
            if (header == NXM_OF_IN_PORT) {
                inPort = widen(frame.getUnsignedShort(start + at + 4));
                anySource = false;
            }
            at += entry;
        }
        Set<Long> outputs = new HashSet<>();
        boolean anyOutput = false;
        int actions = 0;
        boolean onlyOneOutput = false;
        for (int at = actionsAt; at < length; ) {
            if (length - at < 4) {
                return new FlowChangeImpact.Everything("NXT_FLOW_MOD action cut: offset=" + at);
            }
            int type = frame.getUnsignedShort(start + at);
            int actionLength = frame.getUnsignedShort(start + at + 2);
            if (actionLength < 8 || actionLength % 8 != 0 || at + actionLength > length) {
                return new FlowChangeImpact.Everything("NXT_FLOW_MOD action length=" + actionLength + " at offset=" + at);
            }
            actions++;
            if (type == OUTPUT || type == ENQUEUE) {
                long port = widen(frame.getUnsignedShort(start + at + 4));
                anyOutput |= FlowChangeClassifier.addOutput(outputs, port);
                onlyOneOutput = type == OUTPUT && port < OF10_FIRST_RESERVED;
            } else if (type > LAST_REWRITE) {
                anyOutput = true;   // a Nicira action (resubmit, output_reg, ...) or one not known here
            }
            at += actionLength;
        }
        Set<Long> sources = anySource ? Set.of() : Set.of(inPort);
        // an idle_timeout rule would expire in OVS under a link (DESIGN.md: not point-to-point)
        boolean forwardsOnly = !anySource && !anyOutput && outputs.size() == 1 && command >= ADD
                && command <= MODIFY_STRICT && idleTimeout == 0 && actions == 1 && onlyOneOutput;
        return new FlowChangeImpact.Ports(sources, anySource, outputs, anyOutput, forwardsOnly);
    }

    private static long widen(int of10Port) {
        return of10Port >= OF10_FIRST_RESERVED ? of10Port + OF11_OFFSET : of10Port;
    }
}

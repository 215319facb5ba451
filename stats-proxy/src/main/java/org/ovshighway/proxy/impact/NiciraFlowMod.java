package org.ovshighway.proxy.impact;

import static org.ovshighway.proxy.OpenFlowWire.EXPERIMENTER;
import static org.ovshighway.proxy.OpenFlowWire.NICIRA;
import static org.ovshighway.proxy.OpenFlowWire.NXT_FLOW_MOD;
import static org.ovshighway.proxy.OpenFlowWire.OF10;

import io.netty.buffer.ByteBuf;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.ovshighway.proxy.stats.FlowModFrame;

/**
 * The {@link FlowChangeImpact} of an OpenFlow 1.0 Nicira NXT_FLOW_MOD (what {@code ovs-ofctl} sends
 * when a rule needs NXM: registers, IPv6, masks, tunnel fields...), which openflowj does not parse:
 * its in_port from the NXM match, its outputs from its OpenFlow 1.0 actions. A Nicira action
 * (resubmit, output_reg, learn, ...) or an action type not known here may send anywhere.
 *
 * The message's fields are read through {@link FlowModFrame} (its layout is there).
 * <pre>
 *  NXM entry:   header(4: class 16 | field 7 | hasmask 1 | length 8) | value [| mask]
 *  action:      type(2) | len(2, a multiple of 8) | ...; OUTPUT (0): port(2) | max_len(2);
 *               ENQUEUE (11): port(2) | pad(6) | queue_id(4); 1..10 header rewrites; VENDOR 0xffff
 * </pre>
 */
final class NiciraFlowMod {
    private static final int SUBTYPE_OFFSET = 12;
    /** NXM_OF_IN_PORT: class 0, field 0, no mask, 2 bytes. */
    private static final long NXM_OF_IN_PORT = 0x00000002L;
    private static final int OUTPUT = 0;
    private static final int ENQUEUE = 11;
    private static final int LAST_REWRITE = 10;
    private static final int OF10_FIRST_RESERVED = 0xff00;
    /** OpenFlow 1.0's reserved ports (OFPP_MAX and up) in 1.1+ numbering: add this. */
    private static final long OF11_OFFSET = 0xffff0000L;

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
        Optional<FlowModFrame> decoded = FlowModFrame.of(frame).filter(f -> f.form() == FlowModFrame.Form.NICIRA);
        int length = frame.readableBytes();
        int end = frame.readerIndex() + length;
        if (decoded.isEmpty() || decoded.get().of10ActionsStart() > end) {
            return new FlowChangeImpact.Everything("NXT_FLOW_MOD too short, or its match overruns it: bytes=" + length);
        }
        FlowModFrame flowMod = decoded.get();
        long inPort = -1;
        boolean anySource = true;
        for (int at = flowMod.matchStart(); at < flowMod.matchEnd(); ) {
            if (flowMod.matchEnd() - at < 4) {
                return new FlowChangeImpact.Everything("NXT_FLOW_MOD match entry cut: index=" + at);
            }
            long header = frame.getUnsignedInt(at);
            int entry = 4 + (int) (header & 0xff);
            if (at + entry > flowMod.matchEnd()) {
                return new FlowChangeImpact.Everything("NXT_FLOW_MOD match entry overruns the match: index=" + at);
            }
            if (header == NXM_OF_IN_PORT) {
                inPort = widen(frame.getUnsignedShort(at + 4));
                anySource = false;
            }
            at += entry;
        }
        Set<Long> outputs = new HashSet<>();
        boolean anyOutput = false;
        int actions = 0;
        boolean onlyOneOutput = false;
        for (int at = flowMod.of10ActionsStart(); at < end; ) {
            if (end - at < 4) {
                return new FlowChangeImpact.Everything("NXT_FLOW_MOD action cut: index=" + at);
            }
            int type = frame.getUnsignedShort(at);
            int actionLength = frame.getUnsignedShort(at + 2);
            if (actionLength < 8 || actionLength % 8 != 0 || at + actionLength > end) {
                return new FlowChangeImpact.Everything("NXT_FLOW_MOD action length=" + actionLength + " at index=" + at);
            }
            actions++;
            if (type == OUTPUT || type == ENQUEUE) {
                long port = widen(frame.getUnsignedShort(at + 4));
                anyOutput |= FlowChangeClassifier.addOutput(outputs, port);
                onlyOneOutput = type == OUTPUT && port < OF10_FIRST_RESERVED;
            } else if (type > LAST_REWRITE) {
                anyOutput = true;   // a Nicira action (resubmit, output_reg, ...) or one not known here
            }
            at += actionLength;
        }
        Set<Long> sources = anySource ? Set.of() : Set.of(inPort);
        // an idle_timeout rule would expire in OVS under a link (DESIGN.md: not point-to-point)
        int command = flowMod.command();
        boolean forwardsOnly = !anySource && !anyOutput && outputs.size() == 1 && command >= FlowModFrame.ADD
                && command <= FlowModFrame.MODIFY_STRICT && flowMod.idleTimeout() == 0 && actions == 1 && onlyOneOutput;
        return new FlowChangeImpact.Ports(sources, anySource, outputs, anyOutput, forwardsOnly);
    }

    private static long widen(int of10Port) {
        return of10Port >= OF10_FIRST_RESERVED ? of10Port + OF11_OFFSET : of10Port;
    }
}

package org.ovshighway.proxy.impact;

import static org.ovshighway.proxy.OpenFlowWire.EXPERIMENTER;
import static org.ovshighway.proxy.OpenFlowWire.FLOW_MOD;
import static org.ovshighway.proxy.OpenFlowWire.NICIRA;
import static org.ovshighway.proxy.OpenFlowWire.OF10;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionEnqueue;
import org.projectfloodlight.openflow.protocol.action.OFActionGroup;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionWriteActions;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Works out the {@link FlowChangeImpact} of one complete OpenFlow frame a controller sends toward
 * the switch. Reads the header itself; parses FLOW_MODs of every version with openflowj and Nicira
 * NXT_FLOW_MODs itself ({@link NiciraFlowMod}); anything that changes forwarding in a way it does
 * not analyse is {@link FlowChangeImpact.Everything}.
 *
 * <p>Message types by number (the same in OF1.0 and OF1.3–1.5 where named): OF1.0 FLOW_MOD 14,
 * PORT_MOD 15, VENDOR 4; OF1.1+ FLOW_MOD 14, GROUP_MOD 15, PORT_MOD 16, TABLE_MOD 17,
 * EXPERIMENTER 4; OF1.4+ BUNDLE_CONTROL 33 (a commit applies the bundle's messages), BUNDLE_ADD 34.
 */
public final class FlowChangeClassifier {
    private static final FlowChangeImpact NONE = new FlowChangeImpact.None();
    private static final int HEADER = 8;
    private static final int OF10_PORT_MOD = 15;
    private static final int GROUP_MOD = 15;
    private static final int PORT_MOD = 16;
    private static final int TABLE_MOD = 17;
    private static final int BUNDLE_CONTROL = 33;
    private static final int BUNDLE_CONTROL_TYPE_OFFSET = 12;
    private static final int BUNDLE_COMMIT_REQUEST = 4;
    private static final int EXPERIMENTER_ID_OFFSET = 8;
    private static final int EXPERIMENTER_SUBTYPE_OFFSET = 12;
    /** OFPP_MAX + 1 (OF1.1+ numbering, openflowj widens OF1.0's): IN_PORT, TABLE, NORMAL, FLOOD, ... up from here. */
    private static final long FIRST_RESERVED_PORT = 0xffffff00L;
    /**
     * Nicira subtypes (OVS's ofp-msgs.h) that change no forwarding: ROLE_REQUEST 10,
     * SET_FLOW_FORMAT 12, FLOW_MOD_TABLE_ID 15, SET_PACKET_IN_FORMAT 16, FLOW_AGE 18,
     * SET_ASYNC_CONFIG 19, SET_CONTROLLER_ID 20, FLOW_MONITOR_CANCEL 21, TLV_TABLE_REQUEST 25.
     */
    private static final Set<Long> NICIRA_CHANGING_NOTHING = Set.of(10L, 12L, 15L, 16L, 18L, 19L, 20L, 21L, 25L);

    private FlowChangeClassifier() {
    }

    /** The impact of {@code frame} (a whole message, header included); the buffer is not modified. */
    public static FlowChangeImpact classify(ByteBuf frame) {
        if (!mayChangeForwarding(frame)) {
            return NONE;
        }
        if (frame.readableBytes() < HEADER) {
            return new FlowChangeImpact.Everything("frame shorter than an OpenFlow header: bytes=" + frame.readableBytes());
        }
        int start = frame.readerIndex();
        int version = frame.getUnsignedByte(start);
        int type = frame.getUnsignedByte(start + 1);
        if (type == FLOW_MOD) {
            return flowMod(frame);
        }
        if (type == EXPERIMENTER) {
            if (NiciraFlowMod.is(frame)) {
                return NiciraFlowMod.classify(frame);
            }
            if (frame.readableBytes() < EXPERIMENTER_SUBTYPE_OFFSET + 4) {
                return new FlowChangeImpact.Everything("experimenter message too short for its id and subtype: bytes="
                        + frame.readableBytes() + " version=" + version);
            }
            return new FlowChangeImpact.Everything(String.format("experimenter message id=0x%08x subtype=%d version=%d",
                    frame.getUnsignedInt(start + EXPERIMENTER_ID_OFFSET),
                    frame.getUnsignedInt(start + EXPERIMENTER_SUBTYPE_OFFSET), version));
        }
        if (version == OF10) {
            return new FlowChangeImpact.Everything("PORT_MOD");
        }
        // what mayChangeForwarding lets through besides FLOW_MOD and experimenter messages
        return switch (type) {
            case GROUP_MOD -> new FlowChangeImpact.Everything("GROUP_MOD");
            case PORT_MOD -> new FlowChangeImpact.Everything("PORT_MOD");
            case TABLE_MOD -> new FlowChangeImpact.Everything("TABLE_MOD");
            default -> new FlowChangeImpact.Everything("BUNDLE_CONTROL commit");
        };
    }

    /**
     * Whether {@link #classify} would say anything but {@link FlowChangeImpact.None}, from the header
     * alone (no FLOW_MOD is parsed): what a caller with no live link needs to know cheaply.
     *
     * <p>Nicira extension messages that only set up the connection or ask for something change no
     * forwarding: {@code ovs-ofctl} sends NXT_SET_FLOW_FORMAT before every dump, and holding (and
     * reverting every link for) a statistics request would defeat the bypass. An NXT_FLOW_MOD is
     * judged like a FLOW_MOD ({@link NiciraFlowMod}); every other experimenter message
     * (NXT_GROUP_MOD, ONF bundles, anything unknown) reaches everything.
     */
    public static boolean mayChangeForwarding(ByteBuf frame) {
        if (frame.readableBytes() < HEADER) {
            return true;
        }
        int start = frame.readerIndex();
        int version = frame.getUnsignedByte(start);
        int type = frame.getUnsignedByte(start + 1);
        if (type == FLOW_MOD) {
            return true;
        }
        if (type == EXPERIMENTER) {
            return frame.readableBytes() < EXPERIMENTER_SUBTYPE_OFFSET + 4
                    || frame.getUnsignedInt(start + EXPERIMENTER_ID_OFFSET) != NICIRA
                    || !NICIRA_CHANGING_NOTHING.contains(frame.getUnsignedInt(start + EXPERIMENTER_SUBTYPE_OFFSET));
        }
        if (version == OF10) {
            return type == OF10_PORT_MOD;
        }
        return switch (type) {
            case GROUP_MOD, PORT_MOD, TABLE_MOD -> true;
            case BUNDLE_CONTROL -> frame.readableBytes() >= BUNDLE_CONTROL_TYPE_OFFSET + 2
                    && frame.getUnsignedShort(start + BUNDLE_CONTROL_TYPE_OFFSET) == BUNDLE_COMMIT_REQUEST;
            default -> false;
        };
    }

    private static FlowChangeImpact flowMod(ByteBuf frame) {
        OFMessage message;
        try {
            message = OFFactories.getGenericReader().readFrom(frame.duplicate());
        } catch (OFParseError | RuntimeException e) {
            return new FlowChangeImpact.Everything("FLOW_MOD openflowj cannot parse: " + e.getMessage());
        }
        if (message == null) {
            return new FlowChangeImpact.Everything("FLOW_MOD openflowj cannot parse: incomplete frame bytes="
                    + frame.readableBytes());
        }
        if (!(message instanceof OFFlowMod flowMod)) {
            return new FlowChangeImpact.Everything("FLOW_MOD parsed as " + message.getType());
        }
        Set<Long> sources = new HashSet<>();
        boolean anySource;
        if (flowMod.getMatch().isFullyWildcarded(MatchField.IN_PORT)) {
            anySource = true;
        } else if (flowMod.getMatch().isExact(MatchField.IN_PORT)) {
            anySource = false;
            sources.add(portNumber(flowMod.getMatch().get(MatchField.IN_PORT)));
        } else {
            anySource = true;
        }
        Set<Long> outputs = new HashSet<>();
        boolean anyOutput = false;
        List<OFAction> actions = flowMod.getVersion() == OFVersion.OF_10 ? flowMod.getActions() : instructionActions(flowMod);
        if (actions == null) {
            anyOutput = true;
        } else {
            for (OFAction action : actions) {
                switch (action) {
                    case OFActionOutput output -> anyOutput |= addOutput(outputs, output.getPort());
                    case OFActionEnqueue enqueue -> anyOutput |= addOutput(outputs, enqueue.getPort());
                    case OFActionGroup group -> anyOutput = true;
                    default -> { } // header rewrites and the like send nothing anywhere by themselves
                }
            }
        }
        // an idle_timeout rule would expire in OVS under a link (DESIGN.md: not point-to-point)
        boolean forwardsOnly = !anySource && !anyOutput && outputs.size() == 1 && addsOrModifies(flowMod)
                && flowMod.getIdleTimeout() == 0 && onlyOneOutput(flowMod);
        return new FlowChangeImpact.Ports(sources, anySource, outputs, anyOutput, forwardsOnly);
    }

    /** ADD, MODIFY or MODIFY_STRICT: the rules it reaches exist afterwards (a DELETE uncovers others). */
    private static boolean addsOrModifies(OFFlowMod flowMod) {
        return switch (flowMod.getCommand()) {
            case ADD, MODIFY, MODIFY_STRICT -> true;
            default -> false;
        };
    }

    /**
     * The rule's whole treatment of a packet is one output to a physical port: OF1.0 one action,
     * OF1.1+ one apply-actions instruction with one action (no goto, meter, metadata or action set).
     */
    private static boolean onlyOneOutput(OFFlowMod flowMod) {
        List<OFAction> actions;
        if (flowMod.getVersion() == OFVersion.OF_10) {
            actions = flowMod.getActions();
        } else {
            List<OFInstruction> instructions = flowMod.getInstructions();
            if (instructions.size() != 1 || !(instructions.getFirst() instanceof OFInstructionApplyActions apply)) {
                return false;
            }
            actions = apply.getActions();
        }
        return actions.size() == 1 && actions.getFirst() instanceof OFActionOutput output
                && portNumber(output.getPort()) < FIRST_RESERVED_PORT;
    }

    /** Apply- and write-actions of an OF1.1+ FLOW_MOD; null when an instruction is not understood. */
    private static List<OFAction> instructionActions(OFFlowMod flowMod) {
        List<OFAction> actions = new ArrayList<>();
        for (OFInstruction instruction : flowMod.getInstructions()) {
            switch (instruction) {
                case OFInstructionApplyActions apply -> actions.addAll(apply.getActions());
                case OFInstructionWriteActions write -> actions.addAll(write.getActions());
                default -> {
                    // goto_table: the rules of the later table are seen as flow changes of their own;
                    // clear/meter/metadata send nothing anywhere
                }
            }
        }
        return actions;
    }

    /** Adds a physical output port; returns true when the port reaches more than one known port. */
    private static boolean addOutput(Set<Long> outputs, OFPort port) {
        return addOutput(outputs, portNumber(port));
    }

    /**
     * {@link #addOutput(Set, OFPort)} for a port number in OpenFlow 1.1+ numbering (OpenFlow 1.0's
     * reserved ports widened, as openflowj does).
     */
    static boolean addOutput(Set<Long> outputs, long number) {
        if (number < FIRST_RESERVED_PORT) {
            outputs.add(number);
            return false;
        }
        // IN_PORT, TABLE, NORMAL, FLOOD, ALL, CONTROLLER, LOCAL, ANY: IN_PORT and TABLE and the
        // forwarding ones may reach a ring port; CONTROLLER and LOCAL never do
        return number != portNumber(OFPort.CONTROLLER) && number != portNumber(OFPort.LOCAL);
    }

    private static long portNumber(OFPort port) {
        return Integer.toUnsignedLong(port.getPortNumber());
    }
}

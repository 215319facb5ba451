package org.ovshighway.ovs.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.PortNo;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionEnqueue;
import org.projectfloodlight.openflow.protocol.action.OFActionGroup;
import org.projectfloodlight.openflow.protocol.action.OFActionMeter;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.action.OFActionSetField;
import org.projectfloodlight.openflow.protocol.action.OFActionSetQueue;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionGotoTable;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionMeter;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Turns the instructions (OpenFlow 1.3+) or actions (OpenFlow 1.0) of a flow update into the
 * model's {@link Action} list, using openflowj's readers.
 *
 * <p>openflowj exposes its instruction and action readers only through whole messages, so each
 * instruction (and, inside apply-actions, each action) is wrapped in a synthetic FLOW_MOD with an
 * empty match and parsed with the generic message reader. One at a time, because openflowj fails
 * the whole list on a single action it does not know (most Nicira extensions): such an action
 * becomes {@link Action.Other} naming its type, which the detector treats as "anything may
 * happen", so no rule is ever lost or made to look simpler than it is. A TLV whose length does not
 * fit its list, however, is malformed and fails the update.
 */
final class ActionDecoder {

    private static final int OFPT_FLOW_MOD = 14;
    private static final int OFPIT_APPLY_ACTIONS = 4;
    private static final int OFPAT_VENDOR = 0xffff;
    private static final int NXAST_RESUBMIT_TABLE = 14;
    private static final int OF10_PORT_IN_PORT = 0xfff8;
    /** OpenFlow 1.0 ofp_match with every field wildcarded (OFPFW_ALL). */
    private static final int OF10_WILDCARD_ALL = (1 << 22) - 1;

    private static final Set<String> HEADER_REWRITES = Set.of(
            "SET_VLAN_VID", "SET_VLAN_PCP", "STRIP_VLAN", "SET_DL_SRC", "SET_DL_DST", "SET_NW_SRC", "SET_NW_DST",
            "SET_NW_TOS", "SET_NW_ECN", "SET_TP_SRC", "SET_TP_DST", "COPY_TTL_OUT", "COPY_TTL_IN", "SET_MPLS_LABEL",
            "SET_MPLS_TC", "SET_MPLS_TTL", "DEC_MPLS_TTL", "PUSH_VLAN", "POP_VLAN", "PUSH_MPLS", "POP_MPLS",
            "SET_NW_TTL", "DEC_NW_TTL", "PUSH_PBB", "POP_PBB");

    private ActionDecoder() {
    }

    /**
     * Instructions of OpenFlow 1.3+ filling all of {@code list}, flattened as the model wants them:
     * meter first, then apply-actions in order, then everything else, goto_table last.
     */
    static List<Action> instructions(OpenFlowVersion version, ByteBuf list, String where) throws MalformedUpdateException {
        List<Action> meters = new ArrayList<>();
        List<Action> applied = new ArrayList<>();
        List<Action> others = new ArrayList<>();
        Action gotoTable = null;
        for (ByteBuf tlv : tlvs(list, 4, where, "instruction")) {
            int type = tlv.getUnsignedShort(0);
            OFInstruction instruction = parseInstruction(version, tlv);
            if (instruction instanceof OFInstructionApplyActions apply) {
                for (OFAction a : apply.getActions()) {
                    applied.addAll(convert(a, where));
                }
            } else if (instruction == null && type == OFPIT_APPLY_ACTIONS) {
                // openflowj rejected some action inside: walk them one by one.
                for (ByteBuf action : tlvs(tlv.slice(8, tlv.readableBytes() - 8), 8, where, "action")) {
                    applied.addAll(action(version, action, where));
                }
            } else if (instruction instanceof OFInstructionGotoTable g) {
                gotoTable = new Action.GotoTable(g.getTableId().getValue());
            } else if (instruction instanceof OFInstructionMeter m) {
                meters.add(new Action.Meter(m.getMeterId()));
            } else if (instruction != null) {
                others.add(new Action.Other(instruction.getType().name().toLowerCase() + " " + instruction));
            } else {
                others.add(new Action.Other(String.format("instruction type=0x%04x length=%d", type, tlv.readableBytes())));
            }
        }
        List<Action> out = new ArrayList<>(meters);
        out.addAll(applied);
        out.addAll(others);
        if (gotoTable != null) {
            out.add(gotoTable);
        }
        return out;
    }

    /**
     * OpenFlow 1.0 actions filling all of {@code list}. OVS writes goto_table as a Nicira
     * resubmit(IN_PORT, table) for 1.0; as the last action it means exactly goto_table and becomes one.
     */
    static List<Action> of10Actions(ByteBuf list, String where) throws MalformedUpdateException {
        List<ByteBuf> actions = tlvs(list, 8, where, "action");
        List<Action> out = new ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
            ByteBuf a = actions.get(i);
            boolean last = i == actions.size() - 1;
            if (last && a.readableBytes() == 16 && a.getUnsignedShort(0) == OFPAT_VENDOR
                    && a.getUnsignedInt(4) == OpenFlowWire.NX_VENDOR_ID && a.getUnsignedShort(8) == NXAST_RESUBMIT_TABLE
                    && a.getUnsignedShort(10) == OF10_PORT_IN_PORT && a.getUnsignedByte(12) != 0xff) {
                out.add(new Action.GotoTable(a.getUnsignedByte(12)));
            } else {
                out.addAll(action(OpenFlowVersion.OF10, a, where));
            }
        }
        return out;
    }

    /** An OpenFlow 1.1+ action list filling all of {@code list} (OpenFlow 1.5 group buckets). */
    static List<Action> actionList(OpenFlowVersion version, ByteBuf list, String where) throws MalformedUpdateException {
        List<Action> out = new ArrayList<>();
        for (ByteBuf a : tlvs(list, 8, where, "action")) {
            out.addAll(action(version, a, where));
        }
        return out;
    }

    /** Actions openflowj already parsed (group buckets), converted one by one. */
    static List<Action> actions(List<OFAction> actions, String where) throws MalformedUpdateException {
        List<Action> out = new ArrayList<>();
        for (OFAction a : actions) {
            out.addAll(convert(a, where));
        }
        return out;
    }

    /** Splits a list of type(2)/length(2) TLVs; each length must be a non-zero multiple of {@code align} inside the list. */
    private static List<ByteBuf> tlvs(ByteBuf list, int align, String where, String what) throws MalformedUpdateException {
        List<ByteBuf> out = new ArrayList<>();
        int offset = 0;
        int total = list.readableBytes();
        int base = list.readerIndex();
        while (offset < total) {
            if (total - offset < 4) {
                throw new MalformedUpdateException(where + ": " + what + " header truncated: offset=" + offset
                        + " remaining=" + (total - offset));
            }
            int type = list.getUnsignedShort(base + offset);
            int length = list.getUnsignedShort(base + offset + 2);
            if (length < Math.max(align, 4) || length % align != 0 || length > total - offset) {
                throw new MalformedUpdateException(where + ": " + what + " length invalid: offset=" + offset
                        + " type=0x" + Integer.toHexString(type) + " length=" + length + " remaining=" + (total - offset));
            }
            out.add(list.slice(base + offset, length));
            offset += length;
        }
        return out;
    }

    private static List<Action> action(OpenFlowVersion version, ByteBuf tlv, String where) throws MalformedUpdateException {
        OFAction parsed = parseAction(version, tlv);
        if (parsed != null) {
            return convert(parsed, where);
        }
        int type = tlv.getUnsignedShort(0);
        if (type == OFPAT_VENDOR && tlv.readableBytes() >= 10) {
            return List.of(new Action.Other(String.format("experimenter action experimenter=0x%08x subtype=%d length=%d",
                    tlv.getUnsignedInt(4), tlv.getUnsignedShort(8), tlv.readableBytes())));
        }
        return List.of(new Action.Other(String.format("action type=0x%04x length=%d", type, tlv.readableBytes())));
    }

    private static List<Action> convert(OFAction a, String where) throws MalformedUpdateException {
        if (a instanceof OFActionOutput o) {
            return List.of(new Action.Output(port(o.getPort())));
        }
        if (a instanceof OFActionGroup g) {
            return List.of(new Action.Group(Integer.toUnsignedLong(g.getGroup().getGroupNumber())));
        }
        if (a instanceof OFActionSetQueue q) {
            return List.of(new Action.SetQueue(q.getQueueId()));
        }
        if (a instanceof OFActionEnqueue e) {
            return List.of(new Action.SetQueue(e.getQueueId()), new Action.Output(port(e.getPort())));
        }
        if (a instanceof OFActionMeter m) {
            return List.of(new Action.Meter(m.getMeterId()));
        }
        if (a instanceof OFActionSetField s) {
            ByteBuf oxm = Unpooled.buffer();
            s.getField().writeTo(oxm);
            Match single = OxmMatchReader.readTlvs(oxm, where + " set_field", false);
            Map<?, FieldMatch> fields = single.fields();
            if (fields.size() != 1) {
                throw new MalformedUpdateException(where + ": set_field without exactly one field: " + s);
            }
            return List.of(new Action.SetField(fields.values().iterator().next()));
        }
        String type = a.getType().name();
        if (HEADER_REWRITES.contains(type)) {
            return List.of(new Action.HeaderRewrite(type.toLowerCase() + " " + a));
        }
        return List.of(new Action.Other(type.toLowerCase() + " " + a));
    }

    private static PortNo port(OFPort port) {
        return PortNo.of(Integer.toUnsignedLong(port.getPortNumber()));
    }

    /** openflowj's view of one instruction TLV, or null when openflowj cannot parse it. */
    private static OFInstruction parseInstruction(OpenFlowVersion version, ByteBuf tlv) {
        OFFlowMod mod = parseFlowMod(version, tlv);
        return mod == null || mod.getInstructions().size() != 1 ? null : mod.getInstructions().get(0);
    }

    /** openflowj's view of one action TLV, or null when openflowj cannot parse it. */
    private static OFAction parseAction(OpenFlowVersion version, ByteBuf tlv) {
        if (version == OpenFlowVersion.OF10) {
            OFFlowMod mod = parseFlowMod(version, tlv);
            return mod == null || mod.getActions().size() != 1 ? null : mod.getActions().get(0);
        }
        ByteBuf apply = Unpooled.buffer(8 + tlv.readableBytes());
        apply.writeShort(OFPIT_APPLY_ACTIONS).writeShort(8 + tlv.readableBytes()).writeInt(0).writeBytes(tlv, tlv.readerIndex(), tlv.readableBytes());
        OFInstruction instruction = parseInstruction(version, apply);
        if (instruction instanceof OFInstructionApplyActions a && a.getActions().size() == 1) {
            return a.getActions().get(0);
        }
        return null;
    }

    /** Wraps {@code body} (instructions for 1.3+, actions for 1.0) in a FLOW_MOD ADD and lets openflowj parse it. */
    private static OFFlowMod parseFlowMod(OpenFlowVersion version, ByteBuf body) {
        ByteBuf msg = Unpooled.buffer(80 + body.readableBytes());
        msg.writeByte(version.wire()).writeByte(OFPT_FLOW_MOD).writeShort(0).writeInt(0);
        if (version == OpenFlowVersion.OF10) {
            msg.writeInt(OF10_WILDCARD_ALL).writeZero(36);                 // ofp10_match
            msg.writeLong(0).writeShort(0).writeShort(0).writeShort(0);     // cookie, command ADD, idle, hard
            msg.writeShort(0).writeInt(-1).writeShort(0xffff).writeShort(0); // priority, buffer, out_port NONE, flags
        } else {
            msg.writeLong(0).writeLong(0).writeByte(0).writeByte(0);        // cookie, mask, table, command ADD
            msg.writeShort(0).writeShort(0).writeShort(0).writeInt(-1);     // idle, hard, priority, buffer
            msg.writeInt(-1).writeInt(-1).writeShort(0).writeShort(0);      // out_port, out_group, flags, importance/pad
            msg.writeShort(1).writeShort(4).writeInt(0);                    // empty OXM match, padded
        }
        msg.writeBytes(body, body.readerIndex(), body.readableBytes());
        msg.setShort(2, msg.readableBytes());
        try {
            OFMessage parsed = OFFactories.getGenericReader().readFrom(msg);
            return parsed instanceof OFFlowMod mod && !msg.isReadable() ? mod : null;
        } catch (OFParseError | RuntimeException e) {
            return null;
        }
    }
}

package org.ovshighway.ovs.openflow;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.RemovalReason;

/**
 * OpenFlow 1.4/1.5 OFPMP_FLOW_MONITOR reply body (openflow-1.4.h), which openflowj 3.6.605 cannot
 * decode (it reads a 4-byte entry for 1.5 and fails for 1.4).
 *
 * <pre>
 *  ofp_flow_update_full (events INITIAL 0, ADDED 1, REMOVED 2, MODIFIED 3):
 *   0 length(2) | 2 event(2) | 4 table_id(1) | 5 reason(1) | 6 idle_timeout(2) | 8 hard_timeout(2)
 *  10 priority(2) | 12 zeros(4) | 16 cookie(8) | 24 ofp_match (OXM, padded to 8) | instructions
 *  ofp_flow_update_abbrev (ABBREV 4): length(2)=8 | event(2) | xid(4)
 *  ofp_flow_update_paused (PAUSED 5, RESUMED 6): length(2)=8 | event(2) | zeros(4)
 * </pre>
 */
final class StandardFlowUpdateDecoder implements FlowUpdateDecoder {

    private static final int FULL_HEADER = 24;
    static final int EVENT_INITIAL = 0;
    static final int EVENT_ADDED = 1;
    static final int EVENT_REMOVED = 2;
    private static final int EVENT_MODIFIED = 3;
    private static final int EVENT_PAUSED = 5;
    private static final int EVENT_RESUMED = 6;

    private final OpenFlowVersion version;

    StandardFlowUpdateDecoder(OpenFlowVersion version) {
        this.version = version;
    }

    @Override
    public List<InboundMessage> decode(ByteBuf body, long xid, boolean more) throws MalformedUpdateException {
        List<InboundMessage> out = new ArrayList<>();
        List<FlowUpdate> run = new ArrayList<>();
        int index = 0;
        while (body.isReadable()) {
            String where = "OFPMP_FLOW_MONITOR " + version + " xid=" + xid + " entry=" + index + " offset=" + body.readerIndex();
            int length = FlowUpdateDecoder.entryLength(body, 8, where);
            int event = body.getUnsignedShort(body.readerIndex() + 2);
            ByteBuf entry = body.readSlice(length);
            switch (event) {
                case EVENT_INITIAL, EVENT_ADDED, EVENT_REMOVED, EVENT_MODIFIED -> run.add(full(entry, event, where));
                case EVENT_PAUSED, EVENT_RESUMED -> {
                    if (length != 8) {
                        throw new MalformedUpdateException(where + ": paused/resumed entry must be 8 bytes: length=" + length);
                    }
                    if (!run.isEmpty()) {
                        out.add(new InboundMessage.FlowMonitorReply(xid, true, run));
                        run = new ArrayList<>();
                    }
                    out.add(event == EVENT_PAUSED ? new InboundMessage.FlowMonitorPaused(xid) : new InboundMessage.FlowMonitorResumed(xid));
                }
                default -> throw new MalformedUpdateException(where + ": unexpected flow update event: event=" + event
                        + " (ABBREV cannot occur: this connection sends no flow mods)");
            }
            index++;
        }
        // The last message carries the header's "more" flag, so a dump still ends when it closes with a pause.
        if (!run.isEmpty() || out.isEmpty() || !more) {
            out.add(new InboundMessage.FlowMonitorReply(xid, more, run));
        }
        return out;
    }

    private FlowUpdate full(ByteBuf entry, int event, String where) throws MalformedUpdateException {
        if (entry.readableBytes() < FULL_HEADER + 8) {
            throw new MalformedUpdateException(where + ": full update shorter than header and match: length=" + entry.readableBytes());
        }
        int tableId = entry.getUnsignedByte(4);
        int reason = entry.getUnsignedByte(5);
        int idle = entry.getUnsignedShort(6);
        int hard = entry.getUnsignedShort(8);
        int priority = entry.getUnsignedShort(10);
        long cookie = entry.getLong(16);
        if (tableId > 0xfe) {
            throw new MalformedUpdateException(where + ": table id out of range: table=" + tableId);
        }
        entry.readerIndex(FULL_HEADER);
        Match match = OxmMatchReader.read(entry, where);
        List<Action> actions = ActionDecoder.instructions(version, entry.slice(), where);
        FlowUpdate.Kind kind = switch (event) {
            case EVENT_INITIAL -> FlowUpdate.Kind.INITIAL;
            case EVENT_ADDED -> FlowUpdate.Kind.ADDED;
            case EVENT_REMOVED -> FlowUpdate.Kind.REMOVED;
            default -> FlowUpdate.Kind.MODIFIED;
        };
        RemovalReason why = kind == FlowUpdate.Kind.REMOVED ? FlowUpdate.removalReason(reason) : RemovalReason.UNKNOWN;
        return new FlowUpdate(kind, tableId, priority, cookie, idle, hard, why, match, actions);
    }
}

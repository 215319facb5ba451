package org.ovshighway.ovs.openflow;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.Match;

/**
 * OpenFlow 1.0 NXST_FLOW_MONITOR reply body (nicira-ext.h): a run of
 * {@link NiciraUpdateHeader nx_flow_update_full} headers, each followed by match_len bytes of
 * nx_match, zero padding to 8 and OpenFlow 1.0 actions (with Nicira extensions).
 */
final class NiciraFlowUpdateDecoder implements FlowUpdateDecoder {

    @Override
    public List<InboundMessage> decode(ByteBuf body, long xid, boolean more) throws MalformedUpdateException {
        List<FlowUpdate> updates = new ArrayList<>();
        int index = 0;
        while (body.isReadable()) {
            String where = "NXST_FLOW_MONITOR xid=" + xid + " entry=" + index + " offset=" + body.readerIndex();
            int length = FlowUpdateDecoder.entryLength(body, 8, where);
            ByteBuf entry = body.readSlice(length);
            NiciraUpdateHeader h = NiciraUpdateHeader.read(entry, where);
            int padded = (h.matchLength() + 7) & ~7;
            if (NiciraUpdateHeader.LENGTH + padded > length) {
                throw new MalformedUpdateException(where + ": padded nx_match overruns the update: match_len="
                        + h.matchLength() + " length=" + length);
            }
            Match match = OxmMatchReader.readTlvs(entry.slice(NiciraUpdateHeader.LENGTH, h.matchLength()), where, true);
            entry.readerIndex(NiciraUpdateHeader.LENGTH + padded);
            List<Action> actions = ActionDecoder.of10Actions(entry.slice(), where);
            updates.add(new FlowUpdate(h.kind(), h.tableId(), h.priority(), h.cookie(), h.idleTimeout(), h.hardTimeout(),
                    h.reason(), match, actions));
            index++;
        }
        return List.of(new InboundMessage.FlowMonitorReply(xid, more, updates));
    }
}

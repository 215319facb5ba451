package org.ovshighway.ovs.openflow;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.Match;

/**
 * OpenFlow 1.3 ONFST_FLOW_MONITOR reply body (OVS lib/ofp-monitor.c): a run of
 * {@link NiciraUpdateHeader nx_flow_update_full} headers, each followed by an OXM ofp_match padded to
 * 8 and the instructions. The initial dump comes as ADDED updates in the reply to the request.
 */
final class Onf13FlowUpdateDecoder implements FlowUpdateDecoder {

    @Override
    public List<InboundMessage> decode(ByteBuf body, long xid, boolean more) throws MalformedUpdateException {
        List<FlowUpdate> updates = new ArrayList<>();
        int index = 0;
        while (body.isReadable()) {
            String where = "ONFST_FLOW_MONITOR xid=" + xid + " entry=" + index + " offset=" + body.readerIndex();
            int length = FlowUpdateDecoder.entryLength(body, 8, where);
            ByteBuf entry = body.readSlice(length);
            NiciraUpdateHeader h = NiciraUpdateHeader.read(entry, where);
            Match match = OxmMatchReader.read(entry, where);
            List<Action> actions = ActionDecoder.instructions(OpenFlowVersion.OF13, entry.slice(), where);
            updates.add(new FlowUpdate(h.kind(), h.tableId(), h.priority(), h.cookie(), h.idleTimeout(), h.hardTimeout(),
                    h.reason(), match, actions));
            index++;
        }
        return List.of(new InboundMessage.FlowMonitorReply(xid, more, updates));
    }
}

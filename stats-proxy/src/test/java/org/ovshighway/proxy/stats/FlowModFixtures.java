package org.ovshighway.proxy.stats;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Set;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.PortNo;
import org.projectfloodlight.openflow.protocol.OFMessage;

/** What the FLOW_MOD decoding tests share: a message as the proxy sees it, and a flow as the mirror holds it. */
final class FlowModFixtures {
    private FlowModFixtures() {
    }

    /** {@code message} as one whole frame on the wire. */
    static ByteBuf bytes(OFMessage message) {
        ByteBuf buf = Unpooled.buffer();
        message.writeTo(buf);
        return buf;
    }

    /** A flow of the agent's mirror that outputs to port 14. */
    static FlowEntry flow(int table, int priority, long cookie, Match match) {
        return new FlowEntry(table, priority, cookie, match, List.of(new Action.Output(new PortNo(14))), 0, 0, Set.of());
    }
}

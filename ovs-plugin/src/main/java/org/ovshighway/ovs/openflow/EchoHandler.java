package org.ovshighway.ovs.openflow;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import org.projectfloodlight.openflow.protocol.OFEchoReply;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;

/**
 * Liveness both ways: answers the switch's ECHO_REQUEST, swallows ECHO_REPLY, sends an
 * ECHO_REQUEST when the connection has been quiet for the idle handler's reader-idle time and
 * closes it when still quiet one period later (the monitor then reconnects and resynchronises).
 */
public final class EchoHandler extends ChannelInboundHandlerAdapter {

    private static final System.Logger LOG = System.getLogger(EchoHandler.class.getName());

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof InboundMessage.Parsed(OFEchoRequest request)) {
            OFFactory factory = OFFactories.getFactory(request.getVersion());
            ctx.writeAndFlush(factory.buildEchoReply().setXid(request.getXid()).setData(request.getData()).build());
            return;
        }
        if (msg instanceof InboundMessage.Parsed(OFEchoReply reply)) {
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle) {
            OpenFlowVersion v = ctx.channel().attr(FlowMonitorHandler.VERSION).get();
            if (idle.state() == IdleState.READER_IDLE && idle.isFirst() && v != null) {
                ctx.writeAndFlush(OFFactories.getFactory(v.openflowj()).buildEchoRequest().setXid(0).setData(new byte[0]).build());
            } else if (idle.state() == IdleState.READER_IDLE) {
                // Quiet for a second reader-idle period even after an echo request: the switch is gone.
                LOG.log(System.Logger.Level.WARNING, "switch silent after echo request, closing to reconnect: channel={0}", ctx.channel());
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }
}

package org.ovshighway.ovs.openflow;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.EnumSet;
import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFHelloElem;
import org.projectfloodlight.openflow.protocol.OFHelloElemVersionbitmap;
import org.projectfloodlight.openflow.types.U32;

/**
 * OpenFlow version negotiation: sends HELLO (highest offered version, with a version bitmap) when
 * the channel becomes active, waits for the switch's HELLO, fires {@link HandshakeCompleted} and
 * leaves the pipeline. No common version closes the channel with an error logged.
 */
public final class HandshakeHandler extends ChannelInboundHandlerAdapter {

    private static final System.Logger LOG = System.getLogger(HandshakeHandler.class.getName());

    private final Set<OpenFlowVersion> offered;

    public HandshakeHandler(Set<OpenFlowVersion> offered) {
        if (offered.isEmpty()) {
            throw new IllegalArgumentException("at least one OpenFlow version must be offered");
        }
        this.offered = EnumSet.copyOf(offered);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        int highest = OpenFlowVersion.highest(offered).wire();
        ctx.writeAndFlush(OpenFlowRequests.hello(ctx.alloc(), highest, OpenFlowVersion.bitmapOf(offered), 0));
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof InboundMessage.Parsed(OFHello hello))) {
            LOG.log(System.Logger.Level.WARNING, "message before HELLO ignored: channel={0} message={1}", ctx.channel(), msg);
            return;
        }
        Integer bitmap = null;
        for (OFHelloElem elem : hello.getElements()) {
            if (elem instanceof OFHelloElemVersionbitmap vb && !vb.getBitmaps().isEmpty()) {
                U32 first = vb.getBitmaps().get(0);
                bitmap = (int) first.getValue();
            }
        }
        var version = OpenFlowVersion.negotiate(offered, hello.getVersion().getWireVersion(), bitmap);
        if (version.isEmpty()) {
            LOG.log(System.Logger.Level.ERROR, "no common OpenFlow version: channel={0} offered={1} peerVersion={2} peerBitmap={3}",
                    ctx.channel(), offered, hello.getVersion(), bitmap == null ? "none" : Integer.toHexString(bitmap));
            ctx.close();
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireUserEventTriggered(new HandshakeCompleted(version.get()));
    }
}

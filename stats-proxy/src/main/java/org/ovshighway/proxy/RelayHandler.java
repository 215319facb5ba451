package org.ovshighway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The last stage of one side's pipeline: hands that side's frames and events to the
 * {@link RelayedConnection}, which owns all relay state.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

    private final Side side;
    private final RelayedConnection connection;

    RelayHandler(Side side, RelayedConnection connection) {
        this.side = side;
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        connection.received(side, (ByteBuf) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        connection.readComplete(side);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        connection.updateReading();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.inactive(side);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connection.failed(side, cause);
    }
}

package org.ovshighway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;
import java.util.Optional;

/**
 * The pipeline of one side of a relayed connection: {@code tls} (only toward an {@code ssl:}
 * target), {@code framer} (cuts OpenFlow frames), {@code relay} (hands them to the connection).
 */
final class RelayChannelInitializer extends ChannelInitializer<Channel> {

    static final String TLS = "tls";
    static final String FRAMER = "framer";
    static final String RELAY = "relay";

    private final Side side;
    private final RelayedConnection connection;
    private final Optional<SslContext> tls;
    private final OpenFlowTarget tlsPeer;

    RelayChannelInitializer(Side side, RelayedConnection connection, Optional<SslContext> tls, OpenFlowTarget tlsPeer) {
        this.side = side;
        this.connection = connection;
        this.tls = tls;
        this.tlsPeer = tlsPeer;
    }

    @Override
    protected void initChannel(Channel ch) {
        tls.ifPresent(context -> ch.pipeline().addLast(TLS,
                context.newHandler(ch.alloc(), tlsPeer.host(), tlsPeer.port())));
        ch.pipeline().addLast(FRAMER, new OpenFlowFrameSplitter());
        ch.pipeline().addLast(RELAY, new RelayHandler(side, connection));
    }
}

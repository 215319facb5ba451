package org.ovshighway.ovs.ovsdb;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.string.StringEncoder;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.opendaylight.ovsdb.lib.OvsdbClient;
import org.opendaylight.ovsdb.lib.OvsdbConnectionInfo.ConnectionType;
import org.opendaylight.ovsdb.lib.OvsdbConnectionInfo.SocketConnectionType;
import org.opendaylight.ovsdb.lib.OvsdbConnectionListener;
import org.opendaylight.ovsdb.lib.impl.NettyBootstrapFactory;
import org.opendaylight.ovsdb.lib.impl.OvsdbClientImpl;
import org.opendaylight.ovsdb.lib.impl.OvsdbConnectionService;
import org.opendaylight.ovsdb.lib.jsonrpc.JsonRpcDecoder;
import org.opendaylight.ovsdb.lib.jsonrpc.JsonRpcEndpoint;

/**
 * An OVSDB library client connected to one endpoint. TCP goes through the library's own
 * {@link OvsdbConnectionService}; the library has no unix-socket connect, so for {@code unix:}
 * this class builds the same JSON-RPC pipeline (the library's decoder and endpoint) on a Netty
 * epoll domain-socket channel and wraps it in the library's {@link OvsdbClientImpl}.
 */
final class OvsdbTransport implements AutoCloseable {

    /** Largest JSON-RPC message accepted; a big bridge's initial monitor reply must fit. */
    private static final int MAX_FRAME_BYTES = 16 << 20;

    private final OvsdbClient client;
    private final Runnable closer;

    private OvsdbTransport(OvsdbClient client, Runnable closer) {
        this.client = client;
        this.closer = closer;
    }

    OvsdbClient client() {
        return client;
    }

    /**
     * Connects; {@code onDisconnect} runs once when the connection drops (not after
     * {@link #close()}).
     */
    static OvsdbTransport open(OvsdbEndpoint endpoint, Duration timeout, Consumer<String> onDisconnect) {
        return switch (endpoint) {
            case OvsdbEndpoint.Unix unix -> openUnix(unix, timeout, onDisconnect);
            case OvsdbEndpoint.Tcp tcp -> openTcp(tcp, onDisconnect);
        };
    }

    private static OvsdbTransport openTcp(OvsdbEndpoint.Tcp tcp, Consumer<String> onDisconnect) {
        InetAddress address;
        try {
            address = InetAddress.getByName(tcp.host());
        } catch (UnknownHostException e) {
            throw new OvsdbException("cannot resolve ovsdb host: endpoint=" + tcp, e);
        }
        NettyBootstrapFactory factory = new NettyBootstrapFactory();
        OvsdbConnectionService service = new OvsdbConnectionService(factory, null);
        OvsdbClient client;
        try {
            client = service.connect(address, tcp.port());
        } catch (Exception e) {
            // The library rethrows Netty's checked ConnectException undeclared, hence Exception.
            factory.close();
            throw new OvsdbException("cannot connect to ovsdb-server: endpoint=" + tcp + " cause=" + e, e);
        }
        if (client == null) {
            factory.close();
            throw new OvsdbException("cannot connect to ovsdb-server: endpoint=" + tcp);
        }
        AtomicBoolean closing = new AtomicBoolean();
        OvsdbConnectionListener listener = new OvsdbConnectionListener() {
            @Override
            public void connected(OvsdbClient c) {
            }

            @Override
            public void disconnected(OvsdbClient c) {
                if (c == client && !closing.get()) {
                    onDisconnect.accept("connection closed: endpoint=" + tcp);
                }
            }
        };
        service.registerConnectionListener(listener);
        return new OvsdbTransport(client, () -> {
            closing.set(true);
            service.unregisterConnectionListener(listener);
            service.disconnect(client);
            client.disconnect();
            factory.close();
        });
    }

    private static OvsdbTransport openUnix(OvsdbEndpoint.Unix unix, Duration timeout, Consumer<String> onDisconnect) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                Thread.ofPlatform().daemon().name("ovsdb-unix-io").factory(), EpollIoHandler.newFactory());
        Bootstrap bootstrap = new Bootstrap().group(group).channel(EpollDomainSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast("json-frame-decoder", new JsonRpcDecoder(MAX_FRAME_BYTES))
                                .addLast("utf8-encoder", new StringEncoder(StandardCharsets.UTF_8));
                    }
                });
        Channel channel;
        try {
            ChannelFuture connect = bootstrap.connect(new DomainSocketAddress(unix.path().toFile()));
            if (!connect.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new OvsdbException("timed out connecting to ovsdb-server: endpoint=" + unix + " timeout=" + timeout);
            }
            if (!connect.isSuccess()) {
                throw new OvsdbException("cannot connect to ovsdb-server: endpoint=" + unix
                        + " cause=" + connect.cause(), connect.cause());
            }
            channel = connect.channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new OvsdbException("interrupted connecting to ovsdb-server: endpoint=" + unix, e);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        JsonRpcEndpoint rpc = new JsonRpcEndpoint(channel);
        channel.pipeline().addLast("json-rpc-endpoint", rpc).addLast("close-on-error", new CloseOnError(unix));
        OvsdbClientImpl client = new OvsdbClientImpl(rpc, channel, ConnectionType.ACTIVE, SocketConnectionType.NON_SSL);
        AtomicBoolean closing = new AtomicBoolean();
        channel.closeFuture().addListener(f -> {
            if (!closing.get()) {
                onDisconnect.accept("connection closed: endpoint=" + unix);
            }
        });
        return new OvsdbTransport(client, () -> {
            closing.set(true);
            client.disconnect();
            channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        });
    }

    /** Last stage: a malformed message or I/O error ends the session instead of being swallowed. */
    private static final class CloseOnError extends ChannelInboundHandlerAdapter {
        private static final System.Logger LOG = System.getLogger(OvsdbTransport.class.getName());
        private final OvsdbEndpoint endpoint;

        CloseOnError(OvsdbEndpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(System.Logger.Level.WARNING, "closing ovsdb connection: endpoint=" + endpoint, cause);
            ctx.close();
        }
    }

    @Override
    public void close() {
        closer.run();
    }
}

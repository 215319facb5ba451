package org.ovshighway.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The running OpenFlow proxy: one listener per southbound route (the bridge connects there, the
 * proxy connects on to the original controller) and optionally a passive listener (an OpenFlow
 * client connects there, the proxy connects on to the bridge's own passive endpoint). Each
 * accepted connection gets its own upstream connection on the same event loop, and nothing is
 * read from the accepted side until the upstream one is up: when the upstream connection fails,
 * the accepted one is closed, so the bridge sees its controller as unreachable and applies its
 * fail mode exactly as without the proxy.
 */
public final class OpenFlowProxy implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OpenFlowProxy.class.getName());

    /** Outbound buffer bounds per channel: above high, the other side stops reading. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private final ProxyConfig config;
    private final RelayTransport transport;
    private final EventLoopGroup group;
    private final List<Channel> southboundListeners = new ArrayList<>();
    private Channel passiveListener;
    /** Unix socket files this proxy bound; removed when it closes. */
    private final List<Path> socketFiles = new ArrayList<>();
    private final AtomicLong connectionIds = new AtomicLong();

    private OpenFlowProxy(ProxyConfig config, RelayTransport transport, EventLoopGroup group) {
        this.config = config;
        this.transport = transport;
        this.group = group;
    }

    /**
     * Binds every listener and returns the running proxy.
     *
     * @throws ProxyException naming the address when a listener cannot be bound
     */
    public static OpenFlowProxy start(ProxyConfig config) {
        Objects.requireNonNull(config, "config");
        RelayTransport transport = RelayTransport.best();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(0,
                transport.ioHandlerFactory(BusyPollSelectStrategy.factory(config.busyPoll())));
        OpenFlowProxy proxy = new OpenFlowProxy(config, transport, group);
        try {
            for (int i = 0; i < config.southbound().size(); i++) {
                ProxyRoute route = config.southbound().get(i);
                proxy.southboundListeners.add(proxy.listen(route, Side.SWITCH, "southbound" + i));
            }
            if (config.passive().isPresent()) {
                proxy.passiveListener = proxy.listen(config.passive().get(), Side.CONTROLLER, "passive");
            }
            return proxy;
        } catch (RuntimeException e) {
            proxy.close();
            throw e;
        }
    }

    /**
     * The bound address of TCP southbound route {@code index} (the port is real when 0 was asked).
     *
     * @throws IllegalStateException when that route listens on a Unix socket
     */
    public InetSocketAddress southboundAddress(int index) {
        if (!(southboundListeners.get(index).localAddress() instanceof InetSocketAddress bound)) {
            throw new IllegalStateException("southbound route listens on a Unix socket: index=" + index
                    + " listen=" + config.southbound().get(index).listen());
        }
        return bound;
    }

    /**
     * Runs {@code task} once on each of the proxy's event-loop threads, the ones that relay and
     * decide holds (e.g. to set their scheduling priority).
     */
    public void runOnEachEventLoop(Runnable task) {
        group.forEach(loop -> loop.execute(task));
    }

    /**
     * Where the bridge connects for southbound route {@code index}, as an OpenFlow target:
     * {@code tcp:HOST:PORT} (the port is real when 0 was asked) or {@code unix:PATH}.
     */
    public String southboundTarget(int index) {
        ProxyRoute route = config.southbound().get(index);
        if (route.unixListener()) {
            return "unix:" + ((UnixDomainSocketAddress) route.listen()).getPath();
        }
        return OpenFlowTarget.tcpText(southboundAddress(index));
    }

    public Optional<InetSocketAddress> passiveAddress() {
        return Optional.ofNullable(passiveListener).map(c -> (InetSocketAddress) c.localAddress());
    }

    public RelayMetrics metrics() {
        return config.policy().metrics();
    }

    private Channel listen(ProxyRoute route, Side acceptedSide, String label) {
        boolean unix = route.unixListener();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel(unix))
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel accepted) {
                        String name = label + "#" + connectionIds.incrementAndGet() + " target=" + route.target();
                        RelayedConnection connection = new RelayedConnection(name, config.policy());
                        accepted.pipeline().addLast(RelayChannelInitializer.FRAMER, new OpenFlowFrameSplitter());
                        accepted.pipeline().addLast(RelayChannelInitializer.RELAY, new RelayHandler(acceptedSide, connection));
                        dial(accepted, acceptedSide, route.target(), connection);
                    }
                });
        if (unix) {
            prepareSocketPath(((UnixDomainSocketAddress) route.listen()).getPath(), label);
        } else {
            bootstrap.option(ChannelOption.SO_REUSEADDR, true).childOption(ChannelOption.TCP_NODELAY, true);
        }
        ChannelFuture bound = bootstrap.bind(transport.listenAddress(route.listen())).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new ProxyException("cannot listen: listener=" + label + " address=" + route.listen()
                    + " error=" + bound.cause(), bound.cause());
        }
        if (unix) {
            socketFiles.add(((UnixDomainSocketAddress) route.listen()).getPath());
        }
        LOG.log(System.Logger.Level.INFO, "listening: listener=" + label + " address=" + bound.channel().localAddress()
                + " target=" + route.target() + " transport=" + transport);
        return bound.channel();
    }

    /**
     * A socket file left by a proxy that did not stop cleanly is removed (binding would fail on it);
     * any other file there is not touched, and the bind then fails naming it.
     */
    private static void prepareSocketPath(Path path, String label) {
        try {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                // a socket is neither a regular file, a directory nor a link: "other"
                if (!Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
                    throw new ProxyException("cannot listen: listener=" + label + " path=" + path
                            + " exists and is not a socket");
                }
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new ProxyException("cannot listen: listener=" + label + " path=" + path + " error=" + e, e);
        }
    }

    private void dial(Channel accepted, Side acceptedSide, OpenFlowTarget target, RelayedConnection connection) {
        Side dialedSide = acceptedSide.other();
        boolean unix = target.kind() == OpenFlowTarget.Kind.UNIX;
        Optional<SslContext> tls = target.kind() == OpenFlowTarget.Kind.SSL ? config.upstreamTls() : Optional.empty();
        Bootstrap bootstrap = new Bootstrap()
                .group(accepted.eventLoop())
                .channel(transport.channel(unix))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .handler(new RelayChannelInitializer(dialedSide, connection, tls, target));
        if (!unix) {
            bootstrap.option(ChannelOption.TCP_NODELAY, true);
        }
        bootstrap.connect(transport.address(target)).addListener((ChannelFuture connected) -> {
            if (!connected.isSuccess()) {
                config.policy().metrics().upstreamConnectFailures.increment();
                LOG.log(System.Logger.Level.WARNING, "upstream connection failed, closing the accepted one:"
                        + " connection=" + connection.name() + " peer=" + accepted.remoteAddress()
                        + " error=" + connected.cause());
                accepted.close();
                return;
            }
            Channel dialed = connected.channel();
            if (!accepted.isActive()) {
                dialed.close();
                return;
            }
            if (acceptedSide == Side.SWITCH) {
                connection.start(accepted, dialed);
            } else {
                connection.start(dialed, accepted);
            }
        });
    }

    /** Closes the listeners and every relayed connection. */
    @Override
    public void close() {
        for (Channel listener : southboundListeners) {
            listener.close().awaitUninterruptibly();
        }
        if (passiveListener != null) {
            passiveListener.close().awaitUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        for (Path socket : socketFiles) {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot remove listener socket path=" + socket + ": " + e);
            }
        }
    }
}

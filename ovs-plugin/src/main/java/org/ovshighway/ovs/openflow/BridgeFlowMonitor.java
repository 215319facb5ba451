package org.ovshighway.ovs.openflow;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The agent's own OpenFlow connection to one bridge, mirroring its flow and group tables into
 * {@link org.ovshighway.p2p.flow.FlowEvent}s for a {@link FlowEventListener}. It reconnects by itself
 * (switch restarted, socket gone, resynchronisation requested) and every new connection begins
 * with a full dump; see {@link MirrorSession} for the resync invariant and
 * {@link FlowMonitorHandler} for what is monitored. One event-loop thread per monitor.
 */
public final class BridgeFlowMonitor implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(BridgeFlowMonitor.class.getName());

    /** OpenFlow 1.5 first, then 1.4 (same standard monitor), 1.3 (ONF), 1.0 (Nicira). */
    public static final Set<OpenFlowVersion> ALL_VERSIONS = EnumSet.allOf(OpenFlowVersion.class);
    private static final Duration ECHO_INTERVAL = Duration.ofSeconds(5);
    private static final long FIRST_RETRY_MILLIS = 50;
    private static final long MAX_RETRY_MILLIS = 2000;
    private static final int CONNECT_TIMEOUT_MILLIS = 3000;

    private final BridgeEndpoint endpoint;
    private final MirrorSession session;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private volatile Channel channel;
    private volatile boolean closed;
    private long retryMillis = FIRST_RETRY_MILLIS;

    private BridgeFlowMonitor(BridgeEndpoint endpoint, Set<OpenFlowVersion> versions, FlowEventListener listener) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.session = new MirrorSession(endpoint.bridge(), listener);
        boolean unix = endpoint instanceof BridgeEndpoint.UnixSocket;
        if (unix && !Epoll.isAvailable()) {
            throw new IllegalStateException("unix-domain OpenFlow sockets need Netty's native epoll transport: endpoint="
                    + endpoint + " cause=" + Epoll.unavailabilityCause());
        }
        boolean epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(unix ? EpollDomainSocketChannel.class : epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new OpenFlowChannelInitializer(versions, session, ECHO_INTERVAL));
    }

    /** Starts monitoring {@code endpoint}, offering every supported version; returns at once (connecting in the background). */
    public static BridgeFlowMonitor start(BridgeEndpoint endpoint, FlowEventListener listener) {
        return start(endpoint, ALL_VERSIONS, listener);
    }

    /** Starts monitoring {@code endpoint} offering only {@code versions} (the switch picks the highest it shares). */
    public static BridgeFlowMonitor start(BridgeEndpoint endpoint, Set<OpenFlowVersion> versions, FlowEventListener listener) {
        BridgeFlowMonitor monitor = new BridgeFlowMonitor(endpoint, versions, listener);
        monitor.group.execute(monitor::connect);
        return monitor;
    }

    public BridgeEndpoint endpoint() {
        return endpoint;
    }

    public ConnectionState state() {
        return session.state();
    }

    /** The version of the current connection, once its handshake is done. */
    public Optional<OpenFlowVersion> version() {
        Channel ch = channel;
        return ch == null ? Optional.empty() : Optional.ofNullable(ch.attr(FlowMonitorHandler.VERSION).get());
    }

    /** Completed full dumps so far (1 after the first connection, +1 per resynchronisation). */
    public long resyncCount() {
        return session.resyncCount();
    }

    /**
     * Runs {@code task} on the monitor's event-loop thread, the one that decodes updates and calls
     * the listener (e.g. to set that thread's scheduling priority).
     */
    public void runOnEventLoop(Runnable task) {
        group.execute(task);
    }

    /**
     * Sends a BARRIER on the monitor's connection. The returned future completes on the monitor's
     * event loop once the reply arrived, after the listener received every update the switch sent
     * before it: every flow change the switch had applied when it read the barrier is then in the
     * listener's mirror. It fails when the monitor is not connected with a complete mirror, or the
     * connection closes first (a resynchronisation then follows).
     */
    public CompletableFuture<Void> barrier() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IllegalStateException("flow monitor closed: endpoint=" + endpoint));
            return done;
        }
        try {
            group.execute(() -> {
                Channel ch = channel;
                ChannelHandlerContext ctx = ch == null ? null : ch.pipeline().context(FlowMonitorHandler.class);
                if (ctx == null || !ch.isActive()) {
                    done.completeExceptionally(new IllegalStateException("flow monitor not connected: endpoint="
                            + endpoint + " state=" + session.state()));
                    return;
                }
                ((FlowMonitorHandler) ctx.handler()).barrier(ctx, done);
            });
        } catch (RejectedExecutionException e) {
            // closed meanwhile: the event loop takes no more tasks
            done.completeExceptionally(new IllegalStateException("flow monitor closed: endpoint=" + endpoint, e));
        }
        return done;
    }

    /** Drops the current connection and resynchronises through a new one, as after a bad update. */
    public void resync() {
        group.execute(() -> {
            session.resyncNeeded("requested by the caller");
            Channel ch = channel;
            if (ch != null) {
                ch.close();
            }
        });
    }

    private void connect() {
        if (closed) {
            return;
        }
        session.state(ConnectionState.CONNECTING);
        ChannelFuture f = bootstrap.connect(endpoint.address());
        channel = f.channel();
        f.addListener((ChannelFuture done) -> {
            if (!done.isSuccess()) {
                LOG.log(System.Logger.Level.DEBUG, "connect failed: endpoint={0} cause={1}", endpoint, done.cause());
                session.resyncNeeded("cannot connect: " + done.cause());
                scheduleReconnect();
                return;
            }
            if (session.state() == ConnectionState.CONNECTING) {
                session.state(ConnectionState.HANDSHAKING);
            }
            done.channel().closeFuture().addListener(closedFuture -> {
                boolean wasMonitoring = session.state() == ConnectionState.MONITORING;
                session.resyncNeeded("connection closed");
                if (wasMonitoring) {
                    retryMillis = FIRST_RETRY_MILLIS;
                }
                scheduleReconnect();
            });
        });
    }

    private void scheduleReconnect() {
        if (closed) {
            session.state(ConnectionState.CLOSED);
            return;
        }
        session.state(ConnectionState.DISCONNECTED);
        long delay = retryMillis;
        retryMillis = Math.min(MAX_RETRY_MILLIS, retryMillis * 2);
        group.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /** Closes the connection and stops the event loop; no event is delivered after this returns. */
    @Override
    public void close() {
        closed = true;
        Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        session.state(ConnectionState.CLOSED);
    }
}

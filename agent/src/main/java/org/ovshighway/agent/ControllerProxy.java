package org.ovshighway.agent;

import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import org.ovshighway.ovs.ovsdb.ControllerConfig;
import org.ovshighway.ovs.ovsdb.OvsdbSession;
import org.ovshighway.proxy.OpenFlowProxy;
import org.ovshighway.proxy.OpenFlowTarget;
import org.ovshighway.proxy.ProxyConfig;
import org.ovshighway.proxy.ProxyRoute;
import org.ovshighway.proxy.RelayPolicy;

/**
 * The OpenFlow proxy put between a bridge and its controllers: one listener per relayed original
 * controller target (and optionally a passive listener for the switch's own clients), the bridge
 * re-pointed at the listeners with the originals saved in OVSDB ({@link BridgeAttachment}).
 * {@link #close} restores the originals, then stops the proxy. Used by {@code highway attach}
 * and by {@code highway agent} with {@code controller-proxy=true}.
 */
final class ControllerProxy implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ControllerProxy.class.getName());

    /** Where the originals are restored: a connected session (a new one after ovsdb-server restarted). */
    private final Supplier<OvsdbSession> ovsdb;
    private final String bridge;
    private final OpenFlowProxy proxy;
    private final List<ProxyRoute> routes;
    private final List<String> proxyTargets;
    private boolean closed;

    private ControllerProxy(Supplier<OvsdbSession> ovsdb, String bridge, OpenFlowProxy proxy, List<ProxyRoute> routes,
                            List<String> proxyTargets) {
        this.ovsdb = ovsdb;
        this.bridge = bridge;
        this.proxy = proxy;
        this.routes = List.copyOf(routes);
        this.proxyTargets = List.copyOf(proxyTargets);
    }

    /** How {@code proxy-listen} / {@code --listen} names a directory for Unix socket listeners. */
    static final String UNIX_PREFIX = "unix:";

    /**
     * One route per original target the proxy relays. {@code listen} is an address (TCP listeners,
     * ports from {@code firstPort}, 0: any) or {@code unix:DIR} (a Unix socket per route,
     * {@code DIR/highway-BRIDGE-N.sock}, which the bridge reaches as a {@code unix:} controller).
     */
    static List<ProxyRoute> routes(List<ControllerConfig> originals, String listen, int firstPort, String bridge) {
        List<ProxyRoute> routes = new ArrayList<>();
        for (ControllerConfig original : originals) {
            if (BridgeAttachment.relayed(original)) {
                SocketAddress address;
                if (listen.startsWith(UNIX_PREFIX)) {
                    address = UnixDomainSocketAddress.of(unixSocket(Path.of(listen.substring(UNIX_PREFIX.length())),
                            bridge, routes.size()));
                } else {
                    address = new InetSocketAddress(listen, firstPort == 0 ? 0 : firstPort + routes.size());
                }
                routes.add(new ProxyRoute(address, OpenFlowTarget.parse(original.target())));
            }
        }
        return routes;
    }

    /** Longest path a sockaddr_un holds. */
    private static final int MAX_SOCKET_PATH = 107;

    /**
     * What is wrong with {@code listen} for {@code bridge}'s listeners, if anything: {@code unix:DIR}
     * must name an existing absolute directory short enough for the socket paths (a few routes).
     */
    static Optional<String> listenProblem(String listen, String bridge) {
        if (!listen.startsWith(UNIX_PREFIX)) {
            return listen.isBlank() ? Optional.of("must be an address or unix:DIR: value=" + listen) : Optional.empty();
        }
        Path directory = Path.of(listen.substring(UNIX_PREFIX.length()));
        if (!directory.isAbsolute() || !java.nio.file.Files.isDirectory(directory)) {
            return Optional.of("unix: needs an existing absolute directory: value=" + listen);
        }
        Path longest = unixSocket(directory, bridge, 99);
        if (longest.toString().length() > MAX_SOCKET_PATH) {
            return Optional.of("socket paths would be longer than " + MAX_SOCKET_PATH + " bytes: path=" + longest);
        }
        return Optional.empty();
    }

    /** The listener socket of route {@code index} of {@code bridge} in {@code directory}. */
    static Path unixSocket(Path directory, String bridge, int index) {
        return directory.resolve("highway-" + bridge + "-" + index + ".sock");
    }

    /**
     * Starts the proxy for {@code routes} (and {@code passive}) under {@code policy}, its event loops
     * busy-polling for {@code busyPoll} before they sleep, then points
     * {@code bridge} at it, the originals saved in the same OVSDB transaction. If re-pointing
     * fails, the proxy is stopped again.
     */
    static ControllerProxy start(Supplier<OvsdbSession> ovsdb, String bridge, List<ControllerConfig> originals,
                                 List<ProxyRoute> routes, Optional<ProxyRoute> passive, RelayPolicy policy,
                                 Optional<SslContext> tls, Duration busyPoll) {
        Objects.requireNonNull(ovsdb, "ovsdb");
        OpenFlowProxy proxy = OpenFlowProxy.start(new ProxyConfig(routes, passive, policy, tls,
                ProxyConfig.DEFAULT_CONNECT_TIMEOUT, busyPoll));
        try {
            List<String> targets = new ArrayList<>();
            for (int i = 0; i < routes.size(); i++) {
                targets.add(proxy.southboundTarget(i));
            }
            BridgeAttachment.pointAtProxy(ovsdb.get(), bridge, originals, targets);
            LOG.log(System.Logger.Level.INFO, "controllers relayed: bridge=" + bridge + " listeners=" + targets
                    + " controllers=" + routes.stream().map(r -> r.target().toString()).toList()
                    + proxy.passiveAddress().map(a -> " passive=" + OpenFlowTarget.tcpText(a)).orElse(""));
            return new ControllerProxy(ovsdb, bridge, proxy, routes, targets);
        } catch (RuntimeException e) {
            proxy.close();
            throw e;
        }
    }

    /** {@link OpenFlowProxy#runOnEachEventLoop}. */
    void runOnEachEventLoop(Runnable task) {
        proxy.runOnEachEventLoop(task);
    }

    List<ProxyRoute> routes() {
        return routes;
    }

    /** What the bridge's controllers now point at, one per route. */
    List<String> proxyTargets() {
        return proxyTargets;
    }

    OpenFlowProxy proxy() {
        return proxy;
    }

    /** Restores the original controllers, returns them, and stops the proxy. Idempotent (later calls return empty). */
    List<ControllerConfig> restore() {
        if (closed) {
            return List.of();
        }
        closed = true;
        try {
            List<ControllerConfig> restored = BridgeAttachment.restore(ovsdb.get(), bridge);
            LOG.log(System.Logger.Level.INFO, "controllers restored: bridge=" + bridge + " controllers="
                    + restored.stream().map(ControllerConfig::target).toList() + " " + proxy.metrics());
            return restored;
        } finally {
            proxy.close();
        }
    }

    @Override
    public void close() {
        restore();
    }
}

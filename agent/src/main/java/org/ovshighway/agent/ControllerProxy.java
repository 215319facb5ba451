package org.ovshighway.agent;

import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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

    private final OvsdbSession session;
    private final String bridge;
    private final OpenFlowProxy proxy;
    private final List<ProxyRoute> routes;
    private final List<String> proxyTargets;
    private boolean closed;

    private ControllerProxy(OvsdbSession session, String bridge, OpenFlowProxy proxy, List<ProxyRoute> routes,
                            List<String> proxyTargets) {
        this.session = session;
        this.bridge = bridge;
        this.proxy = proxy;
        this.routes = List.copyOf(routes);
        this.proxyTargets = List.copyOf(proxyTargets);
    }

    /** One route per original target the proxy relays, listening on {@code listenAddress}, ports from {@code firstPort} (0: any). */
    static List<ProxyRoute> routes(List<ControllerConfig> originals, String listenAddress, int firstPort) {
        List<ProxyRoute> routes = new ArrayList<>();
        for (ControllerConfig original : originals) {
            if (BridgeAttachment.relayed(original)) {
                int port = firstPort == 0 ? 0 : firstPort + routes.size();
                routes.add(new ProxyRoute(new InetSocketAddress(listenAddress, port), OpenFlowTarget.parse(original.target())));
            }
        }
        return routes;
    }

    /**
     * Starts the proxy for {@code routes} (and {@code passive}) under {@code policy}, its event loops
     * busy-polling for {@code busyPoll} before they sleep, then points
     * {@code bridge} at it, the originals saved in the same OVSDB transaction. If re-pointing
     * fails, the proxy is stopped again.
     */
    static ControllerProxy start(OvsdbSession session, String bridge, List<ControllerConfig> originals,
                                 List<ProxyRoute> routes, Optional<ProxyRoute> passive, RelayPolicy policy,
                                 Optional<SslContext> tls, Duration busyPoll) {
        Objects.requireNonNull(session, "session");
        OpenFlowProxy proxy = OpenFlowProxy.start(new ProxyConfig(routes, passive, policy, tls,
                ProxyConfig.DEFAULT_CONNECT_TIMEOUT, busyPoll));
        try {
            List<String> targets = new ArrayList<>();
            for (int i = 0; i < routes.size(); i++) {
                InetSocketAddress bound = proxy.southboundAddress(i);
                targets.add("tcp:" + hostText(bound) + ":" + bound.getPort());
            }
            BridgeAttachment.pointAtProxy(session, bridge, originals, targets);
            LOG.log(System.Logger.Level.INFO, "controllers relayed: bridge=" + bridge + " listeners=" + targets
                    + " controllers=" + routes.stream().map(r -> r.target().toString()).toList()
                    + proxy.passiveAddress().map(a -> " passive=tcp:" + hostText(a) + ":" + a.getPort()).orElse(""));
            return new ControllerProxy(session, bridge, proxy, routes, targets);
        } catch (RuntimeException e) {
            proxy.close();
            throw e;
        }
    }

    static String hostText(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return host.contains(":") ? "[" + host + "]" : host;
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
            List<ControllerConfig> restored = BridgeAttachment.restore(session, bridge);
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

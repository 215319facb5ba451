package org.ovshighway.proxy;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One listening socket of the proxy and where each connection accepted on it is relayed to.
 * For a southbound route the bridge connects to {@code listen} and {@code target} is the original
 * controller; for the passive route an OpenFlow client connects to {@code listen} and
 * {@code target} is the bridge's own passive endpoint (e.g. {@code unix:OVS_RUNDIR/BR.mgmt}).
 */
public record ProxyRoute(InetSocketAddress listen, OpenFlowTarget target) {

    public ProxyRoute {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(target, "target");
    }
}

package org.ovshighway.proxy;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Objects;

/**
 * One listening socket of the proxy and where each connection accepted on it is relayed to.
 * For a southbound route the bridge connects to {@code listen} and {@code target} is the original
 * controller; for the passive route an OpenFlow client connects to {@code listen} and
 * {@code target} is the bridge's own passive endpoint (e.g. {@code unix:OVS_RUNDIR/BR.mgmt}).
 * {@code listen} is a TCP address ({@link InetSocketAddress}) or a Unix domain socket path
 * ({@link UnixDomainSocketAddress}; the proxy creates the socket file and removes it when it stops).
 */
public record ProxyRoute(SocketAddress listen, OpenFlowTarget target) {

    public ProxyRoute {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(target, "target");
        if (!(listen instanceof InetSocketAddress) && !(listen instanceof UnixDomainSocketAddress)) {
            throw new IllegalArgumentException("listen address must be TCP or a Unix socket path: listen=" + listen);
        }
    }

    /** Whether the bridge or client reaches this route over a Unix domain socket. */
    public boolean unixListener() {
        return listen instanceof UnixDomainSocketAddress;
    }
}

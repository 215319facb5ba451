package org.ovshighway.proxy;

import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A proxy's listeners and relay policy.
 *
 * @param southbound     one route per original controller target, in the bridge's order
 * @param passive        the listener for OpenFlow clients of the switch ({@code ovs-ofctl tcp:}), if any
 * @param upstreamTls    client TLS context for {@code ssl:} targets; required when one is present
 * @param connectTimeout bound of each upstream connection attempt
 */
public record ProxyConfig(List<ProxyRoute> southbound, Optional<ProxyRoute> passive, RelayPolicy policy,
                          Optional<SslContext> upstreamTls, Duration connectTimeout) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    public ProxyConfig {
        southbound = List.copyOf(southbound);
        Objects.requireNonNull(passive, "passive");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(upstreamTls, "upstreamTls");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (southbound.isEmpty() && passive.isEmpty()) {
            throw new IllegalArgumentException("proxy with no listener: southbound=[] passive=none");
        }
        for (ProxyRoute route : southbound) {
            if (route.target().kind() == OpenFlowTarget.Kind.SSL && upstreamTls.isEmpty()) {
                throw new IllegalArgumentException("ssl target without TLS settings: target=" + route.target());
            }
        }
        if (passive.isPresent() && passive.get().target().kind() == OpenFlowTarget.Kind.SSL && upstreamTls.isEmpty()) {
            throw new IllegalArgumentException("ssl switch endpoint without TLS settings: target=" + passive.get().target());
        }
    }
}

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
 * @param busyPoll       how long an event loop polls its sockets without blocking after each piece of
 *                       work before it sleeps in {@code epoll_wait} (0: sleep at once); trades a bounded
 *                       amount of CPU per relayed message for the wake-ups of a request/reply pair
 */
public record ProxyConfig(List<ProxyRoute> southbound, Optional<ProxyRoute> passive, RelayPolicy policy,
                          Optional<SslContext> upstreamTls, Duration connectTimeout, Duration busyPoll) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Off: on a host whose cores are all busy (the 2-core test machine, with OVS's PMD and polling
     * guests) a polling event loop takes time the switch and the controller need, and the round trip
     * got slower, not faster (docs/benchmarks.md, "proxy"). An operator with a spare core for the
     * agent can turn it on ({@code proxy-busy-poll-us}).
     */
    public static final Duration DEFAULT_BUSY_POLL = Duration.ZERO;

    /** Longest busy-poll window accepted. */
    public static final Duration MAX_BUSY_POLL = BusyPollSelectStrategy.MAX_WINDOW;

    /** A proxy with the default busy-poll window. */
    public ProxyConfig(List<ProxyRoute> southbound, Optional<ProxyRoute> passive, RelayPolicy policy,
                       Optional<SslContext> upstreamTls, Duration connectTimeout) {
        this(southbound, passive, policy, upstreamTls, connectTimeout, DEFAULT_BUSY_POLL);
    }

    public ProxyConfig {
        southbound = List.copyOf(southbound);
        Objects.requireNonNull(passive, "passive");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(upstreamTls, "upstreamTls");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        BusyPollSelectStrategy.checkedWindow(Objects.requireNonNull(busyPoll, "busyPoll"));
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

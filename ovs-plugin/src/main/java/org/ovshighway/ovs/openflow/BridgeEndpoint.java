package org.ovshighway.ovs.openflow;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/** Where a bridge's OpenFlow management connection is: OVS's {@code <rundir>/<bridge>.mgmt} socket or a TCP listener (ptcp:). */
public sealed interface BridgeEndpoint {

    /** The bridge name, for logs. */
    String bridge();

    SocketAddress address();

    /** A unix-domain socket, normally {@code <OVS_RUNDIR>/<bridge>.mgmt} (punix: in OVS terms). */
    record UnixSocket(String bridge, Path path) implements BridgeEndpoint {
        public UnixSocket {
            Objects.requireNonNull(bridge, "bridge");
            Objects.requireNonNull(path, "path");
        }

        @Override
        public SocketAddress address() {
            return new io.netty.channel.unix.DomainSocketAddress(path.toString());
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }

    /** A TCP endpoint, e.g. a bridge controller target {@code ptcp:6653} seen from the agent. */
    record Tcp(String bridge, String host, int port) implements BridgeEndpoint {
        public Tcp {
            Objects.requireNonNull(bridge, "bridge");
            Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("TCP port out of range: port=" + port);
            }
        }

        @Override
        public SocketAddress address() {
            return new InetSocketAddress(host, port);
        }

        @Override
        public String toString() {
            return "tcp:" + host + ":" + port;
        }
    }

    /** The management socket OVS creates for {@code bridge} under its run directory. */
    static BridgeEndpoint managementSocket(Path ovsRunDir, String bridge) {
        return new UnixSocket(bridge, ovsRunDir.resolve(bridge + ".mgmt"));
    }
}

package org.ovshighway.proxy;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An active OpenFlow connection target in OVS syntax: {@code tcp:HOST[:PORT]},
 * {@code ssl:HOST[:PORT]} (default port 6653; IPv6 hosts in brackets) or {@code unix:PATH}.
 */
public record OpenFlowTarget(Kind kind, String host, int port, Path path) {

    public static final int DEFAULT_PORT = 6653;

    /** The transport of a target. */
    public enum Kind { TCP, SSL, UNIX }

    public OpenFlowTarget {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.UNIX) {
            Objects.requireNonNull(path, "path");
        } else {
            Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: port=" + port);
            }
        }
    }

    /** {@code tcp:HOST:PORT} for a bound or connected address, an IPv6 host in brackets. */
    public static String tcpText(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return "tcp:" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /**
     * Parses an OVS target.
     *
     * @throws IllegalArgumentException naming the target when it is not tcp:, ssl: or unix:, or
     *                                  its port is not a number in 1..65535
     */
    public static OpenFlowTarget parse(String target) {
        Objects.requireNonNull(target, "target");
        int colon = target.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("not an active OpenFlow target (tcp:, ssl:, unix:): target=" + target);
        }
        String scheme = target.substring(0, colon);
        String rest = target.substring(colon + 1);
        switch (scheme) {
            case "unix" -> {
                if (rest.isEmpty()) {
                    throw new IllegalArgumentException("unix target without path: target=" + target);
                }
                return new OpenFlowTarget(Kind.UNIX, null, 0, Path.of(rest));
            }
            case "tcp", "ssl" -> {
                Kind kind = scheme.equals("tcp") ? Kind.TCP : Kind.SSL;
                String host;
                String portText;
                if (rest.startsWith("[")) {
                    int close = rest.indexOf(']');
                    if (close < 0) {
                        throw new IllegalArgumentException("unclosed IPv6 bracket: target=" + target);
                    }
                    host = rest.substring(1, close);
                    String after = rest.substring(close + 1);
                    portText = after.startsWith(":") ? after.substring(1) : (after.isEmpty() ? null : after);
                } else {
                    int portColon = rest.indexOf(':');
                    host = portColon < 0 ? rest : rest.substring(0, portColon);
                    portText = portColon < 0 ? null : rest.substring(portColon + 1);
                }
                if (host.isEmpty()) {
                    throw new IllegalArgumentException("target without host: target=" + target);
                }
                int port = DEFAULT_PORT;
                if (portText != null) {
                    try {
                        port = Integer.parseInt(portText);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("port is not a number: target=" + target + " port=" + portText);
                    }
                    if (port < 1 || port > 65535) {
                        throw new IllegalArgumentException("port out of range: target=" + target + " port=" + port);
                    }
                }
                return new OpenFlowTarget(kind, host, port, null);
            }
            default -> throw new IllegalArgumentException(
                    "not an active OpenFlow target (tcp:, ssl:, unix:): target=" + target + " scheme=" + scheme);
        }
    }

    /**
     * The address to connect to: an IP literal is used as it is (no resolver on the connect path),
     * a host name is left unresolved so that each connection resolves it anew.
     */
    public SocketAddress address() {
        if (kind == Kind.UNIX) {
            return UnixDomainSocketAddress.of(path);
        }
        try {
            return new InetSocketAddress(java.net.InetAddress.ofLiteral(host), port);
        } catch (IllegalArgumentException notLiteral) {
            return InetSocketAddress.createUnresolved(host, port);
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case UNIX -> "unix:" + path;
            case TCP -> "tcp:" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
            case SSL -> "ssl:" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        };
    }
}

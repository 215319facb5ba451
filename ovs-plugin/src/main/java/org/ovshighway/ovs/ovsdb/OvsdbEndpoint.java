package org.ovshighway.ovs.ovsdb;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an ovsdb-server listens, in OVS's own notation: {@code unix:PATH} or {@code tcp:HOST:PORT}
 * (HOST may be a bracketed IPv6 address). SSL remotes are not supported.
 */
public sealed interface OvsdbEndpoint {

    /** An ovsdb-server {@code punix:} remote (what ovs-vsctl uses by default). */
    record Unix(Path path) implements OvsdbEndpoint {
        public Unix {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }

    /** An ovsdb-server {@code ptcp:} remote. */
    record Tcp(String host, int port) implements OvsdbEndpoint {
        public Tcp {
            Objects.requireNonNull(host, "host");
            if (host.isEmpty()) {
                throw new IllegalArgumentException("empty host in tcp endpoint: port=" + port);
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("tcp port out of range: host=" + host + " port=" + port);
            }
        }

        @Override
        public String toString() {
            return "tcp:" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * Parses {@code unix:PATH} or {@code tcp:HOST:PORT}.
     *
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    static OvsdbEndpoint parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.startsWith("unix:")) {
            String path = text.substring("unix:".length());
            if (path.isEmpty()) {
                throw new IllegalArgumentException("empty path in ovsdb endpoint: endpoint=" + text);
            }
            return new Unix(Path.of(path));
        }
        if (text.startsWith("tcp:")) {
            String rest = text.substring("tcp:".length());
            int colon = rest.lastIndexOf(':');
            if (colon <= 0 || colon == rest.length() - 1) {
                throw new IllegalArgumentException("ovsdb endpoint needs tcp:HOST:PORT: endpoint=" + text);
            }
            String host = rest.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("ovsdb endpoint port is not a number: endpoint=" + text, e);
            }
            return new Tcp(host, port);
        }
        throw new IllegalArgumentException("ovsdb endpoint must start with unix: or tcp: endpoint=" + text);
    }
}

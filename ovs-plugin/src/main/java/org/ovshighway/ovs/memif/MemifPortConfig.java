package org.ovshighway.ovs.memif;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where and as whom a client connects: the server's socket file, the interface {@code id} of
 * the port on that socket ({@code id=} in the port's dpdk-devargs), the client application name
 * sent in INIT, the interface name sent in CONNECT and the optional secret ("" for none).
 */
public record MemifPortConfig(Path socket, long interfaceId, String clientName, String interfaceName,
                              String secret) {
    public MemifPortConfig {
        if (socket == null) {
            throw new IllegalArgumentException("memif socket=null");
        }
        if (interfaceId < 0 || interfaceId > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("memif interfaceId=" + interfaceId + " does not fit u32 socket=" + socket);
        }
        checkText("clientName", clientName, MemifMessageDescriptor.NAME_SIZE - 1, socket);
        checkText("interfaceName", interfaceName, MemifMessageDescriptor.NAME_SIZE - 1, socket);
        checkText("secret", secret, MemifMessageDescriptor.SECRET_SIZE - 1, socket);
    }

    /** Interface id 0 (what {@code id=0} in the devargs gives), no secret, client name "highway". */
    public static MemifPortConfig of(Path socket, String interfaceName) {
        return new MemifPortConfig(socket, 0, "highway", interfaceName, "");
    }

    private static void checkText(String name, String value, int maxBytes, Path socket) {
        if (value == null) {
            throw new IllegalArgumentException("memif " + name + "=null socket=" + socket);
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxBytes || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("memif " + name + "=\"" + value + "\" bytes=" + bytes + " max=" + maxBytes
                    + " (no NUL) socket=" + socket);
        }
    }
}

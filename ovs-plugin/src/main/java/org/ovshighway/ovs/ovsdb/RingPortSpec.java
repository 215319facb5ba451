package org.ovshighway.ovs.ovsdb;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A ring port to provision: an OVS-DPDK interface of {@code type=dpdk} backed by
 * {@code net_memif<memifIndex>} in server role on a unix socket at {@code socket}.
 *
 * @param bridge     bridge to add the port to
 * @param port       port and interface name
 * @param memifIndex N in the DPDK device name {@code net_memifN}; unique per OVS instance
 * @param socket     absolute path of the memif control socket OVS-DPDK listens on
 * @param guest      name of the guest the port belongs to ({@code external_ids:highway-guest})
 * @param rxQueues   {@code options:n_rxq}; 2 because OVS transmits on queue 1 with one PMD thread
 * @param ofportRequest {@code ofport_request} (1..65279), empty to let OVS choose
 */
public record RingPortSpec(String bridge, String port, int memifIndex, Path socket, String guest, int rxQueues,
                           OptionalLong ofportRequest) {
    /** Largest OpenFlow port number a port may request (OFPP_MAX). */
    public static final long MAX_OFPORT = 0xfeff;

    public RingPortSpec {
        requireName("bridge", bridge);
        requireName("port", port);
        requireName("guest", guest);
        Objects.requireNonNull(socket, "socket");
        if (memifIndex < 0) {
            throw new IllegalArgumentException("memif index must be >= 0: port=" + port + " memifIndex=" + memifIndex);
        }
        if (!socket.isAbsolute()) {
            throw new IllegalArgumentException("memif socket path must be absolute: port=" + port + " socket=" + socket);
        }
        // DPDK splits devargs at ',' and '='; such a path would silently become other arguments.
        String s = socket.toString();
        if (s.contains(",") || s.contains("=")) {
            throw new IllegalArgumentException("memif socket path must not contain ',' or '=': port=" + port + " socket=" + s);
        }
        if (s.length() > 107) {
            throw new IllegalArgumentException("memif socket path longer than 107 bytes: port=" + port + " socket=" + s);
        }
        if (rxQueues < 1) {
            throw new IllegalArgumentException("rx queues must be >= 1: port=" + port + " rxQueues=" + rxQueues);
        }
        Objects.requireNonNull(ofportRequest, "ofportRequest");
        if (ofportRequest.isPresent() && (ofportRequest.getAsLong() < 1 || ofportRequest.getAsLong() > MAX_OFPORT)) {
            throw new IllegalArgumentException("ofport request outside 1.." + MAX_OFPORT + ": port=" + port
                    + " ofportRequest=" + ofportRequest.getAsLong());
        }
    }

    /** A spec letting OVS choose the OpenFlow port number. */
    public RingPortSpec(String bridge, String port, int memifIndex, Path socket, String guest, int rxQueues) {
        this(bridge, port, memifIndex, socket, guest, rxQueues, OptionalLong.empty());
    }

    /** A spec with the default 2 rx queues. */
    public RingPortSpec(String bridge, String port, int memifIndex, Path socket, String guest) {
        this(bridge, port, memifIndex, socket, guest, 2);
    }

    private static void requireName(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }

    /** {@code options:dpdk-devargs} of the interface. */
    public String dpdkDevargs() {
        return "net_memif" + memifIndex + ",role=server,id=0,socket=" + socket + ",socket-abstract=no";
    }

    /** The interface's {@code options} column. */
    public Map<String, String> options() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("dpdk-devargs", dpdkDevargs());
        options.put("n_rxq", Integer.toString(rxQueues));
        return options;
    }

    /** The interface's {@code external_ids} column. */
    public Map<String, String> externalIds() {
        return Map.of(InterfaceInfo.RING_PORT_KEY, "true", InterfaceInfo.GUEST_KEY, guest);
    }
}

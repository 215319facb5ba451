package org.ovshighway.remapper;

/**
 * What the vSwitch did not see because traffic ran on links: the statistics supplier for the
 * OpenFlow proxy, which adds these to OVS's port and flow statistics so the controller sees what
 * OVS would have counted. Every value is cumulative over all links a port or direction ever had
 * (ended links are folded into a base) and never decreases. Safe from any thread.
 */
public interface BypassCounters {
    /**
     * Extra counters of port {@code port}: rx = frames it sent on links (OVS would have received
     * them from the port), tx = frames it received from links (OVS would have sent them to it).
     */
    PortCounters port(String port);

    /** Frames and bytes that went from port {@code from} to port {@code to} on links. */
    TrafficCounters direction(String from, String to);

    /** Extra counters of a port; see {@link BypassCounters#port}. */
    record PortCounters(long rxPackets, long rxBytes, long txPackets, long txBytes) {
        public static final PortCounters ZERO = new PortCounters(0, 0, 0, 0);

        PortCounters plus(PortCounters o) {
            return new PortCounters(rxPackets + o.rxPackets, rxBytes + o.rxBytes, txPackets + o.txPackets,
                    txBytes + o.txBytes);
        }
    }

    /** Packets and bytes of one direction. */
    record TrafficCounters(long packets, long bytes) {
        public static final TrafficCounters ZERO = new TrafficCounters(0, 0);

        TrafficCounters plus(TrafficCounters o) {
            return new TrafficCounters(packets + o.packets, bytes + o.bytes);
        }
    }
}

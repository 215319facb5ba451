package org.ovshighway.proxy.stats;

/**
 * Extra counters of one port: packets and bytes the port would have received (rx) and
 * transmitted (tx) through OVS. All values are non-negative totals.
 */
public record PortExtra(long rxPackets, long rxBytes, long txPackets, long txBytes) {

    public static final PortExtra NONE = new PortExtra(0, 0, 0, 0);

    public PortExtra {
        if (rxPackets < 0 || rxBytes < 0 || txPackets < 0 || txBytes < 0) {
            throw new IllegalArgumentException("port counters must be non-negative: rxPackets=" + rxPackets
                    + " rxBytes=" + rxBytes + " txPackets=" + txPackets + " txBytes=" + txBytes);
        }
    }

    public boolean isZero() {
        return (rxPackets | rxBytes | txPackets | txBytes) == 0;
    }
}

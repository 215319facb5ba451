package org.ovshighway.guest;

/**
 * A snapshot of a port's counters, read from the counter lines in shared memory (each lags the
 * data path by at most one burst). Summed over the port's rings.
 *
 * @param rxPackets            valid packets received
 * @param rxBytes              bytes received
 * @param rxInvalidDescriptors descriptors dropped as invalid
 * @param rxInvalidIndices     times the peer's head was nonsensical
 * @param txPackets            packets sent
 * @param txBytes              bytes sent
 * @param txRingFullDrops      packets a TX call could not place because the ring was full
 * @param txInvalidIndices     times the peer's tail was nonsensical
 * @param reconnects           PORT: times this port reset its ring state because the agent
 *                             published a new connection generation (OVS-DPDK's memif server
 *                             accepted the port again, e.g. after a vswitchd restart); LINK: 0
 * @param txReconnectDiscards  PORT: packets sent on a connection that ended before the switch
 *                             took them (lost: the switch resets the rings on the next connect;
 *                             also counted in txPackets); LINK: 0
 * @param rxReconnectDiscards  PORT: packets the switch delivered on a connection that ended
 *                             before this port read them (lost likewise); LINK: 0
 */
public record PortStats(long rxPackets, long rxBytes, long rxInvalidDescriptors, long rxInvalidIndices,
                        long txPackets, long txBytes, long txRingFullDrops, long txInvalidIndices,
                        long reconnects, long txReconnectDiscards, long rxReconnectDiscards) {
}

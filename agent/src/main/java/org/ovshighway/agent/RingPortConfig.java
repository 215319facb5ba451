package org.ovshighway.agent;

import java.util.OptionalLong;

/**
 * One {@code ring-port.<name>.*} group of the agent configuration.
 *
 * @param name      port and interface name in OVS (also names the region and the memif socket)
 * @param guest     the guest the port belongs to ({@code external_ids:highway-guest}, region name1)
 * @param placement where the guest runs: a process guest's publish root or a VM's libvirt domain
 * @param ofport    requested OpenFlow port number, empty to let OVS choose
 */
public record RingPortConfig(String name, String guest, GuestPlacement placement, OptionalLong ofport) {
}

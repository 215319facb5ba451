package org.ovshighway.agent;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * One {@code ring-port.<name>.*} group of the agent configuration.
 *
 * @param name        port and interface name in OVS (also names the region and the memif socket)
 * @param guest       the guest the port belongs to ({@code external_ids:highway-guest}, region name1)
 * @param publishRoot process guest: root of the sysfs-shaped tree the region is published under
 * @param ofport      requested OpenFlow port number, empty to let OVS choose
 */
public record RingPortConfig(String name, String guest, Path publishRoot, OptionalLong ofport) {
}

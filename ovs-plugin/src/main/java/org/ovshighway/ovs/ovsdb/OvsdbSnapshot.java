package org.ovshighway.ovs.ovsdb;

import java.util.List;
import java.util.Optional;

/**
 * The part of the {@code Open_vSwitch} database Highway watches, as of one moment, immutable.
 *
 * @param curCfg  {@code Open_vSwitch:cur_cfg}: the configuration generation ovs-vswitchd applied
 * @param bridges bridges sorted by name
 */
public record OvsdbSnapshot(long curCfg, List<BridgeInfo> bridges) {

    public static final OvsdbSnapshot EMPTY = new OvsdbSnapshot(0, List.of());

    public OvsdbSnapshot {
        bridges = List.copyOf(bridges);
    }

    public Optional<BridgeInfo> bridge(String name) {
        return bridges.stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /** The interface with this name on any bridge. */
    public Optional<InterfaceInfo> findInterface(String name) {
        return bridges.stream().flatMap(b -> b.ports().stream()).flatMap(p -> p.interfaces().stream())
                .filter(i -> i.name().equals(name)).findFirst();
    }

    /** The port with this name on any bridge. */
    public Optional<PortInfo> findPort(String name) {
        return bridges.stream().flatMap(b -> b.ports().stream()).filter(p -> p.name().equals(name)).findFirst();
    }
}

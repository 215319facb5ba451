package org.ovshighway.ovs.ovsdb;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One row of the {@code Port} table with its interfaces (sorted by name), immutable.
 */
public record PortInfo(String uuid, String name, List<InterfaceInfo> interfaces, Map<String, String> externalIds) {

    public PortInfo {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(name, "name");
        interfaces = List.copyOf(interfaces);
        externalIds = Map.copyOf(externalIds);
    }

    public Optional<InterfaceInfo> iface(String interfaceName) {
        return interfaces.stream().filter(i -> i.name().equals(interfaceName)).findFirst();
    }
}

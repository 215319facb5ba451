package org.ovshighway.ovs.ovsdb;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One row of the {@code Bridge} table with its ports (sorted by name), immutable.
 *
 * @param datapathType      {@code datapath_type}; empty string means the kernel datapath
 * @param failMode          {@code fail_mode} ("secure"/"standalone"), empty when unset
 * @param controllerTargets targets of the bridge's {@code Controller} rows, sorted
 */
public record BridgeInfo(String uuid, String name, String datapathType, Optional<String> failMode,
                         List<String> controllerTargets, Map<String, String> externalIds,
                         List<PortInfo> ports) {

    public BridgeInfo {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(datapathType, "datapathType");
        Objects.requireNonNull(failMode, "failMode");
        controllerTargets = List.copyOf(controllerTargets);
        externalIds = Map.copyOf(externalIds);
        ports = List.copyOf(ports);
    }

    public Optional<PortInfo> port(String portName) {
        return ports.stream().filter(p -> p.name().equals(portName)).findFirst();
    }
}

package org.ovshighway.ovs.ovsdb;

import java.util.Map;
import java.util.OptionalLong;

/**
 * A change between two consecutive {@link OvsdbSnapshot}s, as seen through the monitor. Names
 * identify rows (OVS keeps bridge, port and interface names unique).
 */
public sealed interface OvsdbEvent {

    record BridgeAdded(BridgeInfo bridge) implements OvsdbEvent {
    }

    /** Emitted after the PortRemoved events of the bridge's ports. */
    record BridgeRemoved(BridgeInfo bridge) implements OvsdbEvent {
    }

    /** datapath_type, fail_mode or the controller targets changed. */
    record BridgeChanged(BridgeInfo before, BridgeInfo after) implements OvsdbEvent {
    }

    /** A port appeared on a bridge (also emitted for each port of a new bridge). */
    record PortAdded(String bridge, PortInfo port) implements OvsdbEvent {
    }

    record PortRemoved(String bridge, PortInfo port) implements OvsdbEvent {
    }

    /** The set of interfaces of a port changed (bonds); the port itself stayed. */
    record PortInterfacesChanged(String bridge, PortInfo before, PortInfo after) implements OvsdbEvent {
    }

    /** An interface's ofport changed: assigned (empty to a number), failed (-1), or cleared. */
    record OfportChanged(String bridge, String port, String iface, OptionalLong before, OptionalLong after)
            implements OvsdbEvent {
    }

    /** external_ids of a bridge, port or interface changed; {@code name} is that row's name. */
    record ExternalIdsChanged(ExternalIdsOwner owner, String bridge, String name,
                              Map<String, String> before, Map<String, String> after) implements OvsdbEvent {
    }

    /** An interface's type, options, link_state or error changed. */
    record InterfaceChanged(String bridge, String port, InterfaceInfo before, InterfaceInfo after)
            implements OvsdbEvent {
    }
}

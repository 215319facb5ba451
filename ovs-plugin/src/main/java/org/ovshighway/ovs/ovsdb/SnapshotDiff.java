package org.ovshighway.ovs.ovsdb;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The events that turn one snapshot into the next. Rows are matched by name; a port that moves
 * between bridges is a removal from one and an addition to the other.
 */
final class SnapshotDiff {

    private SnapshotDiff() {
    }

    static List<OvsdbEvent> between(OvsdbSnapshot before, OvsdbSnapshot after) {
        List<OvsdbEvent> events = new ArrayList<>();
        Map<String, BridgeInfo> old = byName(before.bridges(), BridgeInfo::name);
        Map<String, BridgeInfo> now = byName(after.bridges(), BridgeInfo::name);
        for (BridgeInfo b : before.bridges()) {
            if (!now.containsKey(b.name())) {
                b.ports().forEach(p -> events.add(new OvsdbEvent.PortRemoved(b.name(), p)));
                events.add(new OvsdbEvent.BridgeRemoved(b));
            }
        }
        for (BridgeInfo b : after.bridges()) {
            BridgeInfo was = old.get(b.name());
            if (was == null) {
                events.add(new OvsdbEvent.BridgeAdded(b));
                b.ports().forEach(p -> events.add(new OvsdbEvent.PortAdded(b.name(), p)));
            } else {
                bridgeChanges(was, b, events);
            }
        }
        return List.copyOf(events);
    }

    private static void bridgeChanges(BridgeInfo was, BridgeInfo now, List<OvsdbEvent> events) {
        if (!was.datapathType().equals(now.datapathType()) || !was.failMode().equals(now.failMode())
                || !was.controllerTargets().equals(now.controllerTargets())) {
            events.add(new OvsdbEvent.BridgeChanged(was, now));
        }
        if (!was.externalIds().equals(now.externalIds())) {
            events.add(new OvsdbEvent.ExternalIdsChanged(ExternalIdsOwner.BRIDGE, now.name(), now.name(),
                    was.externalIds(), now.externalIds()));
        }
        Map<String, PortInfo> oldPorts = byName(was.ports(), PortInfo::name);
        Map<String, PortInfo> newPorts = byName(now.ports(), PortInfo::name);
        for (PortInfo p : was.ports()) {
            if (!newPorts.containsKey(p.name())) {
                events.add(new OvsdbEvent.PortRemoved(now.name(), p));
            }
        }
        for (PortInfo p : now.ports()) {
            PortInfo old = oldPorts.get(p.name());
            if (old == null) {
                events.add(new OvsdbEvent.PortAdded(now.name(), p));
            } else {
                portChanges(now.name(), old, p, events);
            }
        }
    }

    private static void portChanges(String bridge, PortInfo was, PortInfo now, List<OvsdbEvent> events) {
        if (!was.externalIds().equals(now.externalIds())) {
            events.add(new OvsdbEvent.ExternalIdsChanged(ExternalIdsOwner.PORT, bridge, now.name(),
                    was.externalIds(), now.externalIds()));
        }
        Map<String, InterfaceInfo> oldIfaces = byName(was.interfaces(), InterfaceInfo::name);
        if (!oldIfaces.keySet().equals(byName(now.interfaces(), InterfaceInfo::name).keySet())) {
            events.add(new OvsdbEvent.PortInterfacesChanged(bridge, was, now));
        }
        for (InterfaceInfo i : now.interfaces()) {
            InterfaceInfo old = oldIfaces.get(i.name());
            if (old != null) {
                interfaceChanges(bridge, now.name(), old, i, events);
            }
        }
    }

    private static void interfaceChanges(String bridge, String port, InterfaceInfo was, InterfaceInfo now,
                                         List<OvsdbEvent> events) {
        if (!was.ofport().equals(now.ofport())) {
            events.add(new OvsdbEvent.OfportChanged(bridge, port, now.name(), was.ofport(), now.ofport()));
        }
        if (!was.externalIds().equals(now.externalIds())) {
            events.add(new OvsdbEvent.ExternalIdsChanged(ExternalIdsOwner.INTERFACE, bridge, now.name(),
                    was.externalIds(), now.externalIds()));
        }
        if (!Objects.equals(was.type(), now.type()) || !was.options().equals(now.options())
                || !was.linkState().equals(now.linkState()) || !was.error().equals(now.error())) {
            events.add(new OvsdbEvent.InterfaceChanged(bridge, port, was, now));
        }
    }

    private static <T> Map<String, T> byName(List<T> rows, Function<T, String> name) {
        return rows.stream().collect(Collectors.toMap(name, Function.identity(), (a, b) -> a));
    }
}

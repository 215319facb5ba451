package org.ovshighway.ovs.ovsdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SnapshotDiffTest {

    private static InterfaceInfo iface(String name, OptionalLong ofport, Map<String, String> ids) {
        return new InterfaceInfo("i-" + name, name, "dummy", Map.of(), ofport, ids, Optional.empty(), Optional.empty());
    }

    private static PortInfo port(InterfaceInfo i) {
        return new PortInfo("p-" + i.name(), i.name(), List.of(i), Map.of());
    }

    private static OvsdbSnapshot snapshot(PortInfo... ports) {
        return new OvsdbSnapshot(1, List.of(new BridgeInfo("b", "br0", "netdev", Optional.of("secure"),
                List.of(), Map.of(), List.of(ports))));
    }

    @Test
    void reportsAddedRemovedOfportAndExternalIdsChanges() {
        InterfaceInfo p1 = iface("p1", OptionalLong.empty(), Map.of());
        InterfaceInfo p1Up = iface("p1", OptionalLong.of(5), Map.of("k", "v"));
        InterfaceInfo p2 = iface("p2", OptionalLong.of(6), Map.of());

        assertEquals(List.of(new OvsdbEvent.PortAdded("br0", port(p1))),
                SnapshotDiff.between(snapshot(port(p2)), snapshot(port(p1), port(p2))).stream()
                        .filter(e -> !(e instanceof OvsdbEvent.PortRemoved)).toList());

        List<OvsdbEvent> events = SnapshotDiff.between(snapshot(port(p1), port(p2)), snapshot(port(p1Up)));
        assertEquals(List.of(
                new OvsdbEvent.PortRemoved("br0", port(p2)),
                new OvsdbEvent.OfportChanged("br0", "p1", "p1", OptionalLong.empty(), OptionalLong.of(5)),
                new OvsdbEvent.ExternalIdsChanged(ExternalIdsOwner.INTERFACE, "br0", "p1", Map.of(), Map.of("k", "v"))),
                events);
    }

    @Test
    void newAndRemovedBridgesCarryTheirPorts() {
        InterfaceInfo p1 = iface("p1", OptionalLong.of(1), Map.of());
        OvsdbSnapshot one = snapshot(port(p1));
        BridgeInfo br0 = one.bridges().get(0);
        assertEquals(List.of(new OvsdbEvent.BridgeAdded(br0), new OvsdbEvent.PortAdded("br0", port(p1))),
                SnapshotDiff.between(OvsdbSnapshot.EMPTY, one));
        assertEquals(List.of(new OvsdbEvent.PortRemoved("br0", port(p1)), new OvsdbEvent.BridgeRemoved(br0)),
                SnapshotDiff.between(one, OvsdbSnapshot.EMPTY));
        assertEquals(List.of(), SnapshotDiff.between(one, one));
    }

    @Test
    void interfaceErrorAndControllerChangesAreReported() {
        InterfaceInfo ok = iface("p1", OptionalLong.empty(), Map.of());
        InterfaceInfo failed = new InterfaceInfo("i-p1", "p1", "dummy", Map.of(), OptionalLong.of(-1), Map.of(),
                Optional.empty(), Optional.of("could not open network device p1"));
        List<OvsdbEvent> events = SnapshotDiff.between(snapshot(port(ok)), snapshot(port(failed)));
        assertEquals(List.of(
                new OvsdbEvent.OfportChanged("br0", "p1", "p1", OptionalLong.empty(), OptionalLong.of(-1)),
                new OvsdbEvent.InterfaceChanged("br0", "p1", ok, failed)), events);

        BridgeInfo before = snapshot().bridges().get(0);
        BridgeInfo after = new BridgeInfo("b", "br0", "netdev", Optional.of("secure"), List.of("tcp:1.2.3.4:6653"),
                Map.of(), List.of());
        assertEquals(List.of(new OvsdbEvent.BridgeChanged(before, after)),
                SnapshotDiff.between(snapshot(), new OvsdbSnapshot(1, List.of(after))));
    }
}

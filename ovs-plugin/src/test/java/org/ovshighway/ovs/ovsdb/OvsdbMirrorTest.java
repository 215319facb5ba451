package org.ovshighway.ovs.ovsdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OvsdbMirrorTest {

    @Test
    void buildsBridgesFromReferencedRowsAndOptionalColumns() {
        OvsdbMirror mirror = new OvsdbMirror();
        mirror.apply("Open_vSwitch", "root", Map.of("cur_cfg", 7L, "next_cfg", 7L));
        mirror.apply("Bridge", "b1", Map.of("name", "br0", "datapath_type", "netdev", "fail_mode", Set.of(),
                "controller", Set.of("c1"), "ports", Set.of("p1", "p2"), "external_ids", Map.of()));
        mirror.apply("Controller", "c1", Map.of("target", "tcp:127.0.0.1:6653"));
        mirror.apply("Port", "p1", Map.of("name", "z", "interfaces", Set.of("i1"), "external_ids", Map.of()));
        mirror.apply("Port", "p2", Map.of("name", "a", "interfaces", Set.of("i2"), "external_ids", Map.of()));
        // An interface whose ofport OVS has not assigned yet: empty optional column.
        mirror.apply("Interface", "i1", Map.of("name", "z", "type", "dpdk", "options", Map.of("n_rxq", "2"),
                "ofport", Set.of(), "external_ids", Map.of(), "link_state", Set.of(), "error", Set.of()));
        mirror.apply("Interface", "i2", Map.of("name", "a", "type", "", "options", Map.of(), "ofport", 3L,
                "external_ids", Map.of(), "link_state", "up", "error", Set.of("boom")));

        OvsdbSnapshot s = mirror.snapshot();
        assertEquals(7, s.curCfg());
        BridgeInfo br0 = s.bridge("br0").orElseThrow();
        assertEquals(Optional.empty(), br0.failMode());
        assertEquals(java.util.List.of("tcp:127.0.0.1:6653"), br0.controllerTargets());
        assertEquals(java.util.List.of("a", "z"), br0.ports().stream().map(PortInfo::name).toList());
        InterfaceInfo z = s.findInterface("z").orElseThrow();
        assertEquals(OptionalLong.empty(), z.ofport());
        assertEquals(Map.of("n_rxq", "2"), z.options());
        InterfaceInfo a = s.findInterface("a").orElseThrow();
        assertEquals(OptionalLong.of(3), a.ofport());
        assertEquals(Optional.of("up"), a.linkState());
        assertEquals(Optional.of("boom"), a.error());

        mirror.apply("Port", "p1", null);
        assertTrue(mirror.snapshot().findPort("z").isEmpty());
    }
}

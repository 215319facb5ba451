package org.ovshighway.ovs.ovsdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RingPortSpecTest {

    @Test
    void buildsTheOvsDpdkMemifServerOptions() {
        RingPortSpec spec = new RingPortSpec("br0", "vm1p0", 3, Path.of("/run/highway/vm1p0.sock"), "vm1");
        assertEquals("net_memif3,role=server,id=0,socket=/run/highway/vm1p0.sock,socket-abstract=no", spec.dpdkDevargs());
        assertEquals(Map.of("dpdk-devargs", spec.dpdkDevargs(), "n_rxq", "2"), spec.options());
        assertEquals(Map.of("highway-ring-port", "true", "highway-guest", "vm1"), spec.externalIds());
    }

    @Test
    void rejectsSocketPathsThatWouldBreakDevargs() {
        IllegalArgumentException comma = assertThrows(IllegalArgumentException.class,
                () -> new RingPortSpec("br0", "p", 0, Path.of("/run/a,b.sock"), "g"));
        assertTrue(comma.getMessage().contains("port=p") && comma.getMessage().contains("socket=/run/a,b.sock"),
                comma.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RingPortSpec("br0", "p", 0, Path.of("rel.sock"), "g"));
        assertThrows(IllegalArgumentException.class,
                () -> new RingPortSpec("br0", "p", 0, Path.of("/" + "x".repeat(120)), "g"));
        assertThrows(IllegalArgumentException.class, () -> new RingPortSpec("br0", "p", -1, Path.of("/s"), "g"));
        assertThrows(IllegalArgumentException.class, () -> new RingPortSpec("br0", " ", 0, Path.of("/s"), "g"));
        assertThrows(IllegalArgumentException.class, () -> new RingPortSpec("br0", "p", 0, Path.of("/s"), "g", 0));
    }
}

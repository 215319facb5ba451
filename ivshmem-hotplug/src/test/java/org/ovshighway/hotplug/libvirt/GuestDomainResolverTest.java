package org.ovshighway.hotplug.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GuestDomainResolverTest {
    @Test
    void highwayMarkWinsOverLibvirtsAndOpenStacks() {
        assertEquals("vm-a", GuestDomainResolver.domainOf("p0", Map.of("highway-guest", "vm-a",
                "vm-id", "6f1c8d0e-3b41-4f7a-9a52-0c3c1d2e4f50", "vm-uuid", "x")));
    }

    @Test
    void libvirtVirtualportVmId() {
        assertEquals("6f1c8d0e-3b41-4f7a-9a52-0c3c1d2e4f50", GuestDomainResolver.domainOf("vnet0",
                Map.of("attached-mac", "52:54:00:00:00:01", "iface-id", "abc", "iface-status", "active",
                        "vm-id", "6f1c8d0e-3b41-4f7a-9a52-0c3c1d2e4f50")));
    }

    @Test
    void openStackVmUuid() {
        assertEquals("0b7c", GuestDomainResolver.domainOf("tap1", Map.of("vm-uuid", " 0b7c ")));
    }

    @Test
    void noGuestNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GuestDomainResolver.domainOf("p9", Map.of("iface-id", "abc", "highway-guest", " ")));
        assertTrue(e.getMessage().contains("interface=p9"), e.getMessage());
        assertTrue(e.getMessage().contains("lookedFor=[highway-guest, vm-id, vm-uuid]"), e.getMessage());
    }
}

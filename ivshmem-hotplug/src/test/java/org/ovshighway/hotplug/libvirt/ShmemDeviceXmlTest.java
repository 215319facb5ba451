package org.ovshighway.hotplug.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShmemDeviceXmlTest {
    @Test
    void rendersIvshmemPlainInBytes() {
        assertEquals("<shmem name='hw-link-7'><model type='ivshmem-plain'/><size unit='b'>4194304</size></shmem>",
                ShmemDeviceXml.render("hw-link-7", 4L << 20));
    }

    @Test
    void renderedXmlReadsBackAsTheSameDevice() {
        String xml = "<domain><name>d</name><devices>" + ShmemDeviceXml.render("a.b_c-1", 65536) + "</devices></domain>";
        ShmemDevice device = DomainXml.parse(xml).shmem("a.b_c-1").orElseThrow();
        assertEquals(65536, device.sizeBytes());
        assertEquals("ivshmem-plain", device.model());
    }

    @Test
    void refusesSizesQemuRefuses() {
        for (long size : new long[] {0, 2048, 4095, 12288, (4L << 20) + 4096}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ShmemDeviceXml.render("n", size));
            assertTrue(e.getMessage().contains("name=n size=" + size), e.getMessage());
        }
    }

    @Test
    void refusesNamesThatAreNotOneSafePathComponent() {
        for (String name : new String[] {"", ".hidden", "-x", "a/b", "../x", "a b", "a'b", "a<b", "x".repeat(65)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ShmemDeviceXml.render(name, 4096));
            assertTrue(e.getMessage().contains("name=" + name), e.getMessage());
        }
        assertEquals(ShmemName.DEV_SHM.resolve("ok-1"), ShmemName.backingPath("ok-1"));
    }
}

package org.ovshighway.guest.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class PciAddressTest {

    @Test
    void sysfsNamesAndRequestWordsRoundTrip() {
        for (String name : new String[] {"0000:00:00.0", "0000:00:1f.7", "abcd:ef:12.3", "ffff:ff:1f.7"}) {
            PciAddress address = PciAddress.parse(name);
            assertEquals(name, address.sysfsName());
            assertEquals(address, PciAddress.fromWord(address.word()));
            assertTrue(address.word() != PciAddress.NONE, "even 0000:00:00.0 is a given address");
        }
        assertEquals(new PciAddress(0, 0, 0x1f, 0), PciAddress.parse("0000:00:1F.0"), "sysfs is lower case; upper is read too");
    }

    @Test
    void aWordThatGivesNoValidAddressIsNull() {
        assertNull(PciAddress.fromWord(PciAddress.NONE));
        assertNull(PciAddress.fromWord(0x0000_0000_0000_0800L), "address bits without the given bit");
        assertNull(PciAddress.fromWord((1L << 32) | (1L << 40)), "reserved bits set");
        assertNull(PciAddress.fromWord(-1L));
    }

    @Test
    void badTextIsRefusedNamingIt() {
        for (String bad : new String[] {"", "0000:00:20.0", "0000:00:00.8", "0000-00:00.0", "000:00:00.0", "zzzz:00:00.0"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PciAddress.parse(bad));
            assertTrue(e.getMessage().contains("text=" + bad), e.getMessage());
        }
    }

    @Test
    void anAttachRequestCarriesTheDeviceAndADetachClearsIt() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = arena.allocate(RegionHeaderDescriptor.RING_TABLE_OFFSET, 64);
            PciAddress slot5 = PciAddress.parse("0000:00:05.0");
            long word = PortControl.publishRequest(region, PortControl.OP_ATTACH, 9, 4, slot5.word());
            PortControl.Request attach = PortControl.readRequest(region);
            assertEquals(new PortControl.Request(word, PortControl.OP_ATTACH, 2, 9, 4, slot5.word()), attach);
            assertEquals(slot5, attach.deviceAddress());
            PortControl.publishRequest(region, PortControl.OP_DETACH, 0, 0);
            assertNull(PortControl.readRequest(region).deviceAddress());
            PortControl.publishRequest(region, PortControl.OP_ATTACH, 10, 1);
            assertNull(PortControl.readRequest(region).deviceAddress(), "an ATTACH that names no device");
        }
    }
}

package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class TrafficFrameTest {
    @Test
    void writesTheDocumentedBytes() {
        TrafficFrame frame = new TrafficFrame(TrafficFrame.mac(2), TrafficFrame.mac(1), 0x01020304, 64);
        MemorySegment region = Arena.ofAuto().allocate(256);
        region.fill((byte) 0x5a);
        frame.write(region, 100, 0x1122334455667788L);
        byte[] bytes = region.asSlice(100, 64).toArray(ValueLayout.JAVA_BYTE);
        byte[] header = {
            0x02, 0, 0, 0, 0, 0x02,              // dst
            0x02, 0, 0, 0, 0, 0x01,              // src
            (byte) 0x88, (byte) 0xB5, 0x48, 0x54, // EtherType, "HT"
            0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0,   // stream, reserved
            0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte) 0x88};
        assertArrayEquals(header, Arrays.copyOf(bytes, 32));
        assertArrayEquals(new byte[32], Arrays.copyOfRange(bytes, 32, 64), "padding is zero");
        assertEquals(0x5a, region.get(ValueLayout.JAVA_BYTE, 99), "byte before the frame untouched");
        assertEquals(0x5a, region.get(ValueLayout.JAVA_BYTE, 164), "byte after the frame untouched");
    }

    @Test
    void decodesWhatItWrote() {
        TrafficFrame frame = new TrafficFrame(TrafficFrame.mac(9), TrafficFrame.mac(8), -7, 128);
        MemorySegment region = Arena.ofAuto().allocate(1024);
        frame.write(region, 512, 42);
        assertTrue(TrafficFrame.isTraffic(region, 512, 128));
        assertEquals(-7, TrafficFrame.stream(region, 512));
        assertEquals(42, TrafficFrame.sequence(region, 512));
        frame.write(region, 512, 43);
        assertEquals(43, TrafficFrame.sequence(region, 512), "rewriting a buffer replaces the number");
    }

    @Test
    void otherFramesAreNotTraffic() {
        MemorySegment region = Arena.ofAuto().allocate(128);
        TrafficFrame frame = new TrafficFrame(TrafficFrame.mac(2), TrafficFrame.mac(1), 1, 64);
        frame.write(region, 0, 1);
        assertFalse(TrafficFrame.isTraffic(region, 0, 31), "shorter than the header");
        region.set(ValueLayout.JAVA_BYTE, TrafficFrame.ETHER_TYPE_OFFSET + 1, (byte) 0x00); // 0x8800
        assertFalse(TrafficFrame.isTraffic(region, 0, 64), "other EtherType");
        frame.write(region, 0, 1);
        region.set(ValueLayout.JAVA_BYTE, TrafficFrame.TAG_OFFSET, (byte) 0x00);
        assertFalse(TrafficFrame.isTraffic(region, 0, 64), "local experimental but not our tag");
    }

    @Test
    void rejectsBadLengthsAndMacs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrafficFrame(TrafficFrame.mac(2), TrafficFrame.mac(1), 1, 31));
        assertTrue(e.getMessage().contains("length=31"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new TrafficFrame(TrafficFrame.mac(2), TrafficFrame.mac(1), 1, TrafficFrame.MAX_LENGTH + 1));
        e = assertThrows(IllegalArgumentException.class, () -> new TrafficFrame(new byte[5], TrafficFrame.mac(1), 1, 64));
        assertTrue(e.getMessage().contains("dst MAC") && e.getMessage().contains("length=5"), e.getMessage());
    }

    @Test
    void macIsLocallyAdministeredUnicast() {
        assertArrayEquals(new byte[] {0x02, 0, 0, 0, 1, 2}, TrafficFrame.mac(0x0102));
    }
}

package org.ovshighway.ovs.memif;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class MemifMessageCodecTest {

    @Test
    void everyMessageRoundTrips() throws Exception {
        List<MemifMessage> messages = List.of(
                new MemifMessage.Ack(),
                new MemifMessage.Hello("DPDK 22.11.11", 0x0200, 0x0200, 255, 255, 255, 14),
                new MemifMessage.Init(0x0200, 0xFFFF_FFFFL, 0, "s3cret", "highway"),
                new MemifMessage.AddRegion(0, 0x1_0000_0000L),
                new MemifMessage.AddRing(true, 1, 0, 0xFFFF_FFC0L, 10, 0),
                new MemifMessage.AddRing(false, 0, 0, 4096, 8, 0),
                new MemifMessage.Connect("guest0"),
                new MemifMessage.Connected("net_memif0"),
                new MemifMessage.Disconnect(7, "Device closed"));
        for (MemifMessage m : messages) {
            byte[] wire = MemifMessageCodec.encode(m);
            assertEquals(128, wire.length);
            assertEquals(m, MemifMessageCodec.decode(wire), m.type().toString());
        }
    }

    @Test
    void addRingHasTheWireLayoutOfMemifH() {
        byte[] wire = MemifMessageCodec.encode(new MemifMessage.AddRing(true, 3, 0, 0x01020304L, 9, 0));
        ByteBuffer b = ByteBuffer.wrap(wire).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(5, b.getShort(0)); // MEMIF_MSG_TYPE_ADD_RING
        assertEquals(1, b.getShort(2)); // flags: S2M (client to server)
        assertEquals(3, b.getShort(4)); // index
        assertEquals(0, b.getShort(6)); // region
        assertEquals(0x01020304, b.getInt(8)); // offset
        assertEquals(9, b.get(12)); // log2 ring size
        assertEquals(0, b.getShort(13)); // private header size
        assertTrue(Arrays.equals(new byte[128 - 15], Arrays.copyOfRange(wire, 15, 128)), "rest is zero");
    }

    @Test
    void initHasTheWireLayoutOfMemifH() {
        byte[] wire = MemifMessageCodec.encode(new MemifMessage.Init(0x0200, 5, 0, "k", "hw"));
        ByteBuffer b = ByteBuffer.wrap(wire).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(3, b.getShort(0));
        assertEquals(0x0200, b.getShort(2));
        assertEquals(5, b.getInt(4));
        assertEquals(0, b.get(8));
        assertEquals('k', b.get(9));
        assertArrayEquals(new byte[] {'h', 'w', 0}, Arrays.copyOfRange(wire, 33, 36));
    }

    @Test
    void wrongLengthIsRejectedWithTheLength() {
        MemifProtocolException e = assertThrows(MemifProtocolException.class, () -> MemifMessageCodec.decode(new byte[64]));
        assertTrue(e.getMessage().contains("length=64 expected=128"), e.getMessage());
    }

    @Test
    void unknownAndNoneTypesAreRejected() {
        byte[] wire = new byte[128];
        wire[0] = 9;
        MemifProtocolException e = assertThrows(MemifProtocolException.class, () -> MemifMessageCodec.decode(wire));
        assertTrue(e.getMessage().contains("type=9"), e.getMessage());
        wire[0] = 0;
        e = assertThrows(MemifProtocolException.class, () -> MemifMessageCodec.decode(wire));
        assertTrue(e.getMessage().contains("type=0"), e.getMessage());
    }

    @Test
    void unterminatedStringNamesTheField() {
        byte[] wire = MemifMessageCodec.encode(new MemifMessage.Disconnect(0, "x"));
        Arrays.fill(wire, 6, 102, (byte) 'a');
        MemifProtocolException e = assertThrows(MemifProtocolException.class, () -> MemifMessageCodec.decode(wire));
        assertTrue(e.getMessage().contains("field=disconnect.string"), e.getMessage());
    }

    @Test
    void helloWithInvertedVersionsOrZeroRingSizeIsRejected() {
        byte[] wire = MemifMessageCodec.encode(new MemifMessage.Hello("x", 0x0200, 0x0200, 0, 0, 0, 10));
        ByteBuffer b = ByteBuffer.wrap(wire).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(34, (short) 0x0300);
        MemifProtocolException e = assertThrows(MemifProtocolException.class, () -> MemifMessageCodec.decode(wire));
        assertTrue(e.getMessage().contains("field=hello.min_version value=0x300"), e.getMessage());
        b.putShort(34, (short) 0x0200);
        wire[44] = 0;
        e = assertThrows(MemifProtocolException.class, () -> MemifMessageCodec.decode(wire));
        assertTrue(e.getMessage().contains("field=hello.max_log2_ring_size value=0"), e.getMessage());
    }

    @Test
    void addRingWithUndefinedFlagIsRejected() {
        byte[] wire = MemifMessageCodec.encode(new MemifMessage.AddRing(false, 0, 0, 0, 8, 0));
        wire[2] = 2;
        MemifProtocolException e = assertThrows(MemifProtocolException.class, () -> MemifMessageCodec.decode(wire));
        assertTrue(e.getMessage().contains("field=add_ring.flags value=0x2"), e.getMessage());
    }

    @Test
    void encodingRefusesValuesThatDoNotFit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemifMessageCodec.encode(new MemifMessage.AddRing(true, 0x10000, 0, 0, 8, 0)));
        assertTrue(e.getMessage().contains("field=add_ring.index value=65536"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MemifMessageCodec.encode(new MemifMessage.Connect("x".repeat(32))));
        assertTrue(e.getMessage().contains("field=connect.if_name"), e.getMessage());
    }

    @Test
    void regionRejectsOverlappingMisalignedAndOutsideRings() {
        Path f = Path.of("/dev/shm/none");
        long ring = MemifRingDescriptor.footprint(8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MemifRegion(f, 1 << 20, 8, List.of(4096L), List.of(4096L + 64)));
        assertTrue(e.getMessage().contains("s2c[0] offset=4160 overlaps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MemifRegion(f, 1 << 20, 8, List.of(100L), List.of(8192L)));
        assertTrue(e.getMessage().contains("c2s[0] offset=100"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new MemifRegion(f, 8192 + ring - 1, 8, List.of(0L), List.of(8192L)));
        assertTrue(e.getMessage().contains("s2c[0] offset=8192"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MemifRegion(f, 1 << 20, 8, List.of(), List.of(8192L)));
        assertTrue(e.getMessage().contains("c2s rings=0"), e.getMessage());
    }
}

package org.ovshighway.guest.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class FenceFrameDescriptorTest {
    @Test
    void writesEveryByteAsDocumentedAndRecognisesItAtAnyAlignment() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(256);
            for (long at : new long[] {0, 3, 64}) {
                buffer.fill((byte) 0x55);
                FenceFrameDescriptor.write(buffer, at, 0x1122334455667788L, 9, FenceFrameDescriptor.KIND_OUT, 1, 4);
                assertEquals(64, FenceFrameDescriptor.SIZE);
                assertEquals(0x0f, buffer.get(ValueLayout.JAVA_BYTE, at));
                assertEquals((byte) 0x88, buffer.get(ValueLayout.JAVA_BYTE, at + 12), "EtherType big-endian");
                assertEquals((byte) 0xB5, buffer.get(ValueLayout.JAVA_BYTE, at + 13));
                assertEquals('H', buffer.get(ValueLayout.JAVA_BYTE, at + 16), "marker \"HWFENCE!\" in ASCII");
                assertEquals('!', buffer.get(ValueLayout.JAVA_BYTE, at + 23));
                assertEquals(FenceFrameDescriptor.SEQUENCE_OUT, buffer.get(Le.U64_UNALIGNED, at + 40));
                assertEquals(0, buffer.get(Le.U64_UNALIGNED, at + 56), "reserved bytes zero");
                assertTrue(FenceFrameDescriptor.isFence(buffer, at, 64));
                assertTrue(FenceFrameDescriptor.isFence(buffer, at, 128), "padding after the frame is fine");
                assertFalse(FenceFrameDescriptor.isFence(buffer, at, 63), "too short");
                assertTrue(FenceFrameDescriptor.matches(buffer, at, 0x1122334455667788L, 9, FenceFrameDescriptor.KIND_OUT, 1));
                assertFalse(FenceFrameDescriptor.matches(buffer, at, 0x1122334455667788L, 8, FenceFrameDescriptor.KIND_OUT, 1));
                assertFalse(FenceFrameDescriptor.matches(buffer, at, 0x1122334455667788L, 9, FenceFrameDescriptor.KIND_IN, 1));
                assertFalse(FenceFrameDescriptor.matches(buffer, at, 0x1122334455667788L, 9, FenceFrameDescriptor.KIND_OUT, 0));
                assertEquals(4, buffer.get(Le.U32_UNALIGNED, at + FenceFrameDescriptor.COPY_OFFSET));
            }
        }
    }

    @Test
    void aFrameOfTheSameEtherTypeWithoutTheMarkerOrDestinationIsNotAFence() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment frame = arena.allocate(64);
            FenceFrameDescriptor.write(frame, 0, 1, 1, FenceFrameDescriptor.KIND_IN, 0, 0);
            frame.set(ValueLayout.JAVA_BYTE, 20, (byte) 'X');
            assertFalse(FenceFrameDescriptor.isFence(frame, 0, 64), "marker differs");
            FenceFrameDescriptor.write(frame, 0, 1, 1, FenceFrameDescriptor.KIND_IN, 0, 0);
            frame.set(ValueLayout.JAVA_BYTE, 5, (byte) 0x44);
            assertFalse(FenceFrameDescriptor.isFence(frame, 0, 64), "destination differs");
            FenceFrameDescriptor.write(frame, 0, 1, 1, FenceFrameDescriptor.KIND_IN, 0, 0);
            frame.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 12, (short) 0x0800);
            assertFalse(FenceFrameDescriptor.isFence(frame, 0, 64), "EtherType differs");
        }
    }

    @Test
    void badKindOrDirectionIsRefusedWithDetail() {
        MemorySegment frame = MemorySegment.ofArray(new byte[64]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FenceFrameDescriptor.write(frame, 0, 1, 1, 3, 0, 0));
        assertTrue(e.getMessage().contains("kind=3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FenceFrameDescriptor.write(frame, 0, 1, 1, 1, 2, 0));
        assertTrue(e.getMessage().contains("direction=2"), e.getMessage());
    }
}

package org.ovshighway.guest.abi;

import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Little-endian value layouts and VarHandles for the region ABI. Every multi-byte value of a
 * region is little-endian (memif uses host order and memif runs on x86-64 here; writing the byte
 * order down keeps the ABI defined on any host). On a little-endian host these compile to plain
 * loads and stores.
 */
public final class Le {
    /** u8. */
    public static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    /** u16/i16, aligned (needed for the atomic ring indices). */
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** u32/i32, aligned. */
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** u64/i64, aligned. */
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** u32 with no alignment requirement (plain access to descriptors in any segment). */
    public static final ValueLayout.OfInt U32_UNALIGNED =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** u64 with no alignment requirement (plain access to descriptors in any segment). */
    public static final ValueLayout.OfLong U64_UNALIGNED =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Atomic access to a u16 at (segment, offset); used only for memif head and tail. */
    public static final VarHandle U16_HANDLE = U16.varHandle();
    /** Atomic access to a u64 at (segment, offset); used for control words and counters. */
    public static final VarHandle U64_HANDLE = U64.varHandle();

    private Le() {
    }
}

package org.ovshighway.guest.abi;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** Encoding of the 32-byte name fields: printable ASCII 0x21..0x7e, NUL-padded. */
final class RegionNames {
    private RegionNames() {
    }

    static boolean isValid(String name) {
        if (name.isEmpty() || name.length() > RegionHeaderDescriptor.NAME_BYTES) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    static void write(MemorySegment region, long offset, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        region.asSlice(offset, RegionHeaderDescriptor.NAME_BYTES).fill((byte) 0);
        MemorySegment.copy(bytes, 0, region, Le.U8, offset, bytes.length);
    }

    /** The name stored at {@code offset}, or {@code null} when the bytes are not a valid name. */
    static String read(MemorySegment region, long offset) {
        byte[] bytes = new byte[RegionHeaderDescriptor.NAME_BYTES];
        MemorySegment.copy(region, Le.U8, offset, bytes, 0, bytes.length);
        int length = 0;
        while (length < bytes.length && bytes[length] != 0) {
            byte b = bytes[length];
            if (b < 0x21 || b > 0x7e) {
                return null;
            }
            length++;
        }
        if (length == 0) {
            return null;
        }
        for (int i = length; i < bytes.length; i++) {
            if (bytes[i] != 0) {
                return null;
            }
        }
        return new String(bytes, 0, length, StandardCharsets.US_ASCII);
    }
}

package org.ovshighway.ovs.memif;

/** Ethernet frames for tests: broadcast destination, a local source, EtherType 0x88B5 (local experimental). */
final class TestFrames {
    private TestFrames() {
    }

    /** A frame of {@code length} bytes whose payload starts with {@code marker} (big-endian int). */
    static byte[] ethernet(int marker, int length) {
        byte[] f = new byte[length];
        for (int i = 0; i < 6; i++) {
            f[i] = (byte) 0xFF;
        }
        f[6] = 0x02;
        f[11] = 0x01;
        f[12] = (byte) 0x88;
        f[13] = (byte) 0xB5;
        f[14] = (byte) (marker >>> 24);
        f[15] = (byte) (marker >>> 16);
        f[16] = (byte) (marker >>> 8);
        f[17] = (byte) marker;
        for (int i = 18; i < length; i++) {
            f[i] = (byte) i;
        }
        return f;
    }
}

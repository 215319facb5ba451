package org.ovshighway.guest.abi;

/** What a region carries; stored as a u16 in the header's {@code kind} field. */
public enum RegionKind {
    /** The region of one ring port: memif rings shared between OVS-DPDK and one guest. */
    PORT(1),
    /** The region of one bypass link: rings shared between two guests, producer owns buffers. */
    LINK(2);

    private final int code;

    RegionKind(int code) {
        this.code = code;
    }

    /** The value stored in {@link RegionHeaderDescriptor#KIND_OFFSET}. */
    public int code() {
        return code;
    }

    /** The kind for a stored code, or {@code null} when the code names no kind. */
    public static RegionKind ofCode(int code) {
        return switch (code) {
            case 1 -> PORT;
            case 2 -> LINK;
            default -> null;
        };
    }
}

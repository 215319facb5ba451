package org.ovshighway.guest.abi;

/**
 * Version of the region ABI. A reader accepts a region whose major version equals
 * {@link #MAJOR}, whatever its minor version: a minor version only gives meaning to bytes that
 * older versions define as reserved (written as zero, ignored on read).
 */
public final class AbiVersion {
    /** Incompatible layout changes bump this. */
    public static final int MAJOR = 1;
    /** Compatible additions (reserved bytes given a meaning) bump this. */
    public static final int MINOR = 4;
    /** First minor version whose PORT regions carry the connection word ({@link PortConnection}). */
    public static final int MINOR_PORT_CONNECTION = 1;
    /**
     * First minor version with the remap protocol's revertReady words in LINK regions and the
     * FENCE frame ({@link FenceFrameDescriptor}); see docs/remap-protocol.md.
     */
    public static final int MINOR_REMAP = 2;
    /**
     * First minor version with the senderLeft words in LINK regions: a receiver whose revert was
     * forced waits for its sender to leave the link before it leaves too (docs/remap-protocol.md).
     */
    public static final int MINOR_SENDER_LEFT = 3;
    /**
     * First minor version with the requestDevice word in PORT regions: an ATTACH may name the PCI
     * address of the link's device, so the guest maps it without listing every device.
     */
    public static final int MINOR_DEVICE_HINT = 4;

    private AbiVersion() {
    }
}

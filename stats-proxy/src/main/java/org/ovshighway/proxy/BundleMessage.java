package org.ovshighway.proxy;

import io.netty.buffer.ByteBuf;
import java.util.Optional;

/**
 * A bundle message read from its header: OpenFlow 1.4/1.5 BUNDLE_CONTROL (type 33) and BUNDLE_ADD
 * (type 34), and their OpenFlow 1.3 form, the ONF extension OVS and OpenDaylight speak
 * (EXPERIMENTER, experimenter 0x4F4E4600, exp_type 2300 control / 2301 add), whose body follows a
 * 16-byte experimenter header instead of the 8-byte one:
 * <pre>
 *   control: bundle_id u32 | type u16 (OPEN 0, CLOSE 2, COMMIT 4, DISCARD 6; replies +1) | flags u16 | properties
 *   add:     bundle_id u32 | pad u16 | flags u16 | the added message (a whole OpenFlow message)
 * </pre>
 *
 * @param add           a BUNDLE_ADD (else a BUNDLE_CONTROL)
 * @param controlType   the control's type, -1 for an add
 * @param messageOffset an add's message, from the frame's reader index; -1 for a control
 */
public record BundleMessage(boolean add, long bundleId, int controlType, int messageOffset) {
    public static final int OPEN_REQUEST = 0;
    public static final int COMMIT_REQUEST = 4;
    public static final int DISCARD_REQUEST = 6;
    private static final int OF13 = 4;
    private static final int OF14 = 5;
    private static final int BUNDLE_CONTROL = 33;
    private static final int BUNDLE_ADD = 34;
    private static final long ONF = 0x4F4E4600L;
    private static final long ONF_BUNDLE_CONTROL = 2300;
    private static final long ONF_BUNDLE_ADD = 2301;
    private static final int STANDARD_BODY = 8;
    private static final int ONF_BODY = 16;
    /** bundle_id, type or pad, flags. */
    private static final int FIXED = 8;

    /** The bundle message {@code frame} is, if it is a whole one. */
    public static Optional<BundleMessage> of(ByteBuf frame) {
        int start = frame.readerIndex();
        int length = frame.readableBytes();
        if (length < STANDARD_BODY) {
            return Optional.empty();
        }
        int version = frame.getUnsignedByte(start);
        int type = frame.getUnsignedByte(start + 1);
        int body;
        boolean add;
        if (version >= OF14 && (type == BUNDLE_CONTROL || type == BUNDLE_ADD)) {
            body = STANDARD_BODY;
            add = type == BUNDLE_ADD;
        } else if (version == OF13 && type == OpenFlowWire.EXPERIMENTER && length >= ONF_BODY
                && frame.getUnsignedInt(start + 8) == ONF
                && (frame.getUnsignedInt(start + 12) == ONF_BUNDLE_CONTROL
                || frame.getUnsignedInt(start + 12) == ONF_BUNDLE_ADD)) {
            body = ONF_BODY;
            add = frame.getUnsignedInt(start + 12) == ONF_BUNDLE_ADD;
        } else {
            return Optional.empty();
        }
        if (length < body + FIXED) {
            return Optional.empty();
        }
        long id = frame.getUnsignedInt(start + body);
        return Optional.of(add ? new BundleMessage(true, id, -1, body + FIXED)
                : new BundleMessage(false, id, frame.getUnsignedShort(start + body + 4), -1));
    }

    /** Whether this is a control of type {@code type}. */
    public boolean isControl(int type) {
        return !add && controlType == type;
    }
}

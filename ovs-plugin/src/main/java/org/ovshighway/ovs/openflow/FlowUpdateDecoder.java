package org.ovshighway.ovs.openflow;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Decodes the body of one flow-monitor reply (everything after the multipart header) of one
 * dialect. Updates are returned in wire order; OpenFlow 1.4+ PAUSED/RESUMED entries split the
 * result into separate messages at their position.
 */
interface FlowUpdateDecoder {

    /** Every entry of {@code body}; {@code xid} and {@code more} come from the enclosing header. */
    List<InboundMessage> decode(ByteBuf body, long xid, boolean more) throws MalformedUpdateException;

    static FlowUpdateDecoder forVersion(OpenFlowVersion version) {
        return switch (version.dialect()) {
            case STANDARD -> new StandardFlowUpdateDecoder(version);
            case ONF13 -> new Onf13FlowUpdateDecoder();
            case NICIRA -> new NiciraFlowUpdateDecoder();
        };
    }

    /** Checks an entry's length (multiple of 8, at least {@code minimum}, inside the body) and returns it. */
    static int entryLength(ByteBuf body, int minimum, String where) throws MalformedUpdateException {
        if (body.readableBytes() < 4) {
            throw new MalformedUpdateException(where + ": update header truncated: remaining=" + body.readableBytes());
        }
        int length = body.getUnsignedShort(body.readerIndex());
        if (length < minimum || length % 8 != 0 || length > body.readableBytes()) {
            throw new MalformedUpdateException(where + ": update length invalid: length=" + length + " minimum=" + minimum
                    + " remaining=" + body.readableBytes());
        }
        return length;
    }
}

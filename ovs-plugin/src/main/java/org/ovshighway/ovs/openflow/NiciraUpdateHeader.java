package org.ovshighway.ovs.openflow;

import io.netty.buffer.ByteBuf;
import org.ovshighway.p2p.flow.RemovalReason;

/**
 * The 24-byte nx_flow_update_full header (nicira-ext.h) shared by the Nicira (OpenFlow 1.0) and
 * ONF (OpenFlow 1.3) dialects; they differ only in what follows it.
 *
 * <pre>
 *   0 length(2) | 2 event(2) | 4 reason(2) | 6 priority(2) | 8 idle_timeout(2) | 10 hard_timeout(2)
 *  12 match_len(2) | 14 table_id(1) | 15 pad(1) | 16 cookie(8) | 24 match ...
 *  events: ADDED 0, DELETED 1, MODIFIED 2, ABBREV 3 (length 8, never requested)
 * </pre>
 */
record NiciraUpdateHeader(FlowUpdate.Kind kind, RemovalReason reason, int priority, int idleTimeout, int hardTimeout,
                          int matchLength, int tableId, long cookie) {

    static final int LENGTH = 24;

    /** Reads the header of {@code entry} (a slice holding exactly one update) and leaves the reader after it. */
    static NiciraUpdateHeader read(ByteBuf entry, String where) throws MalformedUpdateException {
        int event = entry.getUnsignedShort(2);
        FlowUpdate.Kind kind = switch (event) {
            case 0 -> FlowUpdate.Kind.ADDED;
            case 1 -> FlowUpdate.Kind.REMOVED;
            case 2 -> FlowUpdate.Kind.MODIFIED;
            default -> throw new MalformedUpdateException(where + ": unexpected flow update event: event=" + event
                    + " (ABBREV cannot occur: monitors are requested with NXFMF_OWN)");
        };
        if (entry.readableBytes() < LENGTH) {
            throw new MalformedUpdateException(where + ": full update shorter than its header: length=" + entry.readableBytes());
        }
        int tableId = entry.getUnsignedByte(14);
        if (tableId > 0xfe) {
            throw new MalformedUpdateException(where + ": table id out of range: table=" + tableId);
        }
        int matchLength = entry.getUnsignedShort(12);
        if (LENGTH + matchLength > entry.readableBytes()) {
            throw new MalformedUpdateException(where + ": match_len overruns the update: match_len=" + matchLength
                    + " length=" + entry.readableBytes());
        }
        RemovalReason reason = kind == FlowUpdate.Kind.REMOVED ? FlowUpdate.removalReason(entry.getUnsignedShort(4)) : RemovalReason.UNKNOWN;
        entry.readerIndex(LENGTH);
        return new NiciraUpdateHeader(kind, reason, entry.getUnsignedShort(6), entry.getUnsignedShort(8),
                entry.getUnsignedShort(10), matchLength, tableId, entry.getLong(16));
    }
}

package org.ovshighway.agent;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The messages controllers add to their open OpenFlow 1.4+ bundles, per relayed connection and
 * bundle id, so that a commit is judged by what it applies ({@link BypassController}) rather than
 * as a change of everything. Copies are kept from BUNDLE_ADD to the COMMIT or DISCARD that ends
 * the bundle, or until the connection closes.
 *
 * <p>Wire format (OpenFlow 1.4/1.5): BUNDLE_CONTROL (type 33) bundle_id u32 at 8, type u16 at 12
 * (OPEN_REQUEST 0, CLOSE_REQUEST 2, COMMIT_REQUEST 4, DISCARD_REQUEST 6); BUNDLE_ADD (type 34)
 * bundle_id u32 at 8, the added message from 16 on.
 *
 * <p>Where this and the switch may disagree (an add or open the switch refuses), this keeps more
 * messages than the switch applies, never fewer: a commit's judgement may over-state its reach only.
 *
 * <p>Bounded: a bundle of more than {@link #MAX_MESSAGES} messages or {@link #MAX_BYTES} bytes is
 * no longer copied; its commit is then judged as a change of everything, as is the commit of a
 * bundle this class never saw opened or added to.
 *
 * <p>Threads: each connection's frames come from its own event loop, so a connection's bundles are
 * touched by one thread at a time; connections are independent.
 */
final class OpenBundles {
    static final int MAX_MESSAGES = 65_536;
    static final long MAX_BYTES = 32L << 20;
    static final int BUNDLE_CONTROL = 33;
    static final int BUNDLE_ADD = 34;
    static final int OPEN_REQUEST = 0;
    static final int COMMIT_REQUEST = 4;
    static final int DISCARD_REQUEST = 6;
    private static final int OF14 = 5;
    private static final int BUNDLE_ID_OFFSET = 8;
    private static final int CONTROL_TYPE_OFFSET = 12;
    private static final int ADDED_MESSAGE_OFFSET = 16;
    private static final int HEADER = 8;

    /** One bundle's copies; {@code overflowed}: past the bounds, its copies were dropped. */
    private static final class Bundle {
        final List<ByteBuf> messages = new ArrayList<>();
        long bytes;
        boolean overflowed;

        void release() {
            messages.forEach(ByteBuf::release);
            messages.clear();
        }
    }

    private final Map<String, Map<Long, Bundle>> byConnection = new ConcurrentHashMap<>();

    /** Whether {@code frame} is a bundle control or a bundle add (OpenFlow 1.4+). */
    static boolean isBundleMessage(ByteBuf frame) {
        if (frame.readableBytes() < HEADER) {
            return false;
        }
        int start = frame.readerIndex();
        int type = frame.getUnsignedByte(start + 1);
        return frame.getUnsignedByte(start) >= OF14 && (type == BUNDLE_CONTROL || type == BUNDLE_ADD);
    }

    /** The BUNDLE_CONTROL type of {@code frame}, -1 when it is not a whole bundle control. */
    static int controlType(ByteBuf frame) {
        int start = frame.readerIndex();
        if (frame.readableBytes() < CONTROL_TYPE_OFFSET + 2 || frame.getUnsignedByte(start) < OF14
                || frame.getUnsignedByte(start + 1) != BUNDLE_CONTROL) {
            return -1;
        }
        return frame.getUnsignedShort(start + CONTROL_TYPE_OFFSET);
    }

    /** Notes a bundle control or add; a copy of an added message is kept. */
    void seen(String connection, ByteBuf frame) {
        int start = frame.readerIndex();
        if (frame.readableBytes() < CONTROL_TYPE_OFFSET + 2) {
            return;
        }
        long id = frame.getUnsignedInt(start + BUNDLE_ID_OFFSET);
        Map<Long, Bundle> bundles = byConnection.computeIfAbsent(connection, c -> new HashMap<>());
        int type = frame.getUnsignedByte(start + 1);
        if (type == BUNDLE_CONTROL) {
            int control = frame.getUnsignedShort(start + CONTROL_TYPE_OFFSET);
            if (control == OPEN_REQUEST) {
                // an open of a bundle that exists keeps what it holds: judging more than the switch
                // will apply only over-states a commit's reach
                bundles.computeIfAbsent(id, i -> new Bundle());
            } else if (control == DISCARD_REQUEST) {
                Bundle old = bundles.remove(id);
                if (old != null) {
                    old.release();
                }
            }
            return;
        }
        // an add to a bundle not opened: OVS opens it implicitly
        Bundle bundle = bundles.computeIfAbsent(id, i -> new Bundle());
        int length = frame.readableBytes() - ADDED_MESSAGE_OFFSET;
        if (bundle.overflowed || length < HEADER) {
            bundle.overflowed |= length < HEADER;
            return;
        }
        if (bundle.messages.size() >= MAX_MESSAGES || bundle.bytes + length > MAX_BYTES) {
            bundle.overflowed = true;
            bundle.release();
            return;
        }
        bundle.messages.add(Unpooled.copiedBuffer(frame.slice(start + ADDED_MESSAGE_OFFSET, length)));
        bundle.bytes += length;
    }

    /**
     * Ends the bundle a COMMIT {@code frame} applies: its added messages in order (the caller
     * releases them), or empty when they are not known (never seen opened or added to, or too large).
     */
    Optional<List<ByteBuf>> committed(String connection, ByteBuf frame) {
        Map<Long, Bundle> bundles = byConnection.get(connection);
        Bundle bundle = bundles == null ? null : bundles.remove(frame.getUnsignedInt(frame.readerIndex() + BUNDLE_ID_OFFSET));
        if (bundle == null || bundle.overflowed) {
            return Optional.empty();
        }
        return Optional.of(List.copyOf(bundle.messages));
    }

    /** The connection closed: its open bundles end without effect. */
    void closed(String connection) {
        Map<Long, Bundle> bundles = byConnection.remove(connection);
        if (bundles != null) {
            bundles.values().forEach(Bundle::release);
        }
    }

    /** Open bundles of {@code connection} (for tests and logs). */
    int openCount(String connection) {
        Map<Long, Bundle> bundles = byConnection.get(connection);
        return bundles == null ? 0 : bundles.size();
    }
}

package org.ovshighway.agent;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.ovshighway.proxy.BundleMessage;

/**
 * The messages controllers add to their open bundles (OpenFlow 1.4+, or 1.3's ONF extension:
 * {@link BundleMessage}), per relayed connection and bundle id, so that a commit is judged by what
 * it applies ({@link BypassController}) rather than as a change of everything. Copies are kept from
 * BUNDLE_ADD to the COMMIT or DISCARD that ends the bundle, or until the connection closes.
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

    /** Notes a bundle control or add ({@code bundle}, read from {@code frame}); a copy of an added message is kept. */
    void seen(String connection, ByteBuf frame, BundleMessage bundle) {
        Map<Long, Bundle> bundles = byConnection.computeIfAbsent(connection, c -> new HashMap<>());
        long id = bundle.bundleId();
        if (bundle.isControl(BundleMessage.OPEN_REQUEST)) {
            // an open of a bundle that exists keeps what it holds: judging more than the switch
            // will apply only over-states a commit's reach
            bundles.computeIfAbsent(id, i -> new Bundle());
            return;
        }
        if (bundle.isControl(BundleMessage.DISCARD_REQUEST)) {
            Bundle old = bundles.remove(id);
            if (old != null) {
                old.release();
            }
            return;
        }
        if (!bundle.add()) {
            return;
        }
        // an add to a bundle not opened: OVS opens it implicitly
        Bundle kept = bundles.computeIfAbsent(id, i -> new Bundle());
        int length = frame.readableBytes() - bundle.messageOffset();
        if (kept.overflowed || length < HEADER) {
            kept.overflowed |= length < HEADER;
            return;
        }
        if (kept.messages.size() >= MAX_MESSAGES || kept.bytes + length > MAX_BYTES) {
            kept.overflowed = true;
            kept.release();
            return;
        }
        kept.messages.add(Unpooled.copiedBuffer(frame.slice(frame.readerIndex() + bundle.messageOffset(), length)));
        kept.bytes += length;
    }

    /**
     * Ends the bundle a commit ({@code bundle}) applies: its added messages in order (the caller
     * releases them), or empty when they are not known (never seen opened or added to, or too large).
     */
    Optional<List<ByteBuf>> committed(String connection, BundleMessage bundle) {
        Map<Long, Bundle> bundles = byConnection.get(connection);
        Bundle kept = bundles == null ? null : bundles.remove(bundle.bundleId());
        if (kept == null || kept.overflowed) {
            return Optional.empty();
        }
        return Optional.of(List.copyOf(kept.messages));
    }

    /** The connection closed: its open bundles end without effect. */
    void closed(String connection) {
        Map<Long, Bundle> bundles = byConnection.remove(connection);
        if (bundles != null) {
            bundles.values().forEach(Bundle::release);
        }
    }
}

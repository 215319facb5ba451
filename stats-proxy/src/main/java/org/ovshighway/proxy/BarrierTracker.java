package org.ovshighway.proxy;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import org.ovshighway.proxy.impact.FlowChangeClassifier;

/**
 * Which flow changes of one relayed connection the switch has applied, told by the replies it
 * sends back to BARRIERs and bundle controls ({@link AppliedChangesListener}). Confined to the
 * connection's event loop.
 *
 * <p>Each BARRIER request, and each bundle control (OpenFlow 1.4+, or OpenFlow 1.3's ONF extension:
 * {@link BundleMessage}; {@code ovs-ofctl --bundle} waits for the commit's reply and sends no
 * barrier), relayed toward the switch is remembered with its XID
 * and the number of changes relayed up to it (a commit counts itself). A reply of the same type is
 * matched to the oldest remembered request with its XID; the requests before that one were
 * answered otherwise (an error) and are dropped, which can only under-state what was applied. A
 * reply that matches no request (unsolicited, or for a request not remembered) proves nothing and
 * is ignored.
 *
 * <p>Memory: at most {@link #MAX_REMEMBERED} requests are remembered; beyond that a request is
 * relayed but not remembered, so its reply is ignored and the connection stays pending until a
 * remembered barrier is answered. (Backpressure already bounds the barriers in flight: the proxy
 * stops reading a controller whose switch side does not drain.)
 */
final class BarrierTracker {
    static final int MAX_REMEMBERED = 4096;
    private static final int HEADER = 8;
    private static final int OF10 = 1;
    private static final int OF10_BARRIER_REQUEST = 18;
    private static final int OF10_BARRIER_REPLY = 19;
    private static final int BARRIER_REQUEST = 20;
    private static final int BARRIER_REPLY = 21;

    private record Barrier(long xid, long changesBefore) {
    }

    private final String connection;
    private final AppliedChangesListener listener;
    private final ArrayDeque<Barrier> barriers = new ArrayDeque<>();
    /** Flow changes relayed (or held) toward the switch so far. */
    private long changes;
    /** Of {@link #changes}, how many a barrier reply covers. */
    private long applied;

    BarrierTracker(String connection, AppliedChangesListener listener) {
        this.connection = connection;
        this.listener = listener;
    }

    /**
     * A frame on its way to the switch, seen in relay order, before it may be held; returns whether
     * every flow change relayed before it was applied.
     */
    boolean towardSwitch(ByteBuf frame) {
        boolean earlierApplied = applied == changes;
        if (FlowChangeClassifier.mayChangeForwarding(frame) && changes++ == applied) {
            listener.changesPending(connection);
        }
        if (answered(frame, OF10_BARRIER_REQUEST, BARRIER_REQUEST) && barriers.size() < MAX_REMEMBERED) {
            barriers.add(new Barrier(xid(frame), changes));
        }
        return earlierApplied;
    }

    /** A frame from the switch. */
    void towardController(ByteBuf frame) {
        if (barriers.isEmpty() || !answered(frame, OF10_BARRIER_REPLY, BARRIER_REPLY)) {
            return;
        }
        long xid = xid(frame);
        if (barriers.stream().noneMatch(b -> b.xid() == xid)) {
            return;
        }
        Barrier answered;
        do {
            answered = barriers.poll();
        } while (answered.xid() != xid);
        boolean wasPending = applied < changes;
        applied = Math.max(applied, answered.changesBefore());
        if (wasPending && applied == changes) {
            listener.changesApplied(connection);
        }
    }

    /** The connection closed. */
    void closed() {
        listener.closed(connection, applied < changes);
        barriers.clear();
    }

    /** A barrier (request or reply as asked, by version) or a bundle control. */
    private static boolean answered(ByteBuf frame, int of10Barrier, int barrier) {
        if (frame.readableBytes() < HEADER) {
            return false;
        }
        int start = frame.readerIndex();
        int version = frame.getUnsignedByte(start);
        int type = frame.getUnsignedByte(start + 1);
        return type == (version == OF10 ? of10Barrier : barrier)
                || BundleMessage.of(frame).filter(bundle -> !bundle.add()).isPresent();
    }

    private static long xid(ByteBuf frame) {
        return frame.getUnsignedInt(frame.readerIndex() + 4);
    }
}

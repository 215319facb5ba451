package org.ovshighway.guest;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.ovshighway.guest.abi.FenceFrameDescriptor;
import org.ovshighway.guest.abi.Le;

/**
 * A test guest on one {@link GuestPort}: sends frames numbered 1, 2, 3, ... (64 bytes, the number
 * at offset 16) and checks that the peer's frames arrive once and in order, counting FENCE frames
 * that reach it (the library must consume them). Used by the remap tests of ring-remapper and
 * the agent.
 */
public final class SequencedTestGuest implements Runnable {
    public final GuestPort port;
    public final AtomicBoolean sending = new AtomicBoolean(true);
    public final AtomicBoolean running = new AtomicBoolean(true);
    public final AtomicLong sent = new AtomicLong();
    public final AtomicLong received = new AtomicLong();
    public final AtomicLong outOfOrder = new AtomicLong();
    public final AtomicLong fencesSeen = new AtomicLong();
    public volatile Throwable failure;
    /** Transmit side's state (one thread). */
    private final byte[][] frames = new byte[4][];
    private long next = 1;
    /** Receive side's state (one thread). */
    private final PacketBurst rx = new PacketBurst();
    private long expect = 1;

    public SequencedTestGuest(GuestPort port) {
        this.port = port;
    }

    @Override
    public void run() {
        loop(true, true);
    }

    /** The guest's polling loop: transmit and/or receive (two threads may split them). */
    public void loop(boolean transmit, boolean receive) {
        try {
            while (running.get()) {
                if (transmit && sending.get()) {
                    transmitOnce();
                }
                if (receive) {
                    receiveOnce();
                }
                LockSupport.parkNanos(20_000);
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void transmitOnce() {
        for (int k = 0; k < frames.length; k++) {
            frames[k] = frame(next + k);
        }
        int n = port.txBurst(frames, frames.length);
        next += n;
        sent.set(next - 1);
    }

    private void receiveOnce() {
        int n = port.rxBurst(rx);
        MemorySegment region = rx.region();
        for (int i = 0; i < n; i++) {
            long offset = rx.regionOffset(i);
            if (FenceFrameDescriptor.isFence(region, offset, rx.length(i))) {
                fencesSeen.incrementAndGet();
                continue;
            }
            long seq = region.get(Le.U64_UNALIGNED, offset + 16);
            if (seq != expect) {
                outOfOrder.incrementAndGet();
            }
            expect = seq + 1;
            received.incrementAndGet();
        }
    }

    private static byte[] frame(long seq) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1});
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) 0x0800).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(16, seq);
        return b.array();
    }
}

package org.ovshighway.guest;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
    /**
     * While not sending, still run a transmit burst of no frames each round, as a polling
     * application with nothing to send does: the remap protocol's sender side (FENCE_IN on the old
     * ring, FENCE_OUT on the link) moves on.
     */
    public final AtomicBoolean idleBursts = new AtomicBoolean();
    public final AtomicLong sent = new AtomicLong();
    public final AtomicLong received = new AtomicLong();
    public final AtomicLong outOfOrder = new AtomicLong();
    public final AtomicLong fencesSeen = new AtomicLong();
    public volatile Throwable failure;
    /** Transmit loops started, and those that have seen {@link #sending} cleared (no burst in progress since). */
    private final AtomicInteger transmitLoops = new AtomicInteger();
    private final AtomicInteger transmitLoopsStopped = new AtomicInteger();
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
        if (transmit) {
            transmitLoops.incrementAndGet();
        }
        boolean stopAcknowledged = false;
        try {
            while (running.get()) {
                if (transmit) {
                    if (sending.get()) {
                        transmitOnce();
                    } else if (idleBursts.get()) {
                        port.txBurst(frames, 0);
                    }
                    if (!sending.get() && !stopAcknowledged) {
                        stopAcknowledged = true;
                        transmitLoopsStopped.incrementAndGet();
                    }
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

    /**
     * Stops transmitting and returns once every transmit loop has seen it: {@link #sent} is final
     * then, so a test that waits until the peer received that many waits for every frame (clearing
     * {@link #sending} alone leaves a burst that started before it in progress).
     */
    public void stopSending() throws InterruptedException {
        sending.set(false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (transmitLoopsStopped.get() < transmitLoops.get() && failure == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("transmit loop still sending 30 s after the stop: port=" + port.portName());
            }
            Thread.sleep(1);
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

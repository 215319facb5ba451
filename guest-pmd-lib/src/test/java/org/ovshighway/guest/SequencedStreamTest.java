package org.ovshighway.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.abi.RingSpec;

/**
 * Two threads, two mappings of one /dev/shm file: a sender numbers every frame, the receiver
 * checks that it sees 0, 1, 2, ... with nothing lost, reordered or duplicated, and that each
 * frame's payload matches its number (so a stale buffer would show).
 */
class SequencedStreamTest {
    private static final long PACKETS = 400_000;
    private static final ValueLayout.OfLong NETWORK_LONG = ValueLayout.JAVA_LONG.withOrder(ByteOrder.BIG_ENDIAN);

    @Test
    void everyPacketArrivesOnceAndInOrderAcrossThreads() throws Exception {
        try (RegionFiles files = new RegionFiles()) {
            RegionLayout layout = RegionLayout.compute(List.of(new RingSpec(0, 0, 8, 128), new RingSpec(1, 0, 8, 128)));
            files.create("stream", layout, RegionIdentity.link(1, 1, "tx", "rx"));
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread sender = new Thread(() -> {
                try (GuestPort tx = GuestPort.open(DeviceSource.files(files.dir), "tx"); Arena arena = Arena.ofConfined()) {
                    send(tx, arena);
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "sender");
            sender.start();
            long received;
            try (GuestPort rx = GuestPort.open(DeviceSource.files(files.dir), "rx")) {
                received = receive(rx);
                sender.join();
                assertEquals(PACKETS, rx.stats().rxPackets());
                assertEquals(0, rx.stats().rxInvalidDescriptors());
            }
            assertNull(failure.get());
            assertEquals(PACKETS, received);
        }
    }

    private static void send(GuestPort tx, Arena arena) {
        MemorySegment[] frames = new MemorySegment[32];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = arena.allocate(64);
        }
        long next = 0;
        while (next < PACKETS) {
            int n = (int) Math.min(frames.length, PACKETS - next);
            // burst sizes vary 1..32 so that bursts straddle the ring's end in every way
            n = Math.min(n, 1 + (int) (next % 32));
            for (int i = 0; i < n; i++) {
                long seq = next + i;
                frames[i].set(NETWORK_LONG, 0, seq);
                frames[i].set(NETWORK_LONG, 56, ~seq);
            }
            int sent = tx.txBurst(frames, n);
            next += sent;
            if (sent == 0) {
                Thread.onSpinWait();
            }
        }
    }

    private static long receive(GuestPort rx) throws IOException {
        PacketBurst burst = new PacketBurst();
        long expected = 0;
        long idle = 0;
        while (expected < PACKETS) {
            int n = rx.rxBurst(burst);
            if (n == 0) {
                if (++idle % 1_000_000 == 0) {
                    Thread.yield();
                }
                continue;
            }
            for (int i = 0; i < n; i++) {
                PacketView p = burst.packet(i);
                assertEquals(expected, p.getLong(0), "sequence");
                assertEquals(~expected, p.getLong(56), "payload tail of packet " + expected);
                assertEquals(64, p.length());
                expected++;
            }
        }
        return expected;
    }
}

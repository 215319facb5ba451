package org.ovshighway.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.ovshighway.guest.abi.Le;
import org.ovshighway.guest.abi.PacketDescriptorDescriptor;
import org.ovshighway.guest.abi.PortConnection;
import org.ovshighway.guest.abi.RegionHeaderDescriptor;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.abi.RegionValidator;
import org.ovshighway.guest.abi.RingDescriptor;
import org.ovshighway.guest.abi.RingLayout;
import org.ovshighway.guest.mapping.MappedRegion;
import org.ovshighway.guest.ring.RingConsumer;

/**
 * A guest on a ring-port region, with a fake switch standing in for OVS-DPDK's net_memif server
 * (which runs only with OVS-DPDK; the testbed covers the real one). The fake follows memif's
 * server rules: it consumes C2S rings like a link consumer, and on S2C rings fills the buffers the
 * guest handed out (between tail and head), sets their lengths and advances tail.
 */
class RingPortFakeSwitchTest {

    /** memif server transmit on an S2C ring: returns frames written. */
    private static int fakeSwitchSend(MemorySegment region, RingLayout ring, byte[][] frames) {
        long head = ring.ringOffset() + RingDescriptor.HEAD_OFFSET;
        long tailOffset = ring.ringOffset() + RingDescriptor.TAIL_OFFSET;
        int tail = (short) Le.U16_HANDLE.getOpaque(region, tailOffset) & 0xffff;
        int free = (((short) Le.U16_HANDLE.getAcquire(region, head) & 0xffff) - tail) & 0xffff;
        int n = Math.min(free, frames.length);
        for (int k = 0; k < n; k++) {
            long d = ring.ringOffset() + RingDescriptor.descriptorOffset((tail + k) & (ring.ringSize() - 1));
            long offset = region.get(Le.U32, d + PacketDescriptorDescriptor.DATA_OFFSET_OFFSET) & 0xffffffffL;
            MemorySegment.copy(frames[k], 0, region, ValueLayout.JAVA_BYTE, offset, frames[k].length);
            region.set(Le.U32, d + PacketDescriptorDescriptor.LENGTH_OFFSET, frames[k].length);
        }
        Le.U16_HANDLE.setRelease(region, tailOffset, (short) (tail + n));
        return n;
    }

    /** What the agent does: one release store of the connection word. */
    private static void publishConnection(RegionFiles files, String file, long generation, boolean up)
            throws IOException {
        try (MappedRegion agent = MappedRegion.map(files.dir.resolve(file))) {
            PortConnection.publish(agent.segment(), generation, up);
        }
    }

    /** What OVS-DPDK's memif server does when it accepts CONNECT: every ring's head and tail to 0. */
    private static void fakeSwitchResetsRings(MemorySegment region, Iterable<RingLayout> rings) {
        for (RingLayout ring : rings) {
            Le.U16_HANDLE.setRelease(region, ring.ringOffset() + RingDescriptor.HEAD_OFFSET, (short) 0);
            Le.U16_HANDLE.setRelease(region, ring.ringOffset() + RingDescriptor.TAIL_OFFSET, (short) 0);
        }
    }

    private static int head(MemorySegment region, RingLayout ring) {
        return (short) Le.U16_HANDLE.getAcquire(region, ring.ringOffset() + RingDescriptor.HEAD_OFFSET) & 0xffff;
    }

    /**
     * Port "ring0" of guest-a, served under {@code generation} (UP), opened by the guest, with the
     * switch's own mapping of the region and its first C2S and S2C rings.
     */
    private static final class ServedPort implements AutoCloseable {
        final RegionFiles files = new RegionFiles();
        final GuestPort guest;
        final MappedRegion switchSide;
        final MemorySegment region;
        final RegionLayout layout;
        final RingLayout c2s;
        final RingLayout s2c0;

        ServedPort(long generation) throws IOException {
            Path file = files.create("port-ring0", RegionLayout.port(2), RegionIdentity.port(1, "ring0", "guest-a"));
            publishConnection(files, "port-ring0", generation, true);
            guest = GuestPort.open(DeviceSource.files(files.dir), "ring0");
            switchSide = MappedRegion.map(file);
            region = switchSide.segment();
            layout = RegionValidator.validate(region).layout();
            c2s = layout.find(0, 0);
            s2c0 = layout.find(1, 0);
        }

        @Override
        public void close() throws IOException {
            try {
                switchSide.close();
                guest.close();
            } finally {
                files.close();
            }
        }
    }

    @Test
    void connectionDownStopsBurstsAndNewGenerationResetsRingState() throws IOException {
        try (ServedPort served = new ServedPort(7)) {
            GuestPort guest = served.guest;
            MemorySegment region = served.region;
            RingLayout c2s = served.c2s;
            RingLayout s2c0 = served.s2c0;
            PacketBurst burst = new PacketBurst();

            assertEquals(3, guest.txBurst(new byte[][] {{1}, {2}, {3}}, 3));
            assertEquals(0, guest.rxBurst(burst));
            assertEquals(s2c0.ringSize(), head(region, s2c0), "S2C buffers handed out");
            assertEquals(0, guest.stats().reconnects());
            assertEquals(2, fakeSwitchSend(region, s2c0, new byte[][] {{7}, {8}}), "delivered, never read");

            // vswitchd went away: the agent says DOWN, the guest leaves the rings alone
            PortConnection.publish(region, 7, false);
            assertEquals(0, guest.txBurst(new byte[][] {{4}}, 1));
            assertEquals(0, guest.txReserve(burst, 4));
            assertEquals(0, guest.txCommit(burst));
            assertEquals(3, head(region, c2s), "nothing published while DOWN");
            assertEquals(0, guest.rxBurst(burst));
            PortStats down = guest.stats();
            assertEquals(3, down.txReconnectDiscards(), "sent on generation 7, never taken: " + down);
            assertEquals(2, down.rxReconnectDiscards(), "delivered on generation 7, never read: " + down);
            fakeSwitchResetsRings(region, served.layout.rings());
            assertEquals(0, guest.rxBurst(burst));
            assertEquals(0, head(region, s2c0), "no refill while DOWN");

            // reconnected under generation 8: fresh indices from 0, S2C refilled
            PortConnection.publish(region, 8, true);
            assertEquals(2, guest.txBurst(new byte[][] {{5, 5}, {6}}, 2));
            assertEquals(2, head(region, c2s));
            RingConsumer switchRx = new RingConsumer(region, c2s);
            long[] offsets = new long[8];
            int[] lengths = new int[8];
            assertEquals(2, switchRx.receive(offsets, lengths, 8));
            assertEquals(2, lengths[0]);
            assertEquals(5, region.get(ValueLayout.JAVA_BYTE, offsets[0]));
            assertEquals(0, guest.rxBurst(burst));
            assertEquals(s2c0.ringSize(), head(region, s2c0));
            assertEquals(1, fakeSwitchSend(region, s2c0, new byte[][] {{9, 9, 9}}));
            assertEquals(1, guest.rxBurst(burst));
            assertEquals(3, burst.length(0));
            PortStats after = guest.stats();
            assertEquals(1, after.reconnects(), "one reset, counted once for both sides");
            assertEquals(3, after.txReconnectDiscards(), "the reconnect itself discards nothing more: " + after);
            assertEquals(2, after.rxReconnectDiscards(), after.toString());
        }
    }

    @Test
    void aNewGenerationSeenWithoutItsDownCountsWhatTheEndedConnectionLeftFromTheLastLook() throws IOException {
        try (ServedPort served = new ServedPort(4)) {
            PacketBurst burst = new PacketBurst(2);
            assertEquals(0, served.guest.rxBurst(burst));
            assertEquals(5, fakeSwitchSend(served.region, served.s2c0, new byte[][] {{1}, {2}, {3}, {4}, {5}}));
            assertEquals(2, served.guest.rxBurst(burst), "two of the five seen");
            assertEquals(4, served.guest.txBurst(new byte[][] {{1}, {2}, {3}, {4}}, 4));
            assertEquals(1, new RingConsumer(served.region, served.c2s).receive(new long[1], new int[1], 1), "switch took one");

            // the switch reset the rings and the agent published UP/5 before either side looked again
            fakeSwitchResetsRings(served.region, served.layout.rings());
            PortConnection.publish(served.region, 5, true);
            assertEquals(1, served.guest.txBurst(new byte[][] {{9}}, 1));
            assertEquals(0, served.guest.rxBurst(burst));
            PortStats stats = served.guest.stats();
            assertEquals(1, stats.reconnects());
            // the transmit side last read tail 0 (when it sent): the packet the switch took counts too
            assertEquals(4, stats.txReconnectDiscards(), stats.toString());
            assertEquals(3, stats.rxReconnectDiscards(), "seen but not read: " + stats);
        }
    }

    @Test
    void portOpenedWhileDownStartsOnTheFirstUp() throws IOException {
        try (RegionFiles files = new RegionFiles()) {
            Path file = files.create("port-ring0", RegionLayout.port(2), RegionIdentity.port(1, "ring0", "guest-a"));
            try (GuestPort guest = GuestPort.open(DeviceSource.files(files.dir), "ring0");
                 MappedRegion switchSide = MappedRegion.map(file)) {
                MemorySegment region = switchSide.segment();
                assertEquals(0, PortConnection.acquire(region), "a fresh region is DOWN, generation 0");
                assertEquals(0, guest.txBurst(new byte[][] {{1}}, 1));
                PortConnection.publish(region, 1, true);
                assertEquals(1, guest.txBurst(new byte[][] {{1}}, 1));
                assertEquals(1, guest.stats().reconnects());
            }
        }
    }

    @Test
    void minorVersionZeroPortHasNoConnectionWord() throws IOException {
        try (RegionFiles files = new RegionFiles()) {
            Path file = files.create("port-ring0", RegionLayout.port(2), RegionIdentity.port(1, "ring0", "guest-a"));
            try (MappedRegion creator = MappedRegion.map(file)) {
                creator.segment().set(Le.U16, RegionHeaderDescriptor.VERSION_MINOR_OFFSET, (short) 0);
            }
            try (GuestPort guest = GuestPort.open(DeviceSource.files(files.dir), "ring0")) {
                assertEquals(1, guest.txBurst(new byte[][] {{1}}, 1));
                assertEquals(0, guest.stats().reconnects());
            }
        }
    }

    @Test
    void connectionWordEncoding() {
        long word = PortConnection.word(5, true);
        assertEquals(0x501, word);
        assertTrue(PortConnection.isUp(word));
        assertEquals(5, PortConnection.generation(word));
        assertEquals(PortConnection.STATE_DOWN, PortConnection.state(PortConnection.word(5, false)));
        assertEquals("UP/generation=5", PortConnection.describe(word));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PortConnection.word(1L << 56, true));
        assertTrue(e.getMessage().contains("generation=" + (1L << 56)), e.getMessage());
    }

    @Test
    void guestTransmitsOnC2sAndReceivesFromEveryS2cQueue() throws IOException {
        try (RegionFiles files = new RegionFiles()) {
            files.create("port-ring0", RegionLayout.port(2), RegionIdentity.port(1, "ring0", "guest-a"));
            publishConnection(files, "port-ring0", 1, true);
            try (GuestPort guest = GuestPort.open(DeviceSource.files(files.dir), "ring0");
                 MappedRegion switchSide = MappedRegion.map(files.dir.resolve("port-ring0"))) {
                MemorySegment region = switchSide.segment();
                var layout = RegionValidator.validate(region).layout();
                assertEquals(-1, guest.end());

                assertEquals(2, guest.txBurst(new byte[][] {{1, 2, 3}, {4}}, 2));
                RingConsumer switchRx = new RingConsumer(region, layout.find(0, 0));
                long[] offsets = new long[8];
                int[] lengths = new int[8];
                assertEquals(2, switchRx.receive(offsets, lengths, 8));
                assertEquals(3, lengths[0]);

                // the switch can send nothing until the guest has handed buffers out
                assertEquals(0, fakeSwitchSend(region, layout.find(1, 1), new byte[][] {{9}}));
                PacketBurst burst = new PacketBurst();
                assertEquals(0, guest.rxBurst(burst));
                assertEquals(1, fakeSwitchSend(region, layout.find(1, 1), new byte[][] {{9}}));
                assertEquals(2, fakeSwitchSend(region, layout.find(1, 0), new byte[][] {{7, 7}, {8, 8, 8}}));
                assertEquals(3, guest.rxBurst(burst));
                int total = 0;
                for (int i = 0; i < 3; i++) {
                    total += burst.length(i);
                }
                assertEquals(6, total);

                // a switch-side length running past the ring's buffers is dropped and counted
                RingLayout q0 = layout.find(1, 0);
                fakeSwitchSend(region, q0, new byte[][] {{5}});
                int tail = (short) Le.U16_HANDLE.getOpaque(region, q0.ringOffset() + RingDescriptor.TAIL_OFFSET) & 0xffff;
                long d = q0.ringOffset() + RingDescriptor.descriptorOffset((tail - 1) & (q0.ringSize() - 1));
                region.set(Le.U32, d + PacketDescriptorDescriptor.LENGTH_OFFSET, Integer.MAX_VALUE);
                assertEquals(0, guest.rxBurst(burst));
                PortStats stats = guest.stats();
                assertEquals(3, stats.rxPackets());
                assertEquals(1, stats.rxInvalidDescriptors());
                assertEquals(2, stats.txPackets());
                assertTrue(stats.rxBytes() == 6, stats.toString());
            }
        }
    }
}

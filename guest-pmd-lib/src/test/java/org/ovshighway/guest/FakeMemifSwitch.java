package org.ovshighway.guest;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.ovshighway.guest.abi.FenceFrameDescriptor;
import org.ovshighway.guest.abi.Le;
import org.ovshighway.guest.abi.PacketDescriptorDescriptor;
import org.ovshighway.guest.abi.RegionFormatException;
import org.ovshighway.guest.abi.RegionValidator;
import org.ovshighway.guest.abi.RingDescriptor;
import org.ovshighway.guest.abi.RingLayout;
import org.ovshighway.guest.mapping.MappedRegion;
import org.ovshighway.guest.ring.RingConsumer;

/**
 * Test stand-in for OVS-DPDK forwarding one way between two ring ports (in_port=from,
 * actions=output:to), used where a unit test cannot run OVS-DPDK (the testbed's remap tests use the
 * real one). It consumes the C2S ring of {@code from} as the memif server does and writes each
 * frame into the next buffer the guest of {@code to} handed out on S2C queue 0; it can drop FENCE
 * frames the way a full ring drops them. Unlike OVS it never drops data for want of buffers: it
 * takes from {@code from} only as many frames as {@code to} has buffers for (back-pressure), so a
 * test can demand exact sequences on a busy machine.
 */
public final class FakeMemifSwitch implements AutoCloseable {
    private final MappedRegion fromMapping;
    private final MappedRegion toMapping;
    private final RingConsumer fromC2s;
    private final RingLayout toS2c;
    private final long[] offsets = new long[64];
    private final int[] lengths = new int[64];
    /** FENCE frames still to drop. */
    public int fencesToDrop;
    public long forwarded;
    public long dropped;
    public long fencesDropped;
    public long fencesForwarded;

    public FakeMemifSwitch(Path from, Path to) throws IOException, RegionFormatException {
        this.fromMapping = MappedRegion.map(from);
        this.toMapping = MappedRegion.map(to);
        this.fromC2s = new RingConsumer(fromMapping.segment(), RegionValidator.validate(fromMapping.segment()).layout().find(0, 0));
        this.toS2c = RegionValidator.validate(toMapping.segment()).layout().find(1, 0);
    }

    /** Forwards what is waiting (up to 64 frames); returns frames forwarded. */
    public int forward() {
        MemorySegment src = fromMapping.segment();
        MemorySegment dst = toMapping.segment();
        long tailOffset = toS2c.ringOffset() + RingDescriptor.TAIL_OFFSET;
        int handedOut = (((short) Le.U16_HANDLE.getAcquire(dst, toS2c.ringOffset() + RingDescriptor.HEAD_OFFSET) & 0xffff)
                - ((short) Le.U16_HANDLE.getOpaque(dst, tailOffset) & 0xffff)) & 0xffff;
        int n = fromC2s.receive(offsets, lengths, Math.min(offsets.length, handedOut));
        int sent = 0;
        for (int i = 0; i < n; i++) {
            if (fencesToDrop > 0 && FenceFrameDescriptor.isFence(src, offsets[i], lengths[i])) {
                fencesToDrop--;
                fencesDropped++;
                continue;
            }
            int tail = (short) Le.U16_HANDLE.getOpaque(dst, tailOffset) & 0xffff;
            int head = (short) Le.U16_HANDLE.getAcquire(dst, toS2c.ringOffset() + RingDescriptor.HEAD_OFFSET) & 0xffff;
            if (((head - tail) & 0xffff) == 0) {
                dropped++;   // no buffer handed out: OVS drops too
                continue;
            }
            long d = toS2c.ringOffset() + RingDescriptor.descriptorOffset(tail & (toS2c.ringSize() - 1));
            long offset = dst.get(Le.U32, d + PacketDescriptorDescriptor.DATA_OFFSET_OFFSET) & 0xffffffffL;
            if (FenceFrameDescriptor.isFence(src, offsets[i], lengths[i])) {
                fencesForwarded++;
            }
            MemorySegment.copy(src, offsets[i], dst, offset, lengths[i]);
            dst.set(Le.U32, d + PacketDescriptorDescriptor.LENGTH_OFFSET, lengths[i]);
            Le.U16_HANDLE.setRelease(dst, tailOffset, (short) (tail + 1));
            sent++;
        }
        forwarded += sent;
        return sent;
    }

    @Override
    public void close() {
        fromMapping.close();
        toMapping.close();
    }
}

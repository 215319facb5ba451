package org.ovshighway.guest.remap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import org.ovshighway.guest.abi.AbiVersion;
import org.ovshighway.guest.abi.FenceFrameDescriptor;
import org.ovshighway.guest.abi.Le;
import org.ovshighway.guest.abi.RegionHeaderDescriptor;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RingLayout;
import org.ovshighway.guest.abi.ValidatedRegion;
import org.ovshighway.guest.mapping.MappedRegion;
import org.ovshighway.guest.ring.RingConsumer;
import org.ovshighway.guest.ring.RingProducer;

/**
 * One mapped link region as one port uses it: this port's end, the ring it produces (the
 * direction it sends, null on a one-way link where it only receives) and the ring it consumes.
 *
 * <p>Invariant: the mapping stays open until every role of this port on the link is finished
 * ({@link #roleFinished} returned true) and nobody holds views into it; then the port closes it.
 */
final class LinkSession {
    final MappedRegion mapping;
    final MemorySegment region;
    final RegionIdentity identity;
    final long linkId;
    final long generation;
    /** This port's end: 0 or 1; it sends direction {@code end} and receives direction {@code 1 - end}. */
    final int end;
    final RingProducer linkTx;
    final RingConsumer linkRx;
    /** The rings behind linkTx / linkRx (private copies of the validated layout), or null. */
    final RingLayout txRing;
    final RingLayout rxRing;
    /** Whether the region has the senderLeft words (ABI 1.3): a forced receiver then waits for its sender. */
    final boolean hasSenderLeftWords;
    /** FENCE_OUT frames this port put on / took from the link (0 or 1 each; the sides' own threads). */
    int fenceOutSent;
    int fenceOutReceived;
    /** Fence frames, one each, ready for {@code RingProducer.send(MemorySegment[], 1)}. */
    final MemorySegment[] fenceIn;
    final MemorySegment[] fenceOut;
    /** Roles (sender, receiver) still to finish before the port may unmap. */
    private final AtomicInteger rolesLeft;
    private final java.util.concurrent.atomic.AtomicBoolean forced = new java.util.concurrent.atomic.AtomicBoolean();
    private final Arena fenceArena = Arena.ofAuto();

    LinkSession(MappedRegion mapping, ValidatedRegion validated, int end) {
        this(mapping, mapping.segment(), validated, end);
    }

    /**
     * A session over {@code region}; {@code mapping} null only for {@link RemapWarmup}'s scratch
     * regions, which no port ever uses.
     */
    LinkSession(MappedRegion mapping, MemorySegment region, ValidatedRegion validated, int end) {
        this.mapping = mapping;
        this.region = region;
        this.identity = validated.identity();
        this.linkId = identity.linkId();
        this.generation = identity.generation();
        this.end = end;
        this.hasSenderLeftWords = (region.get(Le.U16, RegionHeaderDescriptor.VERSION_MINOR_OFFSET) & 0xffff)
                >= AbiVersion.MINOR_SENDER_LEFT;
        this.txRing = validated.layout().find(end, 0);
        this.rxRing = validated.layout().find(1 - end, 0);
        this.linkTx = txRing == null ? null : new RingProducer(region, txRing);
        this.linkRx = rxRing == null ? null : new RingConsumer(region, rxRing);
        this.fenceIn = new MemorySegment[] {fence(FenceFrameDescriptor.KIND_IN)};
        this.fenceOut = new MemorySegment[] {fence(FenceFrameDescriptor.KIND_OUT)};
        this.rolesLeft = new AtomicInteger((linkTx == null ? 0 : 1) + (linkRx == null ? 0 : 1));
    }

    private MemorySegment fence(int kind) {
        MemorySegment frame = fenceArena.allocate(FenceFrameDescriptor.SIZE, 8);
        FenceFrameDescriptor.write(frame, 0, linkId, generation, kind, end, 0);
        return frame;
    }

    /** The direction this port sends (its end). */
    int sendDirection() {
        return end;
    }

    /** The direction this port receives. */
    int receiveDirection() {
        return 1 - end;
    }

    boolean matches(long requestLinkId, long requestGeneration) {
        return linkId == requestLinkId && generation == requestGeneration;
    }

    /** Marks the link as left by force; true the first time (the port counts a forced revert once per link). */
    boolean markForced() {
        return forced.compareAndSet(false, true);
    }

    /** Marks one role finished; true when it was the last one. */
    boolean roleFinished() {
        return rolesLeft.decrementAndGet() == 0;
    }

    /** Whether every role finished. */
    boolean finished() {
        return rolesLeft.get() <= 0;
    }

    @Override
    public String toString() {
        return "LinkSession[linkId=" + linkId + ", generation=" + generation + ", end=" + end + ", path="
                + (mapping == null ? "scratch" : mapping.path()) + "]";
    }
}

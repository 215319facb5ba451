package org.ovshighway.guest.remap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.ovshighway.guest.DeviceSource;
import org.ovshighway.guest.abi.FenceFrameDescriptor;
import org.ovshighway.guest.abi.Le;
import org.ovshighway.guest.abi.LinkControl;
import org.ovshighway.guest.abi.PciAddress;
import org.ovshighway.guest.abi.PortControl;
import org.ovshighway.guest.abi.RegionFormatException;
import org.ovshighway.guest.abi.RegionKind;
import org.ovshighway.guest.abi.RegionValidator;
import org.ovshighway.guest.abi.RingCounters;
import org.ovshighway.guest.abi.RingLayout;
import org.ovshighway.guest.abi.ValidatedRegion;
import org.ovshighway.guest.mapping.MappedRegion;
import org.ovshighway.guest.mapping.NativeCallException;
import org.ovshighway.guest.mapping.ThreadCpuTime;
import org.ovshighway.guest.ring.RingProducer;

/**
 * The guest's side of the remap protocol for one ring port (docs/remap-protocol.md): follows the
 * agent's request word in the port region (ATTACH link L generation g / DETACH), maps the link
 * region when its device appears, and moves this port's transmit and receive sides onto the link
 * and back without loss, reordering or duplication.
 *
 * <p>Cost while nothing is pending: {@link #transmitVia} and {@link #receive} each do one acquire
 * load of the request word and compare it with the value their side last saw; the receive side
 * also checks the EtherType of each packet from the old RX rings for FENCE frames, which are
 * consumed and counted, never delivered.
 *
 * <p>Threads: the transmit side ({@link #transmitVia}) and the receive side ({@link #receive})
 * may run on two threads; each keeps its own phase. Mapping, acknowledging and unmapping happen
 * under a lock that bursts take with {@code tryLock} only: a side that finds it busy retries on its
 * next burst, so bursts never block. A link whose device the ATTACH names is taken up in three
 * steps on three bursts (map; validate; build its rings), each burst also carrying traffic on the
 * old path, or, when turned on, on the {@link LinkMapper} thread while both sides keep using the
 * old path until a burst finds it mapped. A side whose thread never calls in (an application that never
 * transmits on a two-way link) holds its role until the agent's deadline forces the revert.
 */
public final class PortRemap {
    // written off the data thread: the transitions it logs are where the data path must not stall
    private static final System.Logger LOG = DataThreadLog.named(PortRemap.class.getName());
    /** Least time between two scans of the device source while waiting for a link device. */
    public static final long DEFAULT_SCAN_INTERVAL_NANOS = 5_000_000L;
    /** Least time between two copies of an unacknowledged FENCE_IN. */
    public static final long DEFAULT_FENCE_REPEAT_NANOS = 1_000_000L;
    /**
     * How long a receiver whose revert was forced before it saw FENCE_IN, and whose sender has left
     * the link, keeps looking for that FENCE_IN on its old RX rings (it may still be crossing the
     * switch) before it drops what the sender put on the link.
     */
    public static final long FORCED_FENCE_GRACE_NANOS = 20_000_000L;
    /** A request word no region holds: forces the first burst of each side through the slow path. */
    private static final long UNSEEN = -1;

    private final String portName;
    private final MemorySegment portRegion;
    private final Path portPath;
    private final DeviceSource source;
    private final int portTxBufferSize;
    private final LongSupplier clock;
    private final long scanIntervalNanos;
    private final long fenceRepeatNanos;
    /**
     * Mapping, acknowledging and unmapping; taken only with tryLock from a burst (the
     * {@link LinkMapper} thread and {@link #close} may wait for it).
     */
    private final ReentrantLock slow = new ReentrantLock();
    /** Whether links are mapped on the {@link LinkMapper} thread rather than on a burst. */
    private final boolean mapOffDataPath;
    /** A mapping task of this port is queued or running on the mapper thread. */
    private final AtomicBoolean mapQueued = new AtomicBoolean();
    /** No mapping task is queued before this (the scan interval after a scan that found nothing). */
    private volatile long nextMapTask;
    /** Guarded by slow: the port closed; nothing is mapped any more. */
    private boolean closed;
    /** The link this port is on, or null; written under {@link #slow}. */
    private volatile LinkSession session;
    /** Guarded by slow: how long the last candidate took to map and to validate (for the mapped log line). */
    private long lastMapNanos;
    private long lastValidateNanos;
    private long lastMapSystemCallNanos;
    /** Guarded by slow: when the device source was last scanned, and the request word last acknowledged. */
    private long lastScan = Long.MIN_VALUE;
    private long acknowledgedWord = UNSEEN;
    /** Guarded by slow: the ATTACH request word being looked for, and when this port first saw it (for the log). */
    private long attachWord = UNSEEN;
    private long attachSeenAt;
    /**
     * The device an ATTACH names, being taken up one step per burst, or null; written under slow,
     * read without it only to see whether a withdrawn ATTACH left one to unmap.
     */
    private volatile LinkCandidate pending;
    /** Guarded by slow: traffic of links already unmapped (tx packets, tx bytes, rx packets, rx bytes). */
    private final long[] finishedLinkTraffic = new long[4];

    /**
     * The "mapped" log line of the link just mapped, written once this port's traffic is on the link
     * or the link ended ({@link #logMapped}): formatted on the burst that mapped, it held back the
     * sender's first frames on the link by as long as logging takes (a millisecond while cold).
     */
    private final AtomicReference<Supplier<String>> mappedLog = new AtomicReference<>();
    private final AtomicLong linksMapped = new AtomicLong();
    private final AtomicLong linksFinished = new AtomicLong();
    private final AtomicLong fencesSent = new AtomicLong();
    private final AtomicLong fencesConsumed = new AtomicLong();
    private final AtomicLong staleFences = new AtomicLong();
    private final AtomicLong forcedReverts = new AtomicLong();
    private final AtomicLong forcedDropped = new AtomicLong();
    private final AtomicLong rejectedRegions = new AtomicLong();
    /** Times the receiving side moved from the old RX rings onto a link or back (receive thread writes). */
    private final AtomicLong receiverSwitches = new AtomicLong();

    // transmit side (its thread only)
    private long txSeenWord = UNSEEN;
    private boolean txSettled;
    private LinkSession txSession;
    private SenderPhase txPhase = SenderPhase.OLD;
    private boolean txFenceAcked;
    private long txNextFence;
    /** Transmit side: clock at the burst that put FENCE_IN on the old ring and its frames on the link. */
    private long txOntoLinkAt;
    private int txFenceCopies;

    // receive side (its thread only)
    private long rxSeenWord = UNSEEN;
    private boolean rxSettled;
    private LinkSession rxSession;
    private ReceiverPhase rxPhase = ReceiverPhase.OLD;
    private boolean rxForced;
    /** SEEKING_FENCE: when the grace for FENCE_IN ends, once the sender was seen to have left; 0 = not started. */
    private long rxSeekDeadline;
    private int rxBursts;
    /** Frames the last take from the old rings removed from them, FENCE frames included. */
    private int oldTaken;
    private final long[] dropOffsets = new long[32];
    private final int[] dropLengths = new int[32];
    private MemorySegment rxRegion = MemorySegment.NULL;

    /**
     * @param portName         the port (a link region names it as one of its ends)
     * @param portRegion       the mapped PORT region (request word, acknowledgement)
     * @param portPath         its path (never taken for a link)
     * @param source           where link devices appear
     * @param portTxBufferSize the port's transmit buffer size: a link whose ring buffers are smaller
     *                         is refused (the application may send frames that large)
     * @param clock            nanosecond clock (System::nanoTime; tests pass their own)
     */
    public PortRemap(String portName, MemorySegment portRegion, Path portPath, DeviceSource source,
                     int portTxBufferSize, LongSupplier clock) {
        this(portName, portRegion, portPath, source, portTxBufferSize, clock, DEFAULT_SCAN_INTERVAL_NANOS,
                DEFAULT_FENCE_REPEAT_NANOS);
    }

    public PortRemap(String portName, MemorySegment portRegion, Path portPath, DeviceSource source,
                     int portTxBufferSize, LongSupplier clock, long scanIntervalNanos, long fenceRepeatNanos) {
        this.portName = Objects.requireNonNull(portName, "portName");
        this.portRegion = Objects.requireNonNull(portRegion, "portRegion");
        this.portPath = portPath;
        this.source = Objects.requireNonNull(source, "source");
        this.portTxBufferSize = portTxBufferSize;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scanIntervalNanos = scanIntervalNanos;
        this.fenceRepeatNanos = fenceRepeatNanos;
        this.mapOffDataPath = LinkMapper.enabled();
        this.nextMapTask = clock.getAsLong();
        RemapWarmup.startOnce(portPath);
    }

    // ------------------------------------------------------------------ transmit side

    /**
     * Transmit side, once per burst: the producer this burst must use, {@code old} (the port's own
     * TX ring, null when it is not served) or the link's. May be null: then the burst sends nothing.
     */
    public RingProducer transmitVia(RingProducer old) {
        // pairs with the agent's release store in PortControl.publishRequest
        long word = PortControl.acquireRequestWord(portRegion);
        if (word == txSeenWord && txSettled) {
            return txPhase == SenderPhase.ON_LINK ? txSession.linkTx : old;
        }
        return transmitSlow(word, old);
    }

    private RingProducer transmitSlow(long word, RingProducer old) {
        txSeenWord = word;
        txSettled = false;
        PortControl.Request request = PortControl.readRequest(portRegion);
        if (request == null) {
            return txPhase.sendsOnLink() ? txSession.linkTx : old;  // the agent is writing: retry next burst
        }
        boolean idleDone = session != null || handleWithoutSession(request);
        LinkSession s = session;
        if (s != txSession) {
            txSession = s;
            txPhase = s == null || s.linkTx == null ? SenderPhase.OLD : SenderPhase.MAPPED;
            txFenceAcked = false;
            txFenceCopies = 0;
        }
        if (s != null) {
            stepSender(s, request, old);
        }
        txSettled = idleDone && (txPhase == SenderPhase.ON_LINK
                || ((txPhase == SenderPhase.OLD || txPhase == SenderPhase.DONE) && !finishPending(s)));
        return txPhase.sendsOnLink() ? txSession.linkTx : old;
    }

    private void stepSender(LinkSession s, PortControl.Request request, RingProducer old) {
        boolean revert = !wantsAttached(request, s);
        int direction = s.sendDirection();
        switch (txPhase) {
            case OLD, DONE -> tryFinish(s);
            case MAPPED -> {
                if (revert) {
                    // rolled back (or forced) before this side left the old ring: nothing on the link
                    finishSender(s, false);
                } else if (LinkControl.acquireUsable(s.region) == s.generation && old != null
                        && placeFence(old, s.fenceIn)) {
                    // pairs with the agent's release of usable: both ends mapped
                    txPhase = SenderPhase.FENCING;
                    txOntoLinkAt = clock.getAsLong();
                    txNextFence = txOntoLinkAt + fenceRepeatNanos;
                }
            }
            case FENCING, ON_LINK, REVERTING -> {
                if (LinkControl.acquireUsable(s.region) != s.generation) {
                    // the agent forced the revert: leave the link without a FENCE_OUT
                    finishSender(s, true);
                    return;
                }
                if (!txFenceAcked) {
                    // pairs with the receiver's release in LinkControl.releaseFenceAck
                    txFenceAcked = LinkControl.acquireFenceAck(s.region, direction) >= FenceFrameDescriptor.SEQUENCE_IN;
                    if (!txFenceAcked && old != null && clock.getAsLong() - txNextFence >= 0 && placeFence(old, s.fenceIn)) {
                        // OVS may have dropped it (full ring): repeat until acknowledged
                        txNextFence = clock.getAsLong() + fenceRepeatNanos;
                    }
                }
                if (!revert) {
                    if (txFenceAcked && txPhase == SenderPhase.FENCING) {
                        logMapped();
                        long onto = txOntoLinkAt;
                        // onto_link_nanos: System.nanoTime (CLOCK_MONOTONIC) of the burst whose frames were the
                        // first on the link, for benchmarks that line it up with their own clock readings
                        LOG.log(System.Logger.Level.INFO, () -> "port=" + portName + " sender on link " + s
                                + " onto_link_nanos=" + onto + " fence_acked_us=" + (clock.getAsLong() - onto) / 1000);
                    }
                    txPhase = txFenceAcked ? SenderPhase.ON_LINK : SenderPhase.FENCING;
                    return;
                }
                txPhase = SenderPhase.REVERTING;
                // pairs with the receiver's release in LinkControl.releaseRevertReady: it no longer reads its old RX ring
                if (txFenceAcked && LinkControl.acquireRevertReady(s.region, direction) == s.generation
                        && placeFence(s.linkTx, s.fenceOut)) {
                    s.fenceOutSent = 1;
                    finishSender(s, false);
                }
            }
        }
    }

    private boolean placeFence(RingProducer ring, MemorySegment[] fence) {
        if (ring.freeSlots(1) < 1) {
            return false;
        }
        fence[0].set(Le.U32_UNALIGNED, FenceFrameDescriptor.COPY_OFFSET, txFenceCopies);
        if (ring.send(fence, 1) != 1) {
            return false;
        }
        txFenceCopies++;
        fencesSent.incrementAndGet();
        return true;
    }

    private void finishSender(LinkSession s, boolean forced) {
        txPhase = SenderPhase.DONE;
        if (forced && s.hasSenderLeftWords && s.txRing != null
                && LinkControl.acquireReceiverGone(s.region, s.sendDirection()) == s.generation) {
            // the receiver gave up on this link (the agent moved it on) before this side's last bursts: what
            // it did not consume never will be; counted here, as the receiver counted what it drained
            RingCounters c = RingCounters.read(s.region, s.txRing);
            long lost = Math.max(0, c.producedPackets() - c.consumedPackets());
            if (lost != 0) {
                forcedDropped.addAndGet(lost);
                LOG.log(System.Logger.Level.WARNING, () -> "port=" + portName + " published " + lost + " frames on forced"
                        + " link " + s + " after its receiver left it; they are dropped");
            }
        }
        if (s.hasSenderLeftWords) {
            // pairs with the receiver's acquireSenderLeft: every frame this side published on the link
            // (on this thread, in earlier bursts) is visible to a receiver that sees this store
            LinkControl.releaseSenderLeft(s.region, s.sendDirection(), s.generation);
        }
        if (forced && s.markForced()) {
            forcedReverts.incrementAndGet();
        }
        logMapped();
        long left = clock.getAsLong();
        // left_nanos: the clock (System.nanoTime in a guest) of the burst that left the link, for benchmarks
        LOG.log(System.Logger.Level.INFO, () -> "port=" + portName + " sender left link " + s + " forced=" + forced
                + " left_nanos=" + left);
        if (s.roleFinished()) {
            tryFinish(s);
        }
    }

    // ------------------------------------------------------------------ receive side

    /**
     * Receive side, once per burst: receives up to {@code max} packets from where the protocol
     * says (old RX rings, link ring), consumes FENCE frames, and returns how many packets are in
     * {@code offsets}/{@code lengths}, relative to {@link #receivedRegion()}.
     */
    public int receive(long[] offsets, int[] lengths, int max, OldReceivePath old) {
        boolean observed = rxPhase == ReceiverPhase.WAITING_FENCE || rxPhase == ReceiverPhase.OLD
                || rxPhase == ReceiverPhase.DONE;
        if (observed) {
            // before the request word: the old rings then hold no frame a sender sent after leaving a
            // forced link (it leaves only after the agent published DETACH, which the load below sees),
            // also when this burst finds the link just mapped and its FENCE_IN among them
            old.observe();
        }
        // pairs with the agent's release store in PortControl.publishRequest
        long word = PortControl.acquireRequestWord(portRegion);
        if (word != rxSeenWord || !rxSettled) {
            receiveSlow(word);
        }
        return switch (rxPhase) {
            case ON_LINK -> receiveOnLink(offsets, lengths, max, old);
            case DRAINING -> drainLink(offsets, lengths, max, old);
            case SEEKING_FENCE -> seekFence(offsets, lengths, max, old);
            case RELEASING -> {
                LinkSession s = rxSession;
                s.linkRx.release();
                finishReceiver(s, rxForced);
                yield receiveOld(offsets, lengths, max, old);
            }
            default -> observed ? receiveOldObserved(offsets, lengths, max, old) : receiveOld(offsets, lengths, max, old);
        };
    }

    /**
     * Receive side: hands the link buffers of the last burst back now (GuestPort.rxRelease); the
     * old rings' buffers are the caller's to refill.
     */
    public void releaseLink() {
        if ((rxPhase == ReceiverPhase.ON_LINK || rxPhase == ReceiverPhase.DRAINING || rxPhase == ReceiverPhase.RELEASING
                || rxPhase == ReceiverPhase.SEEKING_FENCE) && rxRegion == rxSession.region) {
            rxSession.linkRx.release();
        }
    }

    /** The segment the offsets of the last {@link #receive} are relative to. */
    public MemorySegment receivedRegion() {
        return rxRegion;
    }

    private void receiveSlow(long word) {
        rxSeenWord = word;
        rxSettled = false;
        PortControl.Request request = PortControl.readRequest(portRegion);
        if (request == null) {
            return;
        }
        boolean idleDone = session != null || handleWithoutSession(request);
        LinkSession s = session;
        if (s != rxSession && (rxPhase == ReceiverPhase.OLD || rxPhase == ReceiverPhase.DONE)) {
            rxSession = s;
            rxPhase = s == null || s.linkRx == null ? ReceiverPhase.OLD : ReceiverPhase.WAITING_FENCE;
            rxForced = false;
        }
        if (s != null && s == rxSession) {
            stepReceiver(s, request);
        }
        rxSettled = idleDone && (rxPhase == ReceiverPhase.ON_LINK
                || ((rxPhase == ReceiverPhase.OLD || rxPhase == ReceiverPhase.DONE) && !finishPending(s)));
    }

    private void stepReceiver(LinkSession s, PortControl.Request request) {
        boolean revert = !wantsAttached(request, s);
        switch (rxPhase) {
            case OLD, DONE -> tryFinish(s);
            case WAITING_FENCE -> {
                // the agent reverts only links whose fences were acknowledged: a revert seen here is a
                // rollback (usable never set: nothing can be on the link) or a forced revert
                long usable = LinkControl.acquireUsable(s.region);
                if (revert && usable != s.generation) {
                    if (usable == LinkControl.USABLE_FORCED && s.hasSenderLeftWords) {
                        // the sender may have put frames on the link after its FENCE_IN: find that fence first
                        rxPhase = ReceiverPhase.SEEKING_FENCE;
                        rxForced = true;
                        rxSeekDeadline = 0;
                    } else {
                        finishReceiver(s, false);
                    }
                }
            }
            case ON_LINK -> {
                if (revert) {
                    rxPhase = ReceiverPhase.DRAINING;
                    // from now on the old RX ring is not read until FENCE_OUT: the sender's next frames on
                    // its old TX ring cannot overtake those still on the link
                    LinkControl.releaseRevertReady(s.region, s.receiveDirection(), s.generation);
                }
            }
            case DRAINING -> {
                rxForced = LinkControl.acquireUsable(s.region) != s.generation;
                if (rxForced && movedOn(request, s)) {
                    abandon(s);
                }
            }
            case SEEKING_FENCE -> {
                if (movedOn(request, s)) {
                    abandon(s);
                }
            }
            case RELEASING -> {
            }
        }
    }

    private int receiveOnLink(long[] offsets, int[] lengths, int max, OldReceivePath old) {
        LinkSession s = rxSession;
        // the link first; every 64th burst the old rings first, so PACKET_OUTs and stale fences are
        // never starved by a busy link
        if ((++rxBursts & 63) != 0) {
            int n = s.linkRx.receive(offsets, lengths, max);
            if (n != 0) {
                rxRegion = s.region;
                return n;
            }
            return receiveOldWhileOnLink(offsets, lengths, max, old);
        }
        int n = receiveOldWhileOnLink(offsets, lengths, max, old);
        if (n != 0) {
            return n;
        }
        rxRegion = s.region;
        return s.linkRx.receive(offsets, lengths, max);
    }

    /**
     * ON_LINK's look at the old rings: observe them, then check that the request word is still the
     * one this burst acted on, then take only what was observed. A frame the sender sent on its old
     * ring after leaving a forced link can only be there if the agent published DETACH before it,
     * and then the load sees the change and the burst leaves the old rings alone: the frames still
     * on the link are delivered first (DRAINING).
     */
    private int receiveOldWhileOnLink(long[] offsets, int[] lengths, int max, OldReceivePath old) {
        old.observe();
        // pairs with the agent's release store in PortControl.publishRequest (see above)
        if (PortControl.acquireRequestWord(portRegion) != rxSeenWord) {
            rxSettled = false;
            return 0;
        }
        return receiveOldObserved(offsets, lengths, max, old);
    }

    private int drainLink(long[] offsets, int[] lengths, int max, OldReceivePath old) {
        LinkSession s = rxSession;
        MemorySegment link = s.region;
        boolean waitsForSender = rxForced && s.hasSenderLeftWords;
        boolean senderLeft = false;
        if (waitsForSender) {
            // observe before the acquire: what the old rings hold now was there before the sender left
            old.observe();
            senderLeft = senderLeft(s);
        }
        rxRegion = link;
        int n = s.linkRx.receive(offsets, lengths, max);
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (FenceFrameDescriptor.isFence(link, offsets[i], lengths[i])) {
                if (FenceFrameDescriptor.matches(link, offsets[i], s.linkId, s.generation,
                        FenceFrameDescriptor.KIND_OUT, s.receiveDirection())) {
                    fencesConsumed.incrementAndGet();
                    // pairs with nothing the sender waits on; the agent reads it when the link ends
                    LinkControl.releaseFenceAck(s.region, s.receiveDirection(), FenceFrameDescriptor.SEQUENCE_OUT);
                    s.fenceOutReceived = 1;
                    rxPhase = ReceiverPhase.RELEASING;
                } else {
                    staleFences.incrementAndGet();
                }
                continue;
            }
            offsets[kept] = offsets[i];
            lengths[kept] = lengths[i];
            kept++;
        }
        if (n == 0 && rxForced && rxPhase == ReceiverPhase.DRAINING) {
            if (!waitsForSender || senderLeft) {
                // forced, and the sender has left: what it put on the link has been delivered
                rxPhase = ReceiverPhase.RELEASING;
            } else {
                // the sender (stopped?) may still publish the burst it was in: keep the link, and take
                // from the old rings only what was there before it could have left
                return receiveOldObserved(offsets, lengths, max, old);
            }
        }
        return kept;
    }

    /**
     * SEEKING_FENCE: forced before FENCE_IN was consumed. Old-ring frames up to the sender's
     * FENCE_IN are delivered, then the link's frames (DRAINING), then the old rings again. While
     * the sender has not left, whatever the old rings held before that check may go at once (none
     * of it can be the sender's frames from after the link); after it left, one frame per burst,
     * so nothing behind its FENCE_IN overtakes the link. No FENCE_IN within the grace (the switch
     * dropped every copy): the link's frames are dropped and counted, never delivered late.
     */
    private int seekFence(long[] offsets, int[] lengths, int max, OldReceivePath old) {
        LinkSession s = rxSession;
        old.observe();
        boolean left = senderLeft(s);
        if (left && s.linkRx.isEmpty()) {
            // nothing on the link to put in order
            rxPhase = ReceiverPhase.RELEASING;
            return receiveOldObserved(offsets, lengths, max, old);
        }
        int n = receiveOldObserved(offsets, lengths, left ? 1 : max, old);
        if (rxPhase != ReceiverPhase.SEEKING_FENCE || !left || oldTaken != 0) {
            return n;
        }
        // the old rings are empty: the grace is for a FENCE_IN still crossing the switch
        long now = clock.getAsLong();
        if (rxSeekDeadline == 0) {
            rxSeekDeadline = now + FORCED_FENCE_GRACE_NANOS;
        } else if (now - rxSeekDeadline >= 0) {
            abandon(s);
        }
        return 0;
    }

    private static boolean senderLeft(LinkSession s) {
        // pairs with the sender's release in LinkControl.releaseSenderLeft
        return LinkControl.acquireSenderLeft(s.region, s.receiveDirection()) == s.generation;
    }

    /** Whether the agent asks this port for another link (it gave up on {@code s}). */
    private static boolean movedOn(PortControl.Request request, LinkSession s) {
        return request.opcode() == PortControl.OP_ATTACH && !s.matches(request.linkId(), request.generation());
    }

    /**
     * Leaves a forced link without waiting for its sender any longer: what is on the link now
     * is dropped and counted; the sender's later frames there are never read.
     */
    private void abandon(LinkSession s) {
        long dropped = 0;
        for (int n = s.linkRx.receive(dropOffsets, dropLengths, dropOffsets.length); n != 0;
             n = s.linkRx.receive(dropOffsets, dropLengths, dropOffsets.length)) {
            for (int i = 0; i < n; i++) {
                if (!FenceFrameDescriptor.isFence(s.region, dropOffsets[i], dropLengths[i])) {
                    dropped++;
                }
            }
        }
        if (dropped != 0) {
            forcedDropped.addAndGet(dropped);
            long count = dropped;
            LOG.log(System.Logger.Level.WARNING, () -> "port=" + portName + " dropped " + count
                    + " frames left on forced link " + s + " (their FENCE_IN never arrived, or the sender never left)");
        }
        // pairs with the sender's acquire in finishSender: what it published after this drain is its to count
        LinkControl.releaseReceiverGone(s.region, s.receiveDirection(), s.generation);
        rxRegion = MemorySegment.NULL;
        rxPhase = ReceiverPhase.RELEASING;
    }

    private int receiveOld(long[] offsets, int[] lengths, int max, OldReceivePath old) {
        return fromOldRings(offsets, lengths, old.receive(offsets, lengths, max), old);
    }

    /** Old rings, only what their last observe() saw (see drainLink and seekFence). */
    private int receiveOldObserved(long[] offsets, int[] lengths, int max, OldReceivePath old) {
        return fromOldRings(offsets, lengths, old.receiveObserved(offsets, lengths, max), old);
    }

    /** The {@code n} packets just received from the old rings, FENCE frames consumed and left out. */
    private int fromOldRings(long[] offsets, int[] lengths, int n, OldReceivePath old) {
        oldTaken = n;
        MemorySegment region = old.region();
        rxRegion = region;
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (FenceFrameDescriptor.isFence(region, offsets[i], lengths[i])) {
                consumeOldRingFence(region, offsets[i]);
                continue;
            }
            if (kept != i) {
                offsets[kept] = offsets[i];
                lengths[kept] = lengths[i];
            }
            kept++;
        }
        return kept;
    }

    private void consumeOldRingFence(MemorySegment region, long offset) {
        LinkSession current = session;
        if ((rxPhase == ReceiverPhase.OLD || rxPhase == ReceiverPhase.DONE) && current != null && current != rxSession
                && current.linkRx != null) {
            // the port's other side mapped a new link since this burst began: its FENCE_IN is the awaited one
            rxSession = current;
            rxPhase = ReceiverPhase.WAITING_FENCE;
            rxForced = false;
            rxSettled = false;
        }
        LinkSession s = rxSession;
        boolean awaited = rxPhase == ReceiverPhase.WAITING_FENCE || rxPhase == ReceiverPhase.SEEKING_FENCE;
        if (awaited && FenceFrameDescriptor.matches(region, offset, s.linkId,
                s.generation, FenceFrameDescriptor.KIND_IN, s.receiveDirection())) {
            fencesConsumed.incrementAndGet();
            // pairs with the sender's acquire in stepSender: it may stop repeating the fence
            LinkControl.releaseFenceAck(s.region, s.receiveDirection(), FenceFrameDescriptor.SEQUENCE_IN);
            if (rxPhase == ReceiverPhase.SEEKING_FENCE) {
                // forced: the link's frames come next, then the old rings again
                rxPhase = ReceiverPhase.DRAINING;
                LOG.log(System.Logger.Level.INFO, () -> "port=" + portName + " found FENCE_IN of forced link " + s
                        + ", draining it");
                return;
            }
            rxPhase = ReceiverPhase.ON_LINK;
            rxSettled = false;
            receiverSwitches.incrementAndGet();
            logMapped();
            long on = clock.getAsLong();
            LOG.log(System.Logger.Level.INFO, () -> "port=" + portName + " receiver on link " + s + " on_nanos=" + on);
        } else {
            staleFences.incrementAndGet();
        }
    }

    private void finishReceiver(LinkSession s, boolean forced) {
        rxPhase = ReceiverPhase.DONE;
        rxSettled = false;
        receiverSwitches.incrementAndGet();
        if (forced && s.markForced()) {
            forcedReverts.incrementAndGet();
        }
        logMapped();
        long left = clock.getAsLong();
        LOG.log(System.Logger.Level.INFO, () -> "port=" + portName + " receiver left link " + s + " forced=" + forced
                + " left_nanos=" + left);
        if (s.roleFinished()) {
            tryFinish(s);
        }
    }

    // ------------------------------------------------------------------ mapping, acknowledging, unmapping

    private static boolean wantsAttached(PortControl.Request request, LinkSession s) {
        return request.opcode() == PortControl.OP_ATTACH && s.matches(request.linkId(), request.generation());
    }

    private boolean finishPending(LinkSession s) {
        return s != null && s == session && s.finished();
    }

    /**
     * With no session: maps the requested link (rate-limited scan) or acknowledges a DETACH.
     * Returns whether nothing is left to do for this request.
     */
    private boolean handleWithoutSession(PortControl.Request request) {
        if (request.opcode() == PortControl.OP_NONE && pending == null) {
            return true;
        }
        if (request.opcode() == PortControl.OP_ATTACH && mapOffDataPath) {
            // the burst goes on on the old path; the next one that finds the session mapped takes it up
            queueMapping();
            return session != null;
        }
        if (!slow.tryLock()) {
            return false;
        }
        try {
            if (session != null) {
                return true;
            }
            if (request.opcode() == PortControl.OP_ATTACH) {
                return tryMap(request, true);
            }
            // a link half taken up whose ATTACH was withdrawn (rollback): unmap it now, not at close
            abandonPending();
            if (request.opcode() == PortControl.OP_NONE) {
                return true;
            }
            if (acknowledgedWord != request.word()) {
                long status = request.opcode() == PortControl.OP_DETACH ? PortControl.STATUS_DONE : PortControl.STATUS_FAILED;
                PortControl.acknowledge(portRegion, request.word(), status);
                acknowledgedWord = request.word();
                if (status == PortControl.STATUS_FAILED) {
                    LOG.log(System.Logger.Level.WARNING, () -> "port=" + portName + " unknown request opcode="
                            + request.opcode() + " word=0x" + Long.toHexString(request.word()));
                }
            }
            return true;
        } finally {
            slow.unlock();
        }
    }

    /** Queues this port's mapping task unless one is queued, or the scan interval has not passed. */
    private void queueMapping() {
        if (session != null || clock.getAsLong() - nextMapTask < 0 || !mapQueued.compareAndSet(false, true)) {
            return;
        }
        LinkMapper.submit(this::mapOnMapperThread);
    }

    /** On the mapper thread: maps the link the request word asks for now, if it still does. */
    private void mapOnMapperThread() {
        slow.lock();
        try {
            PortControl.Request request = PortControl.readRequest(portRegion);
            if (closed || session != null || request == null || request.opcode() != PortControl.OP_ATTACH) {
                return;
            }
            if (!tryMap(request, false)) {
                // not there yet (device not published or hot-plugged): look again after the interval
                nextMapTask = lastScan + scanIntervalNanos;
            }
        } finally {
            slow.unlock();
            mapQueued.set(false);
        }
    }

    /**
     * Under slow: takes up the link the ATTACH asks for. A device the ATTACH names (ABI 1.4) is
     * taken up in {@link LinkCandidate} steps: on a burst ({@code stepped}) one step per call, so
     * that the bursts between them keep sending and receiving on the old path; on the mapper thread
     * all at once. Without an address, or when the named device is not the link, the device source
     * is listed and its candidates tried at once, at most once per scan interval. Returns whether
     * the link is mapped (mapped[end] set and the request acknowledged).
     */
    private boolean tryMap(PortControl.Request request, boolean stepped) {
        long now = clock.getAsLong();
        if (attachWord != request.word()) {
            attachWord = request.word();
            attachSeenAt = now;
        }
        LinkCandidate named = pending;
        if (named != null && named.word != request.word()) {
            abandonPending();
            named = null;
        }
        if (named == null) {
            if (lastScan != Long.MIN_VALUE && now - lastScan < scanIntervalNanos) {
                return false;
            }
            lastScan = now;
            PciAddress address = request.deviceAddress();
            Path hinted = address == null ? null : source.device(address);
            if (hinted == null || hinted.equals(portPath)) {
                return scan(request, now, null);
            }
            named = new LinkCandidate(request.word(), hinted, now);
            pending = named;
        }
        LinkCandidate.Step step;
        do {
            long cpuBefore = threadCpu();
            step = advance(named, request);
            named.addCpu(cpuBefore, threadCpu());
        } while (step == LinkCandidate.Step.GOING_ON && !stepped);
        if (step == LinkCandidate.Step.GOING_ON) {
            return false;
        }
        pending = null;
        if (step == LinkCandidate.Step.FOUND) {
            publishMapped(request, named.session(), named.startedAt, named.startedAt, true, named.cpuNanos(), named.calls());
            return true;
        }
        // the named device is not this link (a stale or wrong address): look through all of them
        return scan(request, named.startedAt, named.path);
    }

    /** Under slow: lists the device source and tries each candidate but {@code skip} at once. */
    private boolean scan(PortControl.Request request, long startedAt, Path skip) {
        long cpuBefore = threadCpu();
        List<Path> candidates;
        try {
            candidates = source.candidates();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "port=" + portName + " cannot list source=" + source + ": " + e);
            return false;
        }
        long listed = clock.getAsLong();
        for (Path path : candidates) {
            if (path.equals(portPath) || path.equals(skip)) {
                continue;
            }
            LinkCandidate candidate = new LinkCandidate(request.word(), path, listed);
            LinkCandidate.Step step;
            do {
                step = advance(candidate, request);
            } while (step == LinkCandidate.Step.GOING_ON);
            if (step == LinkCandidate.Step.FOUND) {
                long cpuAfter = threadCpu();
                publishMapped(request, candidate.session(), startedAt, listed, false,
                        cpuBefore < 0 || cpuAfter < 0 ? -1 : cpuAfter - cpuBefore, 1);
                return true;
            }
        }
        return false;
    }

    /** Under slow: drops a link being taken up in steps (its request changed, or the port closes). */
    private void abandonPending() {
        LinkCandidate named = pending;
        if (named != null) {
            pending = null;
            named.abandon();
        }
    }

    /**
     * Under slow: makes {@code found} this port's session, tells the agent (mapped[end], the
     * acknowledgement) and prepares the "mapped" log line.
     */
    private void publishMapped(PortControl.Request request, LinkSession found, long startedAt, long listed,
                               boolean byAddress, long cpuNanos, int calls) {
        // the bursts may take it up from here (they act on it only once the agent set usable); set
        // before mapped[end] so that whoever sees mapped also finds the session
        session = found;
        // pairs with the agent's acquire of mapped[end]: the ring objects exist, the region is validated
        LinkControl.releaseMapped(found.region, found.end, found.generation);
        PortControl.acknowledge(portRegion, request.word(), PortControl.STATUS_DONE);
        acknowledgedWord = request.word();
        linksMapped.incrementAndGet();
        long mapped = clock.getAsLong();
        String cpu = cpuNanos < 0 ? "na" : Long.toString(cpuNanos / 1000);
        long listUs = (listed - startedAt) / 1000;
        long mapUs = lastMapNanos / 1000;
        long validateUs = lastValidateNanos / 1000;
        long syscallsUs = lastMapSystemCallNanos / 1000;
        long seenAt = attachSeenAt;
        // scan_us: this attempt (list when needed, map, validate), of which list_us listing the source
        // (0: the ATTACH named the device, by_address=true); since_request_us: from the first look at
        // the ATTACH request (device arrival and scan interval included); map_us and validate_us: the
        // mapping (open, fstat, mmap, close) and validation of the region found, map_syscalls_us the
        // part of map_us inside those four system calls (the kernel's); cpu_us: this thread's
        // CPU in the attempt (the rest of scan_us it waited for a CPU or, with steps > 1, carried
        // bursts on the old path between the steps)
        mappedLog.set(() -> "port=" + portName + " mapped " + found + " scan_us=" + (mapped - startedAt) / 1000
                + " list_us=" + listUs + " by_address=" + byAddress + " steps=" + calls + " since_request_us="
                + (mapped - seenAt) / 1000 + " map_us=" + mapUs + " map_syscalls_us=" + syscallsUs + " validate_us="
                + validateUs + " cpu_us=" + cpu);
    }

    /** This thread's CPU time, -1 where the kernel cannot tell (the log line then says na). */
    private static long threadCpu() {
        try {
            return ThreadCpuTime.nanos();
        } catch (NativeCallException | RuntimeException e) {
            return -1;
        }
    }

    /** Writes the pending "mapped" line, once (either side's thread). */
    private void logMapped() {
        Supplier<String> line = mappedLog.getAndSet(null);
        if (line != null) {
            LOG.log(System.Logger.Level.INFO, line);
        }
    }

    /**
     * Under slow: the next step of taking up {@code c}: map it, then validate it and check that it
     * is this link with a ring for this port, then build the session (ring objects, fence frames).
     */
    private LinkCandidate.Step advance(LinkCandidate c, PortControl.Request request) {
        long started = clock.getAsLong();
        if (c.mapping == null) {
            try {
                c.mapping = MappedRegion.map(c.path);
            } catch (IOException | RuntimeException e) {
                return LinkCandidate.Step.NOT_THIS;
            }
            lastMapNanos = clock.getAsLong() - started;
            lastMapSystemCallNanos = c.mapping.systemCallNanos();
            return LinkCandidate.Step.GOING_ON;
        }
        if (c.validated == null) {
            ValidatedRegion validated;
            try {
                validated = RegionValidator.validate(c.mapping.segment());
            } catch (RegionFormatException e) {
                rejectedRegions.incrementAndGet();
                LOG.log(System.Logger.Level.DEBUG, () -> "port=" + portName + " passes over path=" + c.path + ": "
                        + e.getMessage());
                c.abandon();
                return LinkCandidate.Step.NOT_THIS;
            }
            lastValidateNanos = clock.getAsLong() - started;
            var id = validated.identity();
            if (id.kind() != RegionKind.LINK || id.linkId() != request.linkId()
                    || id.generation() != request.generation() || id.endOf(portName) < 0) {
                c.abandon();
                return LinkCandidate.Step.NOT_THIS;   // another region: not an error
            }
            int end = id.endOf(portName);
            RingLayout tx = validated.layout().find(end, 0);
            RingLayout rx = validated.layout().find(1 - end, 0);
            if ((tx == null && rx == null) || (tx != null && tx.bufferSize() < portTxBufferSize)) {
                rejectedRegions.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, () -> "port=" + portName + " refuses link path=" + c.path
                        + " linkId=" + id.linkId() + " end=" + end + " (no ring for this end, or buffers smaller than"
                        + " the port's bufferSize=" + portTxBufferSize + ")");
                c.abandon();
                return LinkCandidate.Step.NOT_THIS;
            }
            c.validated = validated;
            c.end = end;
            return LinkCandidate.Step.GOING_ON;
        }
        c.found(new LinkSession(c.mapping, c.validated, c.end));
        return LinkCandidate.Step.FOUND;
    }

    /** Unmaps {@code s} once every role finished; retried by the sides' next slow paths if busy. */
    private void tryFinish(LinkSession s) {
        if (s != session || !s.finished() || !slow.tryLock()) {
            return;
        }
        try {
            if (s != session) {
                return;
            }
            // pairs with the agent's acquire of mapped[end]: this port no longer touches the link
            LinkControl.releaseMapped(s.region, s.end, 0);
            PortControl.Request request = PortControl.readRequest(portRegion);
            if (request != null && !wantsAttached(request, s) && request.opcode() != PortControl.OP_ATTACH) {
                PortControl.acknowledge(portRegion, request.word(), PortControl.STATUS_DONE);
                acknowledgedWord = request.word();
            }
            long[] last = linkTraffic(s);
            for (int i = 0; i < last.length; i++) {
                finishedLinkTraffic[i] += last[i];
            }
            session = null;
            s.mapping.close();
            linksFinished.incrementAndGet();
            logMapped();
            LOG.log(System.Logger.Level.INFO, () -> "port=" + portName + " unmapped " + s);
        } finally {
            slow.unlock();
        }
    }

    /**
     * Traffic this port carried on links, FENCE frames left out: {tx packets, tx bytes, rx packets,
     * rx bytes}, links already finished plus the one mapped now (its counters in shared memory, at
     * most one burst behind). Any thread; takes the mapping lock briefly (never called per burst).
     */
    public long[] linkTraffic() {
        slow.lock();
        try {
            long[] sum = finishedLinkTraffic.clone();
            LinkSession s = session;
            if (s != null) {
                long[] live = linkTraffic(s);
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += live[i];
                }
            }
            return sum;
        } finally {
            slow.unlock();
        }
    }

    /** Under slow, with {@code s} mapped. */
    private static long[] linkTraffic(LinkSession s) {
        long[] out = new long[4];
        if (s.txRing != null) {
            RingCounters c = RingCounters.read(s.region, s.txRing);
            out[0] = Math.max(0, c.producedPackets() - s.fenceOutSent);
            out[1] = Math.max(0, c.producedBytes() - (long) s.fenceOutSent * FenceFrameDescriptor.SIZE);
        }
        if (s.rxRing != null) {
            RingCounters c = RingCounters.read(s.region, s.rxRing);
            out[2] = Math.max(0, c.consumedPackets() - s.fenceOutReceived);
            out[3] = Math.max(0, c.consumedBytes() - (long) s.fenceOutReceived * FenceFrameDescriptor.SIZE);
        }
        return out;
    }

    /**
     * How often the receiving side switched paths: from the old RX rings onto a link (its FENCE_IN
     * consumed) or back (the link drained): one volatile load, cheap enough for an application
     * to look at on every burst, e.g. to time the gap its traffic saw at a switch. Any thread.
     */
    public long receiverSwitches() {
        return receiverSwitches.get();
    }

    /** The protocol's counters for this port. */
    public RemapStats stats() {
        return new RemapStats(linksMapped.get(), linksFinished.get(), fencesSent.get(), fencesConsumed.get(),
                staleFences.get(), forcedReverts.get(), rejectedRegions.get(), forcedDropped.get());
    }

    /** Transmit side's phase (for tests and diagnostics; read from the transmit thread). */
    public SenderPhase senderPhase() {
        return txPhase;
    }

    /** Receive side's phase (for tests and diagnostics; read from the receive thread). */
    public ReceiverPhase receiverPhase() {
        return rxPhase;
    }

    /** The link currently mapped, as "linkId/generation", or null. */
    public String currentLink() {
        LinkSession s = session;
        return s == null ? null : s.linkId + "/" + s.generation;
    }

    /**
     * Unmaps a link still mapped (the port is closing; the agent's deadline handles the rest) and
     * writes this port's queued log lines before it returns.
     */
    public void close() {
        logMapped();
        slow.lock();
        try {
            closed = true;
            abandonPending();
            LinkSession s = session;
            if (s != null) {
                session = null;
                s.mapping.close();
            }
        } finally {
            slow.unlock();
        }
        DataThreadLog.flush();
    }
}

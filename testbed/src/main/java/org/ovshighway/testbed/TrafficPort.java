package org.ovshighway.testbed;

import java.lang.foreign.MemorySegment;

import org.ovshighway.guest.GuestPort;
import org.ovshighway.guest.PacketBurst;
import org.ovshighway.guest.PortStats;
import org.ovshighway.guest.remap.RemapStats;

/**
 * One port of the traffic guest: sends its own stream (numbered 0, 1, 2, ... in the order the
 * frames are committed, so a frame the ring refused takes no number) and checks the peer's.
 * Data-path methods belong to the worker thread; the {@link PublishedCounter}s are for the
 * reporter thread.
 */
final class TrafficPort {
    private final GuestPort port;
    private final TrafficFrame frame;
    private final int peerStream;
    private final PacketBurst txBurst;
    private final PacketBurst rxBurst;
    private final StreamChecker checker = new StreamChecker();
    /** Next sequence number to send = frames sent. */
    private long nextSequence;
    /** Frames of the peer's stream received, warm-up included. */
    private long streamFrames;
    /** Frames received that are not the peer's stream (other streams, other protocols). */
    private long foreign;
    /** When the first frame of the peer's stream arrived (System.nanoTime), 0 before. */
    private long firstFrameNanos;
    /** Whether the warm-up has ended (the checker was reset once). */
    private boolean warmedUp;
    /** lost + reordered + duplicated as last published. */
    private long publishedErrors;
    /** Gaps between arrivals of the peer's stream, or null when not measured. */
    private final ArrivalGaps gaps;
    /** With gaps measured: the last arrival of the peer's stream (System.nanoTime), 0 before. */
    private long lastArrivalNanos;
    /** With gaps measured: the port's receive path switches seen so far. */
    private long seenSwitches;
    /** With gaps measured: the arrival before was the first after a switch (the gap to this one counts too). */
    private boolean afterSwitch;
    /** With gaps measured: receive path switches (old rings to link or back) seen between arrivals. */
    private long handovers;
    /** With gaps measured: the largest gap on either side of the first arrival after a switch. */
    private long handoverGapMaxNanos;
    /** With gaps measured: the pause of the handover under way (the larger of its two gaps so far). */
    private long handoverGap;
    /** With gaps measured: each completed handover's pause, the first {@code length} of them. */
    private final long[] handoverGaps = new long[4096];
    /** With gaps measured: whether each recorded handover went onto a link (else back to the old rings). */
    private final boolean[] handoverOntoLink = new boolean[4096];
    private int handoverGapCount;

    final PublishedCounter sent = new PublishedCounter();
    final PublishedCounter received = new PublishedCounter();
    final PublishedCounter errors = new PublishedCounter();

    TrafficPort(GuestPort port, TrafficFrame frame, int peerStream, int burst) {
        this(port, frame, peerStream, burst, null);
    }

    /** As {@link #TrafficPort(GuestPort, TrafficFrame, int, int)}, measuring arrival gaps into {@code gaps} (may be null). */
    TrafficPort(GuestPort port, TrafficFrame frame, int peerStream, int burst, ArrivalGaps gaps) {
        if (frame.length() > port.maxPacketSize()) {
            throw new IllegalArgumentException("traffic frame length=" + frame.length() + " larger than the port's"
                    + " buffers maxPacketSize=" + port.maxPacketSize() + " port=" + port.portName());
        }
        this.port = port;
        this.frame = frame;
        this.peerStream = peerStream;
        this.txBurst = new PacketBurst(burst);
        this.rxBurst = new PacketBurst(burst);
        this.gaps = gaps;
    }

    /**
     * Sends up to {@code max} frames (at most one burst) in place.
     *
     * @return frames sent
     */
    int transmit(int max) {
        int n = port.txReserve(txBurst, Math.min(max, txBurst.capacity()));
        if (n == 0) {
            return 0;
        }
        MemorySegment region = txBurst.region();
        int length = frame.length();
        long sequence = nextSequence;
        for (int k = 0; k < n; k++) {
            frame.write(region, txBurst.regionOffset(k), sequence + k);
            txBurst.setLength(k, length);
        }
        port.txCommit(txBurst, n);
        nextSequence = sequence + n;
        sent.releaseAdd(n);
        return n;
    }

    /**
     * Receives one burst and checks every frame of it.
     *
     * @return frames received (traffic or not)
     */
    int receive() {
        int n = port.rxBurst(rxBurst);
        if (n == 0) {
            return 0;
        }
        MemorySegment region = rxBurst.region();
        long streamBefore = streamFrames;
        for (int i = 0; i < n; i++) {
            long offset = rxBurst.regionOffset(i);
            if (TrafficFrame.isTraffic(region, offset, rxBurst.length(i))
                    && TrafficFrame.stream(region, offset) == peerStream) {
                checker.accept(TrafficFrame.sequence(region, offset));
                if (streamFrames++ == 0) {
                    firstFrameNanos = System.nanoTime();
                }
            } else {
                foreign++;
            }
        }
        if (gaps != null && streamFrames != streamBefore) {
            long now = System.nanoTime();
            gaps.arrival(now);
            long switches = port.receivePathSwitches();
            // the receiver switched paths in this burst or in an empty one before it: the gaps on
            // either side of this arrival are the handover's own pause at the receiver
            if (switches != seenSwitches || afterSwitch) {
                boolean switched = switches != seenSwitches;
                long gap = lastArrivalNanos == 0 ? 0 : now - lastArrivalNanos;
                if (switched) {
                    handovers++;
                    handoverGap = gap;
                } else {
                    handoverGap = Math.max(handoverGap, gap);
                }
                handoverGapMaxNanos = Math.max(handoverGapMaxNanos, gap);
                if (!switched && handoverGapCount < handoverGaps.length) {
                    // the handover's pause is known once the arrival after the switch is in; an odd
                    // count of switches means the receiver went onto a link, an even one back
                    handoverOntoLink[handoverGapCount] = (seenSwitches & 1) == 1;
                    handoverGaps[handoverGapCount++] = handoverGap;
                }
                afterSwitch = switched;
                seenSwitches = switches;
            }
            lastArrivalNanos = now;
        }
        received.releaseAdd(n);
        long errorsNow = checker.lost() + checker.reordered() + checker.duplicated();
        if (errorsNow != publishedErrors) {
            errors.releaseAdd(errorsNow - publishedErrors);
            publishedErrors = errorsNow;
        }
        return n;
    }

    /**
     * Ends the warm-up once {@code warmupNanos} have passed since the first frame of the peer's
     * stream arrived (so the peer's own start-up lies inside it): the check of the peer's stream
     * starts again from the next frame ({@code received} keeps counting every frame, for
     * comparison with the switch's counters). A zero warm-up never resets.
     *
     * @return whether the warm-up is over
     */
    boolean warmupOver(long now, long warmupNanos) {
        if (warmedUp || warmupNanos == 0) {
            return true;
        }
        if (firstFrameNanos == 0 || now - firstFrameNanos <= warmupNanos) {
            return false;
        }
        warmedUp = true;
        checker.reset();
        if (gaps != null) {
            gaps.restartMax();
        }
        long errorsNow = 0;
        errors.releaseAdd(errorsNow - publishedErrors);
        publishedErrors = errorsNow;
        return true;
    }

    /** Hands the buffers of the last receive back to the switch. */
    void release() {
        port.rxRelease();
    }

    /** Frames sent so far (worker thread, or anyone after the worker stopped). */
    long sentFrames() {
        return nextSequence;
    }

    /** Frames of the peer's stream received, warm-up included (same threading as {@link #sentFrames()}). */
    long streamFrames() {
        return streamFrames;
    }

    /** The check of the peer's stream since the warm-up (same threading as {@link #sentFrames()}). */
    StreamChecker checker() {
        return checker;
    }

    String name() {
        return port.portName();
    }

    /** Whether the stream checks found nothing lost, reordered or duplicated, and something arrived. */
    boolean clean() {
        return checker.started() && checker.lost() == 0 && checker.reordered() == 0 && checker.duplicated() == 0;
    }

    /** Median pause of the recorded handovers onto a link ({@code ontoLink}) or back, 0 when there was none. */
    private long handoverGapMedian(boolean ontoLink) {
        long[] kept = new long[handoverGapCount];
        int n = 0;
        for (int i = 0; i < handoverGapCount; i++) {
            if (handoverOntoLink[i] == ontoLink) {
                kept[n++] = handoverGaps[i];
            }
        }
        long[] sorted = java.util.Arrays.copyOf(kept, n);
        java.util.Arrays.sort(sorted);
        return n == 0 ? 0 : BypassBench.percentile(sorted, 50);
    }

    /** The machine-readable summary line (worker stopped: its fields are final by then). */
    String summaryLine() {
        PortStats s = port.stats();
        RemapStats r = port.remapStats();
        return "TRAFFIC_SUMMARY port=" + port.portName() + " stream=" + frame.streamId() + " peer_stream=" + peerStream
                + " sent=" + nextSequence + " received=" + streamFrames + " checked=" + checker.received()
                + " lost=" + checker.lost()
                + " reordered=" + checker.reordered() + " duplicated=" + checker.duplicated() + " foreign=" + foreign
                + " first_checked=" + (checker.started() ? Long.toString(checker.baseline()) : "none")
                + " clean=" + clean()
                + " port_rx_packets=" + s.rxPackets() + " port_rx_bytes=" + s.rxBytes()
                + " port_rx_invalid_descriptors=" + s.rxInvalidDescriptors()
                + " port_rx_invalid_indices=" + s.rxInvalidIndices()
                + " port_tx_packets=" + s.txPackets() + " port_tx_bytes=" + s.txBytes()
                + " port_tx_ring_full_drops=" + s.txRingFullDrops()
                + " port_tx_invalid_indices=" + s.txInvalidIndices()
                + " port_reconnects=" + s.reconnects() + " port_tx_reconnect_discards=" + s.txReconnectDiscards()
                + " port_rx_reconnect_discards=" + s.rxReconnectDiscards()
                + " remap_links=" + r.linksFinished() + " remap_fences_sent=" + r.fencesSent()
                + " remap_fences_consumed=" + r.fencesConsumed() + " remap_stale_fences=" + r.staleFencesConsumed()
                + " remap_forced=" + r.forcedReverts() + " remap_rejected_regions=" + r.rejectedRegions()
                + " remap_forced_dropped=" + r.forcedDropped()
                + (gaps == null ? "" : " max_gap_ns=" + gaps.maxGapNanos() + " gaps_recorded=" + gaps.count()
                        + " gaps_overflow=" + gaps.overflow() + " gap_threshold_ns=" + gaps.thresholdNanos()
                        + " handovers=" + handovers + " handover_onto_link_gap_p50_ns=" + handoverGapMedian(true)
                        + " handover_back_gap_p50_ns=" + handoverGapMedian(false)
                        + " handover_gap_max_ns=" + handoverGapMaxNanos);
    }

    /**
     * Prints one {@code TRAFFIC_GAP port=P end_nanos=T gap_ns=G} line per recorded gap to
     * {@code out} (worker stopped); nothing when gaps are not measured. Line by line: millions
     * of gaps do not fit in one string on a small heap.
     */
    void printGapLines(java.io.PrintStream out) {
        if (gaps == null) {
            return;
        }
        String prefix = "TRAFFIC_GAP port=" + port.portName() + " end_nanos=";
        StringBuilder line = new StringBuilder(96);
        for (int i = 0; i < gaps.count(); i++) {
            line.setLength(0);
            line.append(prefix).append(gaps.endNanos(i)).append(" gap_ns=").append(gaps.gapNanos(i));
            out.println(line);
        }
    }

    void close() {
        port.close();
    }
}

package org.ovshighway.guest;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.ovshighway.guest.abi.AbiVersion;
import org.ovshighway.guest.abi.Le;
import org.ovshighway.guest.abi.PortConnection;
import org.ovshighway.guest.abi.RegionFormatException;
import org.ovshighway.guest.abi.RegionHeaderDescriptor;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionKind;
import org.ovshighway.guest.abi.RegionValidator;
import org.ovshighway.guest.abi.RingCounters;
import org.ovshighway.guest.abi.RingLayout;
import org.ovshighway.guest.abi.RingTableEntryDescriptor;
import org.ovshighway.guest.abi.ValidatedRegion;
import org.ovshighway.guest.mapping.MappedRegion;
import org.ovshighway.guest.ring.MemifClientReceiver;
import org.ovshighway.guest.ring.RingConsumer;
import org.ovshighway.guest.ring.RingProducer;
import org.ovshighway.guest.remap.OldReceivePath;
import org.ovshighway.guest.remap.PortRemap;
import org.ovshighway.guest.remap.RemapStats;

/**
 * A guest's network port on a Highway region: burst receive and transmit, DPDK style.
 *
 * <pre>{@code
 * try (GuestPort port = GuestPort.open(DeviceSource.sysfs(), "vm1-eth0")) {
 *     PacketBurst burst = new PacketBurst();
 *     while (running) {
 *         int n = port.rxBurst(burst);           // views valid until the next rxBurst
 *         for (int i = 0; i < n; i++) {
 *             ... burst.getShort(i, 12) ...     // or burst.packet(i).getShort(12)
 *         }
 *         port.txBurst(burst);                  // forward copies (or txReserve/txCommit)
 *     }
 * }
 * }</pre>
 *
 * <p>A LINK region makes the port one end of the link: it transmits on the ring that end
 * produces and receives on the other. A PORT region makes it a memif client of OVS-DPDK: it
 * transmits on C2S queue 0 and receives from every S2C queue.
 *
 * <p>On a PORT region (ABI 1.1 and later) every receive and transmit burst first loads the
 * agent's connection word ({@link PortConnection}) once and compares it with the value its side
 * last saw. While it says DOWN, bursts move nothing (OVS is not serving the rings and will reset
 * them). When it says UP with a generation the side's ring state does not belong to (OVS-DPDK
 * restarted and the agent reconnected), the side re-creates its ring objects from the validated
 * private layout, taking the indices the memif server reset, and refills the S2C rings; each such
 * reset is counted once in {@link PortStats#reconnects()}. A frame committed after the word went
 * DOWN but before the next burst's load is lost with the old connection, as it would be on a NIC
 * whose link dropped.
 *
 * <p>Threads: one thread may receive ({@code rxBurst}, {@code rxRelease}) while another
 * transmits ({@code txReserve}, {@code txCommit}, {@code txBurst}); neither side may be called
 * from two threads at once. {@code stats()} may be called from any thread. Receive and transmit
 * never block, never allocate per packet, and report a faulty peer only through counters.
 */
public final class GuestPort implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GuestPort.class.getName());
    /** Ring state that belongs to no connection yet (generations are >= 0). */
    private static final long NO_GENERATION = -1;

    private final String portName;
    private final MappedRegion mapping;
    private final MemorySegment region;
    private final RegionIdentity identity;
    private final int end;
    /** LINK: the ring this end consumes, or null when the link carries only the other direction. */
    private final RingConsumer linkRx;
    /** The validated private layout ring objects are (re-)created from. */
    private final List<RingLayout> portRxRings;
    /** PORT: the S2C rings, else empty; replaced by the receive thread on a reconnect. */
    private MemifClientReceiver[] portRx;
    /** Replaced by the transmit thread on a reconnect. */
    private RingProducer tx;
    /** PORT region of ABI 1.1 or later: bursts follow the agent's connection word. */
    private final boolean followsConnection;
    /** Receive thread: the connection word it last saw, whether that is UP, and its rings' generation. */
    private long rxConnection;
    private boolean rxUp;
    private long rxRingsGeneration;
    /** Transmit thread: the same for the transmit ring. */
    private long txConnection;
    private boolean txUp;
    private long txRingsGeneration;
    /** Newest connection generation either side adopted; the side that adopts it first counts the reset. */
    private final AtomicLong adoptedGeneration = new AtomicLong(NO_GENERATION);
    private final AtomicLong reconnects = new AtomicLong();
    /**
     * Packets lost when a served connection ended (transmit thread: sent, never taken by the
     * switch; receive thread: published by the switch, never read); the switch resets the rings'
     * indices before it serves them again. Each has one writer.
     */
    private final AtomicLong txReconnectDiscards = new AtomicLong();
    private final AtomicLong rxReconnectDiscards = new AtomicLong();
    /** The ring this port transmits on (its producer counters), or null. */
    private final RingLayout txRing;
    /** The rings this port receives from (their consumer counters). */
    private final List<RingLayout> rxRings;
    /** PORT: gather space when several S2C queues fill one burst (receive thread only). */
    private final long[] scratchOffsets = new long[PacketBurst.DEFAULT_CAPACITY];
    private final int[] scratchLengths = new int[PacketBurst.DEFAULT_CAPACITY];
    private int nextPortRx;
    /** PORT region of ABI 1.2 or later opened from a device source: the remap protocol, else null. */
    private final PortRemap remap;
    /** Transmit thread: the producer the current reservation was taken from. */
    private RingProducer reservedProducer;

    private GuestPort(String portName, MappedRegion mapping, ValidatedRegion validated, DeviceSource source) {
        this.portName = portName;
        this.mapping = mapping;
        this.region = mapping.segment();
        this.identity = validated.identity();
        List<RingLayout> rings = validated.layout().rings();
        List<RingLayout> receiveRings = new ArrayList<>();
        if (identity.kind() == RegionKind.LINK) {
            this.end = identity.endOf(portName);
            this.txRing = validated.layout().find(end, 0);
            RingLayout rxRing = validated.layout().find(1 - end, 0);
            this.tx = txRing == null ? null : new RingProducer(region, txRing);
            this.linkRx = rxRing == null ? null : new RingConsumer(region, rxRing);
            this.portRx = new MemifClientReceiver[0];
            if (rxRing != null) {
                receiveRings.add(rxRing);
            }
            this.followsConnection = false;
        } else {
            this.end = -1;
            this.txRing = validated.layout().find(RingTableEntryDescriptor.DIRECTION_0, 0);
            this.tx = txRing == null ? null : new RingProducer(region, txRing);
            this.linkRx = null;
            List<MemifClientReceiver> receivers = new ArrayList<>();
            for (RingLayout ring : rings) {
                if (ring.direction() == RingTableEntryDescriptor.DIRECTION_1) {
                    receivers.add(new MemifClientReceiver(region, ring));
                    receiveRings.add(ring);
                }
            }
            this.portRx = receivers.toArray(new MemifClientReceiver[0]);
            int minor = region.get(Le.U16, RegionHeaderDescriptor.VERSION_MINOR_OFFSET) & 0xffff;
            this.followsConnection = minor >= AbiVersion.MINOR_PORT_CONNECTION;
        }
        this.rxRings = List.copyOf(receiveRings);
        this.portRxRings = identity.kind() == RegionKind.PORT ? rxRings : List.of();
        long word = followsConnection ? PortConnection.acquire(region) : PortConnection.word(0, true);
        boolean up = PortConnection.isUp(word);
        // ring objects made now belong to the current connection only when it is UP
        long generation = up ? PortConnection.generation(word) : NO_GENERATION;
        this.rxConnection = word;
        this.txConnection = word;
        this.rxUp = up;
        this.txUp = up;
        this.rxRingsGeneration = generation;
        this.txRingsGeneration = generation;
        adoptedGeneration.set(generation);
        int minor = region.get(Le.U16, RegionHeaderDescriptor.VERSION_MINOR_OFFSET) & 0xffff;
        this.remap = identity.kind() == RegionKind.PORT && source != null && minor >= AbiVersion.MINOR_REMAP
                ? new PortRemap(portName, region, mapping.path(), source, txRing == null ? 0 : txRing.bufferSize(),
                        System::nanoTime)
                : null;
    }

    /**
     * Opens port {@code portName}: maps every region {@code source} offers, validates its
     * header, and takes the one whose header names the port (a PORT region named after it wins
     * over LINK regions; among LINK regions the newest generation wins). All other mappings
     * are closed.
     *
     * @throws PortNotFoundException when no valid region names the port (the message lists
     *                               every candidate and why it was passed over)
     * @throws IOException           when the source cannot be listed
     */
    public static GuestPort open(DeviceSource source, String portName) throws IOException {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(portName, "portName");
        StringBuilder passedOver = new StringBuilder();
        MappedRegion best = null;
        ValidatedRegion bestRegion = null;
        for (Path path : source.candidates()) {
            MappedRegion mapping;
            try {
                mapping = MappedRegion.map(path);
            } catch (IOException e) {
                passedOver.append(" [path=").append(path).append(" reason=").append(e.getMessage()).append(']');
                continue;
            }
            ValidatedRegion validated;
            try {
                validated = RegionValidator.validate(mapping.segment());
            } catch (RegionFormatException e) {
                passedOver.append(" [path=").append(path).append(" reason=").append(e.getMessage()).append(']');
                mapping.close();
                continue;
            }
            if (!names(validated.identity(), portName)) {
                passedOver.append(" [path=").append(path).append(" reason=names other ports name0=")
                        .append(validated.identity().name0()).append(" name1=").append(validated.identity().name1())
                        .append(" kind=").append(validated.identity().kind()).append(']');
                mapping.close();
                continue;
            }
            if (best == null || better(validated.identity(), bestRegion.identity())) {
                if (best != null) {
                    best.close();
                }
                best = mapping;
                bestRegion = validated;
            } else {
                mapping.close();
            }
        }
        if (best == null) {
            throw new PortNotFoundException("no region names the port: port=" + portName + " source=" + source
                    + " candidates:" + (passedOver.isEmpty() ? " none" : passedOver));
        }
        return open(best, bestRegion, portName, source);
    }

    /**
     * Opens port {@code portName} on an already mapped and validated region (the remap code and
     * tests use this). The port takes ownership of {@code mapping} and closes it.
     */
    public static GuestPort open(MappedRegion mapping, ValidatedRegion validated, String portName) {
        return open(mapping, validated, portName, null);
    }

    /**
     * As {@link #open(MappedRegion, ValidatedRegion, String)}; on a PORT region (ABI 1.2 or later)
     * the port follows the agent's remap requests and looks for link devices in {@code source}
     * (null: never remapped).
     */
    public static GuestPort open(MappedRegion mapping, ValidatedRegion validated, String portName,
                                 DeviceSource source) {
        if (!names(validated.identity(), portName)) {
            throw new IllegalArgumentException("region does not name the port: port=" + portName
                    + " name0=" + validated.identity().name0() + " name1=" + validated.identity().name1()
                    + " kind=" + validated.identity().kind());
        }
        GuestPort port = new GuestPort(portName, mapping, validated, source);
        LOG.log(System.Logger.Level.INFO, "opened port=" + portName + " kind=" + validated.identity().kind()
                + " end=" + port.end + " generation=" + validated.identity().generation() + " path=" + mapping.path());
        return port;
    }

    private static boolean names(RegionIdentity identity, String portName) {
        return identity.kind() == RegionKind.PORT ? identity.name0().equals(portName) : identity.endOf(portName) >= 0;
    }

    private static boolean better(RegionIdentity candidate, RegionIdentity current) {
        if (candidate.kind() != current.kind()) {
            return candidate.kind() == RegionKind.PORT;
        }
        return Long.compareUnsigned(candidate.generation(), current.generation()) > 0;
    }

    /**
     * Receives up to {@code burst.capacity()} packets into {@code burst}, after handing the
     * buffers of this port's previous burst back to the sender (so views from the previous
     * {@code rxBurst} become invalid now). Never blocks.
     *
     * @return packets received (also {@code burst.count()}); 0 when none is waiting
     */
    public int rxBurst(PacketBurst burst) {
        int n;
        if (remap != null) {
            // the remap protocol picks old rings or link and consumes FENCE frames
            n = remap.receive(burst.offsets, burst.lengths, burst.offsets.length, oldReceivePath);
            burst.receivedFrom(remap.receivedRegion(), n);
            return n;
        }
        if (linkRx != null) {
            n = linkRx.receive(burst.offsets, burst.lengths, burst.offsets.length);
        } else if (followsConnection && !receiveSideServing()) {
            n = 0;
        } else {
            n = receiveFromPortRings(burst.offsets, burst.lengths, burst.offsets.length, false);
        }
        burst.receivedFrom(region, n);
        return n;
    }

    /** The old path as the remap protocol polls it: this port's S2C rings while they are served. */
    private final OldReceivePath oldReceivePath = new OldReceivePath() {
        @Override
        public int receive(long[] offsets, int[] lengths, int max) {
            return followsConnection && !receiveSideServing() ? 0 : receiveFromPortRings(offsets, lengths, max, false);
        }

        @Override
        public void observe() {
            if (!followsConnection || receiveSideServing()) {
                for (MemifClientReceiver receiver : portRx) {
                    receiver.observe();
                }
            }
        }

        @Override
        public int receiveObserved(long[] offsets, int[] lengths, int max) {
            return followsConnection && !receiveSideServing() ? 0 : receiveFromPortRings(offsets, lengths, max, true);
        }

        @Override
        public MemorySegment region() {
            return region;
        }
    };

    /** With {@code observedOnly}, only what each ring's last observe() saw (see OldReceivePath). */
    private int receiveFromPortRings(long[] offsets, int[] lengths, int max, boolean observedOnly) {
        MemifClientReceiver[] receivers = portRx;
        int rings = receivers.length;
        if (rings == 0) {
            return 0;
        }
        int limit = Math.min(max, offsets.length);
        if (rings == 1) {
            return observedOnly ? receivers[0].receiveObserved(offsets, lengths, limit)
                    : receivers[0].receive(offsets, lengths, limit);
        }
        // several queues share one burst: gather into scratch space, fairness by rotating the start queue
        int total = 0;
        int start = nextPortRx;
        nextPortRx = start + 1 == rings ? 0 : start + 1;
        for (int k = 0; k < rings && total < limit; k++) {
            int q = start + k;
            if (q >= rings) {
                q -= rings;
            }
            total += receiveInto(receivers[q], offsets, lengths, total, limit, observedOnly);
        }
        return total;
    }

    private int receiveInto(MemifClientReceiver receiver, long[] offsets, int[] lengths, int at, int limit,
                            boolean observedOnly) {
        int room = Math.min(limit - at, scratchOffsets.length);
        int n = observedOnly ? receiver.receiveObserved(scratchOffsets, scratchLengths, room)
                : receiver.receive(scratchOffsets, scratchLengths, room);
        System.arraycopy(scratchOffsets, 0, offsets, at, n);
        System.arraycopy(scratchLengths, 0, lengths, at, n);
        return n;
    }

    /**
     * Hands the buffers of the last {@code rxBurst} back to the sender now instead of at the next
     * {@code rxBurst}; its views become invalid.
     */
    public void rxRelease() {
        if (linkRx != null) {
            linkRx.release();
        }
        if (remap != null) {
            remap.releaseLink();
        }
        if (!rxUp) {
            return;
        }
        for (MemifClientReceiver receiver : portRx) {
            receiver.refill();
        }
    }

    /**
     * Reserves up to {@code count} transmit buffers into {@code burst}: write packet {@code k}
     * through the burst's indexed accessors or its view (and set its length), then {@link #txCommit}. Buffers asked for but not
     * granted because the ring is full count as ring-full drops.
     *
     * @return buffers reserved, 0..min(count, burst.capacity())
     * @throws IllegalStateException when this port has no transmit ring
     */
    public int txReserve(PacketBurst burst, int count) {
        transmitRing();
        RingProducer serving = transmitProducer();
        RingProducer producer = serving == null ? tx : serving;
        int n = serving != null ? producer.reserve(Math.min(count, burst.offsets.length)) : 0;
        for (int k = 0; k < n; k++) {
            burst.offsets[k] = producer.bufferOffset(k);
            burst.lengths[k] = 0;
        }
        reservedProducer = producer;
        burst.region = producer.region();
        burst.count = n;
        burst.bufferSize = producer.bufferSize();
        burst.reservedBy = this;
        return n;
    }

    /** Sends every buffer reserved in {@code burst}, each with its set length. */
    public int txCommit(PacketBurst burst) {
        return txCommit(burst, burst.count);
    }

    /**
     * Sends the first {@code count} buffers reserved in {@code burst} (with their set lengths)
     * as one burst; the rest of the reservation is given up.
     *
     * @return {@code count}
     */
    public int txCommit(PacketBurst burst, int count) {
        if (burst.reservedBy != this) {
            throw new IllegalStateException("burst holds no reservation of this port: port=" + portName);
        }
        if (count < 0 || count > burst.count) {
            throw new IllegalArgumentException("commit count out of range: count=" + count + " reserved=" + burst.count);
        }
        if (count != 0) {
            // nothing reserved (e.g. while the connection is DOWN) publishes nothing
            reservedProducer.commit(burst.lengths, count);
        }
        burst.reservedBy = null;
        burst.count = 0;
        return count;
    }

    /**
     * Copies the packets of {@code packets} (e.g. just received on another port) into transmit
     * buffers and sends them as one burst.
     *
     * @return packets sent; the rest did not fit (counted as ring-full drops)
     */
    public int txBurst(PacketBurst packets) {
        if (packets.reservedBy != null) {
            throw new IllegalStateException("burst holds a transmit reservation; use txCommit: port=" + portName);
        }
        transmitRing();
        RingProducer producer = transmitProducer();
        return producer == null ? 0 : producer.send(packets.region, packets.offsets, packets.lengths, packets.count);
    }

    /**
     * Copies {@code frames[0..count)} (whole segments, each at most the buffer size) and sends
     * them as one burst.
     *
     * @return frames sent; the rest did not fit (counted as ring-full drops)
     */
    public int txBurst(MemorySegment[] frames, int count) {
        transmitRing();
        RingProducer producer = transmitProducer();
        return producer == null ? 0 : producer.send(frames, count);
    }

    /** As {@link #txBurst(MemorySegment[], int)} for frames in byte arrays (whole arrays). */
    public int txBurst(byte[][] frames, int count) {
        transmitRing();
        RingProducer producer = transmitProducer();
        return producer == null ? 0 : producer.send(frames, count);
    }

    /**
     * Transmit thread, once per burst: the port's TX ring when served (else null), or the link's
     * while the remap protocol has this side on a link.
     */
    private RingProducer transmitProducer() {
        RingProducer old = !followsConnection || transmitSideServing() ? tx : null;
        return remap == null ? old : remap.transmitVia(old);
    }

    /**
     * Receive thread: one acquire load of the connection word (pairs with the agent's release in
     * PortConnection.publish); on a change, adopts it. Returns whether the rings are served.
     */
    private boolean receiveSideServing() {
        long word = PortConnection.acquire(region);
        if (word != rxConnection) {
            adoptOnReceiveSide(word);
        }
        return rxUp;
    }

    private void adoptOnReceiveSide(long word) {
        if (rxUp) {
            // the served connection ended (DOWN, or a new generation seen without its DOWN)
            countReceiveDiscards(word);
        }
        rxConnection = word;
        rxUp = PortConnection.isUp(word);
        long generation = PortConnection.generation(word);
        if (rxUp && generation != rxRingsGeneration) {
            // the memif server reset the indices on CONNECT: new receivers adopt them and refill
            MemifClientReceiver[] fresh = new MemifClientReceiver[portRxRings.size()];
            for (int i = 0; i < fresh.length; i++) {
                fresh[i] = new MemifClientReceiver(region, portRxRings.get(i));
            }
            portRx = fresh;
            nextPortRx = 0;
            rxRingsGeneration = generation;
            countReconnect(generation, "receive");
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "port=" + portName + " receive side sees connection "
                + PortConnection.describe(word));
    }

    /** Transmit thread: as {@link #receiveSideServing} for the transmit ring. */
    private boolean transmitSideServing() {
        long word = PortConnection.acquire(region);
        if (word != txConnection) {
            adoptOnTransmitSide(word);
        }
        return txUp;
    }

    private void adoptOnTransmitSide(long word) {
        if (txUp && tx != null) {
            // the served connection ended (DOWN, or a new generation seen without its DOWN)
            countTransmitDiscards(word);
        }
        txConnection = word;
        txUp = PortConnection.isUp(word);
        long generation = PortConnection.generation(word);
        if (txUp && generation != txRingsGeneration) {
            // the memif server reset the indices on CONNECT: a new producer starts from them
            tx = new RingProducer(region, txRing);
            txRingsGeneration = generation;
            countReconnect(generation, "transmit");
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "port=" + portName + " transmit side sees connection "
                + PortConnection.describe(word));
    }

    /** Transmit thread: counts what the switch never took from this port's ring when the connection ended. */
    private void countTransmitDiscards(long word) {
        long lost = tx.unconsumed();
        if (lost != 0) {
            txReconnectDiscards.addAndGet(lost);
            LOG.log(System.Logger.Level.WARNING, "port=" + portName + " connection " + PortConnection.describe(txConnection)
                    + " ended with " + lost + " sent packets the switch never took (now " + PortConnection.describe(word)
                    + "; counted in txReconnectDiscards)");
        }
    }

    /** Receive thread: counts what the switch left unread in this port's rings when the connection ended. */
    private void countReceiveDiscards(long word) {
        long lost = 0;
        for (MemifClientReceiver receiver : portRx) {
            lost += receiver.unread();
        }
        if (lost != 0) {
            rxReconnectDiscards.addAndGet(lost);
            LOG.log(System.Logger.Level.WARNING, "port=" + portName + " connection " + PortConnection.describe(rxConnection)
                    + " ended with " + lost + " received packets not yet read (now " + PortConnection.describe(word)
                    + "; counted in rxReconnectDiscards)");
        }
    }

    /** Counts one reconnect per generation, whichever side adopts it first. */
    private void countReconnect(long generation, String side) {
        long seen = adoptedGeneration.get();
        // generations only grow (the agent bumps them), so an older one is never counted again
        while (seen < generation) {
            if (adoptedGeneration.compareAndSet(seen, generation)) {
                reconnects.incrementAndGet();
                LOG.log(System.Logger.Level.INFO, "port=" + portName + " reset ring state for connection generation="
                        + generation + " (first seen by the " + side + " side)");
                return;
            }
            seen = adoptedGeneration.get();
        }
    }

    /** Throws when this port has no transmit ring. */
    private void transmitRing() {
        if (txRing == null) {
            throw new IllegalStateException("port has no transmit ring: port=" + portName + " kind="
                    + identity.kind() + " end=" + end);
        }
    }

    /** Whether this port can transmit (a one-way link gives the receiving end no transmit ring). */
    public boolean canTransmit() {
        return txRing != null;
    }

    /** Whether this port can receive. */
    public boolean canReceive() {
        return linkRx != null || portRx.length != 0;
    }

    /** Largest packet this port can transmit, 0 when it has no transmit ring. */
    public int maxPacketSize() {
        return txRing == null ? 0 : txRing.bufferSize();
    }

    /** Counters summed over this port's rings, read from shared memory. */
    public PortStats stats() {
        long rxPackets = 0;
        long rxBytes = 0;
        long rxInvalidDescriptors = 0;
        long rxInvalidIndices = 0;
        long txPackets = 0;
        long txBytes = 0;
        long txDrops = 0;
        long txInvalidIndices = 0;
        if (txRing != null) {
            RingCounters c = RingCounters.read(region, txRing);
            txPackets = c.producedPackets();
            txBytes = c.producedBytes();
            txDrops = c.ringFullDrops();
            txInvalidIndices = c.producerInvalidIndices();
        }
        for (RingLayout ring : rxRings) {
            RingCounters c = RingCounters.read(region, ring);
            rxPackets += c.consumedPackets();
            rxBytes += c.consumedBytes();
            rxInvalidDescriptors += c.invalidDescriptors();
            rxInvalidIndices += c.consumerInvalidIndices();
        }
        if (remap != null) {
            // traffic that went over links while this port was remapped (FENCE frames left out)
            long[] link = remap.linkTraffic();
            txPackets += link[0];
            txBytes += link[1];
            rxPackets += link[2];
            rxBytes += link[3];
        }
        return new PortStats(rxPackets, rxBytes, rxInvalidDescriptors, rxInvalidIndices, txPackets, txBytes, txDrops,
                txInvalidIndices, reconnects.get(), txReconnectDiscards.get(), rxReconnectDiscards.get());
    }

    /** Counters of the remap protocol (all zero on a port that does not follow it). */
    public RemapStats remapStats() {
        return remap == null ? new RemapStats(0, 0, 0, 0, 0, 0, 0, 0) : remap.stats();
    }

    /**
     * How often this port's receiving side switched between its old RX rings and a link
     * ({@link PortRemap#receiverSwitches}); 0 on a port that does not follow the remap protocol.
     */
    public long receivePathSwitches() {
        return remap == null ? 0 : remap.receiverSwitches();
    }

    /** The remap machinery of this port, or null (LINK region, ABI before 1.2, or no device source). */
    public PortRemap remap() {
        return remap;
    }

    /** The port name this port was opened as. */
    public String portName() {
        return portName;
    }

    /** Identity of the region (kind, generation, link id, names): a private copy. */
    public RegionIdentity identity() {
        return identity;
    }

    /** LINK: this port's end (0 or 1); PORT: -1. */
    public int end() {
        return end;
    }

    /** The file or device mapped. */
    public Path path() {
        return mapping.path();
    }

    /** Unmaps the region; the port and its views must not be used afterwards. */
    @Override
    public void close() {
        if (remap != null) {
            remap.close();
        }
        mapping.close();
    }

    @Override
    public String toString() {
        return "GuestPort[port=" + portName + ", kind=" + identity.kind() + ", end=" + end + ", path="
                + mapping.path() + "]";
    }
}

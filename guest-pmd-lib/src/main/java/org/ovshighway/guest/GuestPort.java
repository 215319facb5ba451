package org.ovshighway.guest;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.ovshighway.guest.abi.RegionFormatException;
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

/**
 * A guest's network port on a Highway region: burst receive and transmit, DPDK style.
 *
 * <pre>{@code
 * try (GuestPort port = GuestPort.open(DeviceSource.sysfs(), "vm1-eth0")) {
 *     PacketBurst burst = new PacketBurst();
 *     while (running) {
 *         int n = port.rxBurst(burst);           // views valid until the next rxBurst
 *         for (int i = 0; i < n; i++) {
 *             PacketView p = burst.packet(i);
 *             ... p.getShort(12) ...
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
 * <p>Threads: one thread may receive ({@code rxBurst}, {@code rxRelease}) while another
 * transmits ({@code txReserve}, {@code txCommit}, {@code txBurst}); neither side may be called
 * from two threads at once. {@code stats()} may be called from any thread. Receive and transmit
 * never block, never allocate per packet, and report a faulty peer only through counters.
 */
public final class GuestPort implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GuestPort.class.getName());

    private final String portName;
    private final MappedRegion mapping;
    private final MemorySegment region;
    private final RegionIdentity identity;
    private final int end;
    /** LINK: the ring this end consumes, or null when the link carries only the other direction. */
    private final RingConsumer linkRx;
    /** PORT: the S2C rings, else empty. */
    private final MemifClientReceiver[] portRx;
    private final RingProducer tx;
    /** The ring this port transmits on (its producer counters), or null. */
    private final RingLayout txRing;
    /** The rings this port receives from (their consumer counters). */
    private final List<RingLayout> rxRings;
    /** PORT: gather space when several S2C queues fill one burst (receive thread only). */
    private final long[] scratchOffsets = new long[PacketBurst.DEFAULT_CAPACITY];
    private final int[] scratchLengths = new int[PacketBurst.DEFAULT_CAPACITY];
    private int nextPortRx;

    private GuestPort(String portName, MappedRegion mapping, ValidatedRegion validated) {
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
        }
        this.rxRings = List.copyOf(receiveRings);
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
        return open(best, bestRegion, portName);
    }

    /**
     * Opens port {@code portName} on an already mapped and validated region (the remap code and
     * tests use this). The port takes ownership of {@code mapping} and closes it.
     */
    public static GuestPort open(MappedRegion mapping, ValidatedRegion validated, String portName) {
        if (!names(validated.identity(), portName)) {
            throw new IllegalArgumentException("region does not name the port: port=" + portName
                    + " name0=" + validated.identity().name0() + " name1=" + validated.identity().name1()
                    + " kind=" + validated.identity().kind());
        }
        GuestPort port = new GuestPort(portName, mapping, validated);
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
        if (linkRx != null) {
            n = linkRx.receive(burst.offsets, burst.lengths, burst.offsets.length);
        } else {
            n = receiveFromPortRings(burst);
        }
        burst.receivedFrom(region, n);
        return n;
    }

    private int receiveFromPortRings(PacketBurst burst) {
        MemifClientReceiver[] receivers = portRx;
        int rings = receivers.length;
        if (rings == 0) {
            return 0;
        }
        if (rings == 1) {
            return receivers[0].receive(burst.offsets, burst.lengths, burst.offsets.length);
        }
        // several queues share one burst: gather into scratch space, fairness by rotating the start queue
        int total = 0;
        int start = nextPortRx;
        nextPortRx = start + 1 == rings ? 0 : start + 1;
        for (int k = 0; k < rings && total < burst.offsets.length; k++) {
            int q = start + k;
            if (q >= rings) {
                q -= rings;
            }
            total += receiveInto(receivers[q], burst, total);
        }
        return total;
    }

    private int receiveInto(MemifClientReceiver receiver, PacketBurst burst, int at) {
        int room = Math.min(burst.offsets.length - at, scratchOffsets.length);
        int n = receiver.receive(scratchOffsets, scratchLengths, room);
        System.arraycopy(scratchOffsets, 0, burst.offsets, at, n);
        System.arraycopy(scratchLengths, 0, burst.lengths, at, n);
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
        for (MemifClientReceiver receiver : portRx) {
            receiver.refill();
        }
    }

    /**
     * Reserves up to {@code count} transmit buffers into {@code burst}: write each packet through
     * {@code burst.packet(k)} (set its length), then {@link #txCommit}. Buffers asked for but not
     * granted because the ring is full count as ring-full drops.
     *
     * @return buffers reserved, 0..min(count, burst.capacity())
     * @throws IllegalStateException when this port has no transmit ring
     */
    public int txReserve(PacketBurst burst, int count) {
        RingProducer producer = transmitRing();
        int n = producer.reserve(Math.min(count, burst.offsets.length));
        for (int k = 0; k < n; k++) {
            burst.offsets[k] = producer.bufferOffset(k);
            burst.lengths[k] = 0;
        }
        burst.region = region;
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
        tx.commit(burst.lengths, count);
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
        return transmitRing().send(packets.region, packets.offsets, packets.lengths, packets.count);
    }

    /**
     * Copies {@code frames[0..count)} (whole segments, each at most the buffer size) and sends
     * them as one burst.
     *
     * @return frames sent; the rest did not fit (counted as ring-full drops)
     */
    public int txBurst(MemorySegment[] frames, int count) {
        return transmitRing().send(frames, count);
    }

    /** As {@link #txBurst(MemorySegment[], int)} for frames in byte arrays (whole arrays). */
    public int txBurst(byte[][] frames, int count) {
        return transmitRing().send(frames, count);
    }

    private RingProducer transmitRing() {
        RingProducer producer = tx;
        if (producer == null) {
            throw new IllegalStateException("port has no transmit ring: port=" + portName + " kind="
                    + identity.kind() + " end=" + end);
        }
        return producer;
    }

    /** Whether this port can transmit (a one-way link gives the receiving end no transmit ring). */
    public boolean canTransmit() {
        return tx != null;
    }

    /** Whether this port can receive. */
    public boolean canReceive() {
        return linkRx != null || portRx.length != 0;
    }

    /** Largest packet this port can transmit, 0 when it has no transmit ring. */
    public int maxPacketSize() {
        return tx == null ? 0 : tx.bufferSize();
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
        return new PortStats(rxPackets, rxBytes, rxInvalidDescriptors, rxInvalidIndices, txPackets, txBytes, txDrops,
                txInvalidIndices);
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
        mapping.close();
    }

    @Override
    public String toString() {
        return "GuestPort[port=" + portName + ", kind=" + identity.kind() + ", end=" + end + ", path="
                + mapping.path() + "]";
    }
}

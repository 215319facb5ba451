package org.ovshighway.testbed.jmh;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.ovshighway.guest.GuestPort;
import org.ovshighway.guest.PacketBurst;
import org.ovshighway.guest.PacketView;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionInitializer;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.abi.RegionValidator;
import org.ovshighway.guest.abi.RingLayout;
import org.ovshighway.guest.abi.RingSpec;
import org.ovshighway.guest.abi.RingTableEntryDescriptor;
import org.ovshighway.guest.mapping.MappedRegion;
import org.ovshighway.guest.ring.RingConsumer;
import org.ovshighway.guest.ring.RingProducer;

/**
 * CPU cost per packet of the guest data path, one thread, no second core: the transmit and the
 * receive side of {@link GuestPort} (the public API) against the ring classes underneath
 * ({@link RingProducer}, {@link RingConsumer}) on the same kind of link region (one ring of
 * 1024 slots x 2048-byte buffers in {@code /dev/shm}), 64-byte frames, bursts of 32, written and
 * read as the direct-link harness does (64-byte template copy + big-endian sequence number;
 * length check + sequence load).
 * <ul>
 * <li>{@code tx*}: one burst sent through the path under test, then drained by a
 *     {@link RingConsumer} (the same drain for both, so the difference is the transmit path).</li>
 * <li>{@code rx*}: one burst filled by a {@link RingProducer}, then received and checked through
 *     the path under test.</li>
 * <li>{@code txGuestPortRawWrites}: GuestPort's reservation and commit, frames written through
 *     {@link PacketBurst#region()} and {@link PacketBurst#regionOffset} instead of
 *     {@link PacketView}: splits the API's transmit cost between the burst calls and the views.</li>
 * <li>{@code txRingSegmentField}: {@code txRing} with the segment read from a mutable field at
 *     every access, as a view does.</li>
 * </ul>
 * Time per packet in nanoseconds. A single thread keeps every line in its own cache: this shows
 * the instructions a path adds, not the cross-core line transfers of the two-process harness
 * ({@code testbed/bench direct-link}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GuestPortPathBenchmark {
    static final int BURST = 32;
    static final int LENGTH = 64;
    static final int SEQUENCE_OFFSET = 16;
    private static final ValueLayout.OfLong SEQUENCE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Path dir;
    private MemorySegment template;
    private final int[] lengths = new int[BURST];
    private final long[] offsets = new long[BURST];
    private final PacketBurst burst = new PacketBurst(BURST);
    private long sequence;

    /** txGuestPort: GuestPort sends, a RingConsumer drains. */
    private GuestPort txPort;
    private RingConsumer txDrain;
    /** txRing: RingProducer sends, a RingConsumer drains. */
    private RingProducer txRing;
    private RingConsumer txRingDrain;
    /** rxGuestPort: a RingProducer fills, GuestPort receives. */
    private RingProducer rxFill;
    private GuestPort rxPort;
    /** rxRing: a RingProducer fills, a RingConsumer receives. */
    private RingProducer rxRingFill;
    private RingConsumer rxRing;
    private MemorySegment rxRingRegion;
    private final List<MappedRegion> rawMappings = new java.util.ArrayList<>();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createDirectories(Path.of("/dev/shm", "highway-jmh-" + ProcessHandle.current().pid()));
        template = Arena.ofAuto().allocate(LENGTH, 64);
        template.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 12, (short) 0x88B5);
        Arrays.fill(lengths, LENGTH);

        RegionLayout layout = RegionLayout.compute(List.of(new RingSpec(RingTableEntryDescriptor.DIRECTION_0, 0,
                RingSpec.DEFAULT_LOG2_RING_SIZE, RingSpec.DEFAULT_BUFFER_SIZE)));
        RingLayout ring = layout.ring(0);

        Path a = create("gp-tx", layout);
        txPort = port(a, "bench-tx");
        txDrain = new RingConsumer(raw(a), ring);

        Path b = create("ring-tx", layout);
        txRing = new RingProducer(raw(b), ring);
        txRingDrain = new RingConsumer(raw(b), ring);

        Path c = create("gp-rx", layout);
        rxFill = new RingProducer(raw(c), ring);
        rxPort = port(c, "bench-rx");

        Path d = create("ring-rx", layout);
        rxRingFill = new RingProducer(raw(d), ring);
        rxRingRegion = raw(d);
        rxRing = new RingConsumer(rxRingRegion, ring);
    }

    private Path create(String name, RegionLayout layout) throws IOException {
        Path file = dir.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(layout.regionSize());
        }
        try (MappedRegion mapping = MappedRegion.map(file)) {
            RegionInitializer.initialize(mapping.segment(), layout, RegionIdentity.link(1, 1, "bench-tx", "bench-rx"));
        }
        return file;
    }

    private static GuestPort port(Path file, String name) throws IOException {
        MappedRegion mapping = MappedRegion.map(file);
        return GuestPort.open(mapping, RegionValidator.validate(mapping.segment()), name);
    }

    private MemorySegment raw(Path file) throws IOException {
        MappedRegion mapping = MappedRegion.map(file);
        rawMappings.add(mapping);
        return mapping.segment();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        txPort.close();
        rxPort.close();
        rawMappings.forEach(MappedRegion::close);
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int txGuestPort() {
        PacketBurst b = burst;
        int n = txPort.txReserve(b, BURST);
        long seq = sequence;
        for (int k = 0; k < n; k++) {
            PacketView packet = b.packet(k);
            packet.copyFrom(template, 0, LENGTH);
            packet.putLong(SEQUENCE_OFFSET, seq + k);
        }
        txPort.txCommit(b, n);
        sequence = seq + n;
        return txDrain.receive(offsets, lengths, BURST);
    }

    /** txGuestPort with the frames written through the burst's indexed accessors instead of views. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public int txGuestPortIndexed() {
        PacketBurst b = burst;
        int n = txPort.txReserve(b, BURST);
        long seq = sequence;
        for (int k = 0; k < n; k++) {
            b.copyFrom(k, template, 0, LENGTH);
            b.putLong(k, SEQUENCE_OFFSET, seq + k);
        }
        txPort.txCommit(b, n);
        sequence = seq + n;
        return txDrain.receive(offsets, lengths, BURST);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int txRing() {
        RingProducer producer = txRing;
        MemorySegment region = producer.region();
        int n = producer.reserve(BURST);
        long seq = sequence;
        for (int k = 0; k < n; k++) {
            long offset = producer.bufferOffset(k);
            MemorySegment.copy(template, 0, region, offset, LENGTH);
            region.set(SEQUENCE, offset + SEQUENCE_OFFSET, seq + k);
        }
        producer.commit(lengths, n);
        sequence = seq + n;
        return txRingDrain.receive(offsets, lengths, BURST);
    }

    /** GuestPort reservation and commit, frames written through the burst's region (no PacketView). */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public int txGuestPortRawWrites() {
        PacketBurst b = burst;
        int n = txPort.txReserve(b, BURST);
        long seq = sequence;
        MemorySegment region = b.region();
        for (int k = 0; k < n; k++) {
            long offset = b.regionOffset(k);
            MemorySegment.copy(template, 0, region, offset, LENGTH);
            region.set(SEQUENCE, offset + SEQUENCE_OFFSET, seq + k);
        }
        txPort.txCommit(b, n);
        sequence = seq + n;
        return txDrain.receive(offsets, lengths, BURST);
    }

    /** The segment in a mutable field, read at every access (as a view reads its burst's region). */
    private MemorySegment regionField;

    /**
     * {@code txRing} with the segment read from a mutable field at every access instead of a
     * local: isolates the cost of not having the segment loop-invariant.
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public int txRingSegmentField() {
        RingProducer producer = txRing;
        regionField = producer.region();
        int n = producer.reserve(BURST);
        long seq = sequence;
        for (int k = 0; k < n; k++) {
            long offset = producer.bufferOffset(k);
            MemorySegment.copy(template, 0, regionField, offset, LENGTH);
            regionField.set(SEQUENCE, offset + SEQUENCE_OFFSET, seq + k);
        }
        producer.commit(lengths, n);
        sequence = seq + n;
        return txRingDrain.receive(offsets, lengths, BURST);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public long rxGuestPort() {
        fill(rxFill);
        PacketBurst b = burst;
        int n = rxPort.rxBurst(b);
        long sum = 0;
        for (int i = 0; i < n; i++) {
            PacketView packet = b.packet(i);
            if (packet.length() == LENGTH) {
                sum += packet.getLong(SEQUENCE_OFFSET);
            }
        }
        return sum;
    }

    /** rxGuestPort with the frames read through the burst's indexed accessors instead of views. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long rxGuestPortIndexed() {
        fill(rxFill);
        PacketBurst b = burst;
        int n = rxPort.rxBurst(b);
        long sum = 0;
        for (int i = 0; i < n; i++) {
            if (b.length(i) == LENGTH) {
                sum += b.getLong(i, SEQUENCE_OFFSET);
            }
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public long rxRing() {
        fill(rxRingFill);
        MemorySegment region = rxRingRegion;
        int n = rxRing.receive(offsets, lengths, BURST);
        long sum = 0;
        for (int i = 0; i < n; i++) {
            if (lengths[i] == LENGTH) {
                sum += region.get(SEQUENCE, offsets[i] + SEQUENCE_OFFSET);
            }
        }
        return sum;
    }

    private void fill(RingProducer producer) {
        MemorySegment region = producer.region();
        int n = producer.reserve(BURST);
        long seq = sequence;
        for (int k = 0; k < n; k++) {
            long offset = producer.bufferOffset(k);
            MemorySegment.copy(template, 0, region, offset, LENGTH);
            region.set(SEQUENCE, offset + SEQUENCE_OFFSET, seq + k);
        }
        producer.commit(lengths, n);
        sequence = seq + n;
    }
}

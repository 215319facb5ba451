package org.ovshighway.testbed;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.ovshighway.guest.GuestPort;
import org.ovshighway.guest.PacketBurst;
import org.ovshighway.guest.PacketView;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.abi.RegionValidator;
import org.ovshighway.guest.abi.RingCounters;
import org.ovshighway.guest.abi.RingLayout;
import org.ovshighway.guest.abi.RingSpec;
import org.ovshighway.guest.abi.RingTableEntryDescriptor;
import org.ovshighway.guest.abi.ValidatedRegion;
import org.ovshighway.guest.mapping.MappedRegion;
import org.ovshighway.guest.ring.RingProducer;
import org.ovshighway.remapper.RegionFile;
import org.ovshighway.remapper.RegionFiles;

/**
 * Transmitting end of the direct-link harness (one JVM process). Creates the link region
 * through {@link RegionFiles}, prints {@code HIGHWAY_REGION path=<file>} so the consumer
 * process can be pointed at it, waits until the consumer has received its first burst, then
 * opens its end as a guest would ({@link GuestPort} on a {@link MappedRegion}) and sends
 * {@link LinkFrame 64-byte frames} numbered 0, 1, 2, ... in bursts of {@value #BURST}, written
 * in place into the ring's buffers ({@link GuestPort#txReserve}/{@link GuestPort#txCommit})
 * for a warm-up and the measured windows, plus {@code --tail-ms} so the consumer's last window
 * is still fed. Deletes the region file when done. The ring is the link default (1024 slots of
 * 2048 bytes) unless {@code --log2-ring-size}/{@code --buffer-size} say otherwise.
 *
 * <p>{@code --access indexed} (the default) writes each frame through the burst's indexed
 * accessors ({@code burst.copyFrom(k, ...)}, {@code burst.putLong(k, ...)}); {@code --access view}
 * through each packet's {@link PacketView} (the same writes and checks, one indirection more).
 *
 * <p>{@code --tx-path ring} sends through {@link RingProducer} on the mapping instead of the
 * guest API (same frames, same in-place writes, big-endian sequence number): it separates the
 * cost of the API's transmit side from the ring's (the consumer always uses {@link GuestPort}).
 *
 * <p>Bench output (stdout): {@code HIGHWAY_TX mpps=<median> windows=<...> sent=<n> full_refusals=<n>
 * traffic_sent=<n> traffic_full_refusals=<n>}: the {@code traffic_} pair counts only from the consumer's
 * first burst to the end of the last window (slots refused because the ring was full: a
 * consumer-bound run refuses many, a producer-bound one few; {@code full_refusals} also counts the
 * polls of a full ring before the consumer attached).
 */
public final class DirectLinkProducer {
    public static final int BURST = 32;
    /** The sequence number as PacketView.putLong writes it (network order). */
    private static final ValueLayout.OfLong SEQUENCE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** Port name of the sending end (end 0 of the link region). */
    public static final String TX_PORT = "bench-tx";

    private DirectLinkProducer() {
    }

    public static void main(String[] args) throws Exception {
        HarnessOptions options = HarnessOptions.parse("DirectLinkProducer", args, Map.ofEntries(
                Map.entry("dir", "auto"),
                Map.entry("name", "highway-bench-link-" + ProcessHandle.current().pid()),
                Map.entry("cpu", "none"),
                Map.entry("warmup-ms", "1000"),
                Map.entry("windows", "5"),
                Map.entry("window-ms", "1000"),
                Map.entry("tail-ms", "1500"),
                Map.entry("connect-timeout-ms", "30000"),
                Map.entry("buffer-size", String.valueOf(RingSpec.DEFAULT_BUFFER_SIZE)),
                Map.entry("log2-ring-size", String.valueOf(RingSpec.DEFAULT_LOG2_RING_SIZE)),
                Map.entry("pause-when-full", "true"),
                Map.entry("tx-path", "guestport"),
                Map.entry("access", "indexed"),
                Map.entry("format", "bench")));
        boolean human = HarnessFormat.isHuman(options);
        PrintStream progress = human ? System.out : System.err;

        String dir = options.string("dir");
        RegionFiles files = dir.equals("auto") ? RegionFiles.automatic() : RegionFiles.in(Path.of(dir));
        RegionLayout layout = RegionLayout.compute(List.of(new RingSpec(RingTableEntryDescriptor.DIRECTION_0, 0,
                options.nonNegativeInt("log2-ring-size"), options.positiveInt("buffer-size"))));
        RegionFile file = files.create(options.string("name"), layout,
                RegionIdentity.link(1, 1, TX_PORT, DirectLinkConsumer.RX_PORT));
        try {
            System.out.println("HIGHWAY_REGION path=" + file.path() + " size=" + file.size()
                    + " hugetlbfs=" + file.hugetlbfs());
            System.out.flush();
            run(file, options, progress, human);
        } finally {
            RegionFiles.delete(file);
        }
    }

    private static void run(RegionFile file, HarnessOptions options, PrintStream progress, boolean human)
            throws Exception {
        int cpu = options.cpuOrNone("cpu");
        PublishedCounter sent = new PublishedCounter();
        String txPath = options.oneOf("tx-path", "guestport", "ring");
        boolean views = options.oneOf("access", "indexed", "view").equals("view");
        Worker worker = new Worker(file.path(), cpu, sent, Boolean.parseBoolean(options.string("pause-when-full")),
                txPath.equals("ring"), views);
        Thread thread = new Thread(worker, "highway-producer");
        thread.setUncaughtExceptionHandler((t, e) -> worker.failure = e);
        thread.start();
        try {
            awaitConsumer(file, options.positiveInt("connect-timeout-ms"), thread, worker);
            if (human) {
                progress.println("producer: consumer attached, sending 64-byte frames in bursts of " + BURST);
            }
            WindowSampler sampler = new WindowSampler("producer", options.nonNegativeInt("warmup-ms"),
                    options.positiveInt("windows"), options.positiveInt("window-ms"), progress);
            RingCounters atStart = readCounters(file);
            RateSamples samples = sampler.sample(sent, thread::isAlive);
            RingCounters atEnd = readCounters(file);
            // refusals while the consumer ran (warm-up and windows): how often the ring was full
            long refusedDuringTraffic = atEnd.ringFullDrops() - atStart.ringFullDrops();
            long sentDuringTraffic = atEnd.producedPackets() - atStart.producedPackets();
            Thread.sleep(options.nonNegativeInt("tail-ms"));
            worker.stop = true;
            thread.join();
            if (worker.failure != null) {
                throw new IllegalStateException("producer worker failed", worker.failure);
            }
            if (human) {
                System.out.printf("producer: sent %,d frames; median %s Mpps over %d windows (%s)%n",
                        worker.sequence, RateSamples.format(samples.medianMpps()), samples.count(),
                        samples.windowsCsv());
            } else {
                System.out.println("HIGHWAY_TX mpps=" + RateSamples.format(samples.medianMpps())
                        + " windows=" + samples.windowsCsv() + " sent=" + worker.sequence
                        + " full_refusals=" + worker.fullRefusals
                        + " traffic_sent=" + sentDuringTraffic + " traffic_full_refusals=" + refusedDuringTraffic);
            }
        } finally {
            worker.stop = true;
            thread.join();
        }
    }

    /** The producer's counters as the region holds them (at most one burst behind), through a mapping of its own. */
    private static RingCounters readCounters(RegionFile file) throws IOException {
        try (MappedRegion monitor = MappedRegion.map(file.path())) {
            return RingCounters.read(monitor.segment(), file.layout().ring(0));
        }
    }

    /**
     * Waits until the consumer's packet counter (its counter line in the region, read through a
     * mapping of this thread's own) leaves 0: the windows start with the traffic.
     */
    private static void awaitConsumer(RegionFile file, long timeoutMs, Thread thread, Worker worker)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        RingLayout ring = file.layout().ring(0);
        try (MappedRegion monitor = MappedRegion.map(file.path())) {
            while (RingCounters.read(monitor.segment(), ring).consumedPackets() == 0) {
                if (!thread.isAlive()) {
                    throw new IllegalStateException("producer worker ended before the consumer attached",
                            worker.failure);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no consumer received anything within timeoutMs=" + timeoutMs
                            + " region=" + file.path());
                }
                Thread.sleep(10);
            }
        }
    }

    /** The sending loop; owns the port (and through it the mapping). */
    private static final class Worker implements Runnable {
        private final Path path;
        private final int cpu;
        private final PublishedCounter sent;
        /** PAUSE between polls of a full ring, so the poll loads leave the consumer's tail line alone. */
        private final boolean pauseWhenFull;
        /** Send through RingProducer directly instead of GuestPort. */
        private final boolean ringPath;
        /** Write frames through PacketView instead of the burst's indexed accessors. */
        private final boolean views;
        volatile boolean stop;
        volatile Throwable failure;
        /** Written by the worker, read by main after join. */
        long sequence;
        long fullRefusals;

        Worker(Path path, int cpu, PublishedCounter sent, boolean pauseWhenFull, boolean ringPath, boolean views) {
            this.path = path;
            this.cpu = cpu;
            this.sent = sent;
            this.pauseWhenFull = pauseWhenFull;
            this.ringPath = ringPath;
            this.views = views;
        }

        @Override
        public void run() {
            ThreadAffinity.pinCurrentThread(cpu);
            MappedRegion mapping;
            ValidatedRegion validated;
            try {
                mapping = MappedRegion.map(path);
                validated = RegionValidator.validate(mapping.segment());
            } catch (IOException e) {
                throw new IllegalStateException("cannot open own region path=" + path, e);
            }
            if (ringPath) {
                try (mapping) {
                    sendThroughRing(mapping.segment(), validated);
                }
                return;
            }
            try (GuestPort port = GuestPort.open(mapping, validated, TX_PORT)) {
                MemorySegment template = LinkFrame.template();
                PacketBurst burst = new PacketBurst(BURST);
                long seq = 0;
                while (!stop) {
                    int n = port.txReserve(burst, BURST);
                    if (n == 0) {
                        if (pauseWhenFull) {
                            Thread.onSpinWait();
                        }
                        continue;
                    }
                    if (views) {
                        for (int k = 0; k < n; k++) {
                            PacketView packet = burst.packet(k);
                            packet.copyFrom(template, 0, LinkFrame.LENGTH);
                            packet.putLong(LinkFrame.SEQUENCE_OFFSET, seq + k);
                        }
                    } else {
                        for (int k = 0; k < n; k++) {
                            burst.copyFrom(k, template, 0, LinkFrame.LENGTH);
                            burst.putLong(k, LinkFrame.SEQUENCE_OFFSET, seq + k);
                        }
                    }
                    port.txCommit(burst, n);
                    seq += n;
                    sent.releaseAdd(n);
                }
                sequence = seq;
                fullRefusals = port.stats().txRingFullDrops();
            }
        }

        /** The same loop on the ring class, for comparison (--tx-path ring). */
        private void sendThroughRing(MemorySegment region, ValidatedRegion validated) {
            RingProducer producer = new RingProducer(region, validated.layout().ring(0));
            MemorySegment template = LinkFrame.template();
            int[] lengths = new int[BURST];
            Arrays.fill(lengths, LinkFrame.LENGTH);
            long seq = 0;
            while (!stop) {
                int n = producer.reserve(BURST);
                if (n == 0) {
                    if (pauseWhenFull) {
                        Thread.onSpinWait();
                    }
                    continue;
                }
                for (int k = 0; k < n; k++) {
                    long offset = producer.bufferOffset(k);
                    MemorySegment.copy(template, 0, region, offset, LinkFrame.LENGTH);
                    region.set(SEQUENCE, offset + LinkFrame.SEQUENCE_OFFSET, seq + k);
                }
                producer.commit(lengths, n);
                seq += n;
                sent.releaseAdd(n);
            }
            sequence = seq;
            fullRefusals = producer.ringFullDrops();
        }
    }
}

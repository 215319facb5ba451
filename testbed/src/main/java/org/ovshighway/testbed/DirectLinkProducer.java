package org.ovshighway.testbed;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.ovshighway.guest.abi.Le;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.abi.RingCountersDescriptor;
import org.ovshighway.guest.abi.RingLayout;
import org.ovshighway.guest.abi.RingSpec;
import org.ovshighway.guest.abi.RingTableEntryDescriptor;
import org.ovshighway.guest.ring.RingProducer;
import org.ovshighway.remapper.RegionFile;
import org.ovshighway.remapper.RegionFiles;

/**
 * Transmitting end of the direct-link harness (one JVM process). Creates the link region
 * through {@link RegionFiles}, prints {@code HIGHWAY_REGION path=<file>} so the consumer
 * process can be pointed at it, waits until the consumer has received its first burst, then
 * sends {@link LinkFrame 64-byte frames} numbered 0, 1, 2, ... in bursts of {@value #BURST}
 * (written in place into the ring's buffers: {@link RingProducer#reserve}/{@link RingProducer#commit})
 * for a warm-up and the measured windows, plus {@code --tail-ms} so the consumer's last window
 * is still fed. Deletes the region file when done. The ring is the link default (1024 slots of
 * 2048 bytes) unless {@code --log2-ring-size}/{@code --buffer-size} say otherwise.
 *
 * <p>Bench output (stdout): {@code HIGHWAY_TX mpps=<median> windows=<...> sent=<n> full_refusals=<n>}.
 */
public final class DirectLinkProducer {
    public static final int BURST = 32;

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
                Map.entry("format", "bench")));
        boolean human = HarnessFormat.isHuman(options);
        PrintStream progress = human ? System.out : System.err;

        String dir = options.string("dir");
        RegionFiles files = dir.equals("auto") ? RegionFiles.automatic() : RegionFiles.in(Path.of(dir));
        RegionLayout layout = RegionLayout.compute(List.of(new RingSpec(RingTableEntryDescriptor.DIRECTION_0, 0,
                options.nonNegativeInt("log2-ring-size"), options.positiveInt("buffer-size"))));
        RegionFile file = files.create(options.string("name"), layout,
                RegionIdentity.link(1, 1, "bench-tx", "bench-rx"));
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
        RingLayout ring = file.layout().ring(0);
        int cpu = options.cpuOrNone("cpu");
        PublishedCounter sent = new PublishedCounter();
        Worker worker = new Worker(file.path(), ring, cpu, sent, Boolean.parseBoolean(options.string("pause-when-full")));
        Thread thread = new Thread(worker, "highway-producer");
        thread.setUncaughtExceptionHandler((t, e) -> worker.failure = e);
        thread.start();
        try {
            awaitConsumer(worker, options.positiveInt("connect-timeout-ms"), thread);
            if (human) {
                progress.println("producer: consumer attached, sending 64-byte frames in bursts of " + BURST);
            }
            WindowSampler sampler = new WindowSampler("producer", options.nonNegativeInt("warmup-ms"),
                    options.positiveInt("windows"), options.positiveInt("window-ms"), progress);
            RateSamples samples = sampler.sample(sent, thread::isAlive);
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
                        + " full_refusals=" + worker.fullRefusals);
            }
        } finally {
            worker.stop = true;
            thread.join();
        }
    }

    /** The consumer's packet counter (its counter line in the region) leaves 0 once it runs. */
    private static void awaitConsumer(Worker worker, long timeoutMs, Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (worker.consumerPackets() == 0) {
            if (!thread.isAlive()) {
                throw new IllegalStateException("producer worker ended before the consumer attached",
                        worker.failure);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no consumer received anything within timeoutMs=" + timeoutMs);
            }
            Thread.sleep(10);
        }
    }

    /** The sending loop; owns the mapping (confined arena) and the ring producer. */
    private static final class Worker implements Runnable {
        private final Path path;
        private final RingLayout ring;
        private final int cpu;
        private final PublishedCounter sent;
        /** PAUSE between polls of a full ring, so the poll loads leave the consumer's tail line alone. */
        private final boolean pauseWhenFull;
        volatile boolean stop;
        volatile Throwable failure;
        /** Written by the worker, read by main after join. */
        long sequence;
        long fullRefusals;
        private volatile MemorySegment region;

        Worker(Path path, RingLayout ring, int cpu, PublishedCounter sent, boolean pauseWhenFull) {
            this.pauseWhenFull = pauseWhenFull;
            this.path = path;
            this.ring = ring;
            this.cpu = cpu;
            this.sent = sent;
        }

        long consumerPackets() {
            MemorySegment r = region;
            // pairs with the consumer's release of its packet counter (RingConsumer.publishCounters)
            return r == null ? 0 : (long) Le.U64_HANDLE.getAcquire(r,
                    ring.consumerCountersOffset() + RingCountersDescriptor.PACKETS_IN_LINE);
        }

        @Override
        public void run() {
            ThreadAffinity.pinCurrentThread(cpu);
            // shared arena: main thread polls the consumer's counter line while this one sends
            try (Arena arena = Arena.ofShared()) {
                MemorySegment mapped = LinkRegionMapping.map(path, arena);
                RingProducer producer = new RingProducer(mapped, ring);
                MemorySegment template = LinkFrame.template();
                int[] lengths = new int[BURST];
                Arrays.fill(lengths, LinkFrame.LENGTH);
                region = mapped;
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
                        LinkFrame.write(template, mapped, producer.bufferOffset(k), seq + k);
                    }
                    producer.commit(lengths, n);
                    seq += n;
                    sent.releaseAdd(n);
                }
                sequence = seq;
                fullRefusals = producer.ringFullDrops();
                region = null;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("mapping region path=" + path, e);
            }
        }
    }
}

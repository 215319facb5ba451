package org.ovshighway.testbed;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Map;

import org.ovshighway.guest.abi.RegionKind;
import org.ovshighway.guest.abi.RingLayout;
import org.ovshighway.guest.ring.RingConsumer;

/**
 * Receiving end of the direct-link harness (one JVM process). Waits for the region file named
 * by {@code --region} to be valid, receives in bursts of up to {@value DirectLinkProducer#BURST},
 * checks every frame's length and sequence number, and once the first burst has arrived measures
 * a warm-up and the windows.
 *
 * <p>Bench output (stdout): {@code HIGHWAY_RX mpps=<median> windows=<...> received=<n> lost=<n>
 * reordered=<n> bad_length=<n> invalid_descriptors=<n>}. Exit status 1 when anything was lost,
 * reordered or malformed, or nothing arrived.
 */
public final class DirectLinkConsumer {
    private DirectLinkConsumer() {
    }

    public static void main(String[] args) throws Exception {
        HarnessOptions options = HarnessOptions.parse("DirectLinkConsumer", args, Map.of(
                "region", "",
                "cpu", "none",
                "warmup-ms", "1000",
                "windows", "5",
                "window-ms", "1000",
                "connect-timeout-ms", "30000",
                "format", "bench"));
        boolean human = HarnessFormat.isHuman(options);
        PrintStream progress = human ? System.out : System.err;
        if (options.string("region").isEmpty()) {
            throw new IllegalArgumentException("DirectLinkConsumer: option=--region is required (the producer prints it)");
        }
        Path path = Path.of(options.string("region"));

        PublishedCounter received = new PublishedCounter();
        Worker worker = new Worker(path, options.cpuOrNone("cpu"), options.positiveInt("connect-timeout-ms"), received);
        Thread thread = new Thread(worker, "highway-consumer");
        thread.setUncaughtExceptionHandler((t, e) -> worker.failure = e);
        thread.start();
        RateSamples samples;
        try {
            // the windows start with the traffic, as the producer's do
            while (received.acquire() == 0 && thread.isAlive()) {
                Thread.sleep(5);
            }
            if (human && thread.isAlive()) {
                progress.println("consumer: first burst received from " + path);
            }
            WindowSampler sampler = new WindowSampler("consumer", options.nonNegativeInt("warmup-ms"),
                    options.positiveInt("windows"), options.positiveInt("window-ms"), progress);
            samples = sampler.sample(received, thread::isAlive);
        } finally {
            worker.stop = true;
            thread.join();
        }
        if (worker.failure != null) {
            throw new IllegalStateException("consumer worker failed", worker.failure);
        }
        SequenceChecker checker = worker.checker;
        boolean clean = checker.expected() > 0 && checker.lost() == 0 && checker.reordered() == 0
                && worker.badLength == 0 && worker.invalidDescriptors == 0;
        if (human) {
            System.out.printf("consumer: received %,d frames; median %s Mpps over %d windows (%s)%n",
                    worker.receivedFrames, samples.count() == 0 ? "n/a" : RateSamples.format(samples.medianMpps()),
                    samples.count(), samples.windowsCsv());
            System.out.printf("consumer: lost %d, reordered %d, wrong length %d, invalid descriptors %d -> %s%n",
                    checker.lost(), checker.reordered(), worker.badLength, worker.invalidDescriptors,
                    clean ? "every frame arrived once, in order" : "ERRORS");
        } else {
            System.out.println("HIGHWAY_RX mpps=" + (samples.count() == 0 ? "nan" : RateSamples.format(samples.medianMpps()))
                    + " windows=" + samples.windowsCsv() + " received=" + worker.receivedFrames
                    + " lost=" + checker.lost() + " reordered=" + checker.reordered()
                    + " bad_length=" + worker.badLength + " invalid_descriptors=" + worker.invalidDescriptors);
        }
        System.exit(clean ? 0 : 1);
    }

    /** The receiving loop; owns the mapping (confined arena) and the ring consumer. */
    private static final class Worker implements Runnable {
        private final Path path;
        private final int cpu;
        private final long timeoutMs;
        private final PublishedCounter received;
        volatile boolean stop;
        volatile Throwable failure;
        /** Written by the worker, read by main after join. */
        final SequenceChecker checker = new SequenceChecker();
        long receivedFrames;
        long badLength;
        long invalidDescriptors;

        Worker(Path path, int cpu, long timeoutMs, PublishedCounter received) {
            this.path = path;
            this.cpu = cpu;
            this.timeoutMs = timeoutMs;
            this.received = received;
        }

        @Override
        public void run() {
            ThreadAffinity.pinCurrentThread(cpu);
            try (Arena arena = Arena.ofConfined()) {
                LinkRegionMapping.Mapped mapped = LinkRegionMapping.awaitValid(path, arena, timeoutMs);
                if (mapped.validated().identity().kind() != RegionKind.LINK) {
                    throw new IllegalStateException("not a link region: path=" + path + " identity="
                            + mapped.validated().identity());
                }
                RingLayout ring = mapped.validated().layout().ring(0);
                MemorySegment region = mapped.region();
                RingConsumer consumer = new RingConsumer(region, ring);
                long[] offsets = new long[DirectLinkProducer.BURST];
                int[] lengths = new int[DirectLinkProducer.BURST];
                SequenceChecker seq = checker;
                long bad = 0;
                long total = 0;
                while (!stop) {
                    int n = consumer.receive(offsets, lengths, DirectLinkProducer.BURST);
                    if (n == 0) {
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        if (lengths[i] != LinkFrame.LENGTH) {
                            bad++;
                        }
                        seq.accept(LinkFrame.sequence(region, offsets[i]));
                    }
                    total += n;
                    received.releaseAdd(n);
                }
                consumer.release();
                receivedFrames = total;
                badLength = bad;
                invalidDescriptors = consumer.invalidDescriptors();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("mapping region path=" + path, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package org.ovshighway.testbed;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

import org.ovshighway.guest.GuestPort;
import org.ovshighway.guest.PacketBurst;
import org.ovshighway.guest.PacketView;

/**
 * Receiving end of the direct-link harness (one JVM process). Waits for the region file named
 * by {@code --region} to be valid, opens its end as a guest would ({@link GuestPort} on a
 * {@link org.ovshighway.guest.mapping.MappedRegion}), receives in bursts of up to {@value DirectLinkProducer#BURST},
 * checks every frame's length and sequence number, and once the first burst has arrived measures
 * a warm-up and the windows. {@code --access indexed} (the default) reads each frame through the
 * burst's indexed accessors, {@code --access view} through its {@link PacketView}.
 *
 * <p>Bench output (stdout): {@code HIGHWAY_RX mpps=<median> windows=<...> received=<n> lost=<n>
 * reordered=<n> bad_length=<n> invalid_descriptors=<n> bursts=<n> full_bursts=<n> empty_polls=<n>}.
 * The last three count over the whole run: receive calls that returned packets, those that
 * returned a whole burst, and those that found the ring empty (the consumer waiting for the
 * producer; the producer's {@code traffic_full_refusals} count the opposite wait). Exit status 1
 * when anything was lost, reordered or malformed, or nothing arrived.
 */
public final class DirectLinkConsumer {
    /** Port name of the receiving end (end 1 of the link region). */
    public static final String RX_PORT = "bench-rx";

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
                "access", "indexed",
                "format", "bench"));
        boolean human = HarnessFormat.isHuman(options);
        PrintStream progress = human ? System.out : System.err;
        if (options.string("region").isEmpty()) {
            throw new IllegalArgumentException("DirectLinkConsumer: option=--region is required (the producer prints it)");
        }
        Path path = Path.of(options.string("region"));

        PublishedCounter received = new PublishedCounter();
        Worker worker = new Worker(path, options.cpuOrNone("cpu"), options.positiveInt("connect-timeout-ms"), received,
                options.oneOf("access", "indexed", "view").equals("view"));
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
                    + " bad_length=" + worker.badLength + " invalid_descriptors=" + worker.invalidDescriptors
                    + " bursts=" + worker.nonEmptyBursts + " full_bursts=" + worker.fullBursts
                    + " empty_polls=" + worker.emptyPolls);
        }
        System.exit(clean ? 0 : 1);
    }

    /** The receiving loop; owns the port (and through it the mapping). */
    private static final class Worker implements Runnable {
        private final Path path;
        private final int cpu;
        private final long timeoutMs;
        private final PublishedCounter received;
        /** Read frames through PacketView instead of the burst's indexed accessors. */
        private final boolean views;
        volatile boolean stop;
        volatile Throwable failure;
        /** Written by the worker, read by main after join. */
        final SequenceChecker checker = new SequenceChecker();
        long receivedFrames;
        /** Receive calls that found nothing, that found something, and that filled a whole burst. */
        long emptyPolls;
        long nonEmptyBursts;
        long fullBursts;
        long badLength;
        long invalidDescriptors;

        Worker(Path path, int cpu, long timeoutMs, PublishedCounter received, boolean views) {
            this.path = path;
            this.views = views;
            this.cpu = cpu;
            this.timeoutMs = timeoutMs;
            this.received = received;
        }

        @Override
        public void run() {
            ThreadAffinity.pinCurrentThread(cpu);
            LinkRegionMapping.Mapped mapped;
            try {
                mapped = LinkRegionMapping.awaitValid(path, timeoutMs);
            } catch (IOException e) {
                throw new UncheckedIOException("mapping region path=" + path, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try (GuestPort port = GuestPort.open(mapped.mapping(), mapped.validated(), RX_PORT)) {
                PacketBurst burst = new PacketBurst(DirectLinkProducer.BURST);
                SequenceChecker seq = checker;
                long bad = 0;
                long total = 0;
                long empty = 0;
                long bursts = 0;
                long full = 0;
                while (!stop) {
                    int n = port.rxBurst(burst);
                    if (n == 0) {
                        empty++;
                        continue;
                    }
                    bursts++;
                    if (n == DirectLinkProducer.BURST) {
                        full++;
                    }
                    if (views) {
                        for (int i = 0; i < n; i++) {
                            PacketView packet = burst.packet(i);
                            if (packet.length() != LinkFrame.LENGTH) {
                                bad++;
                                continue;
                            }
                            seq.accept(packet.getLong(LinkFrame.SEQUENCE_OFFSET));
                        }
                    } else {
                        for (int i = 0; i < n; i++) {
                            if (burst.length(i) != LinkFrame.LENGTH) {
                                bad++;
                                continue;
                            }
                            seq.accept(burst.getLong(i, LinkFrame.SEQUENCE_OFFSET));
                        }
                    }
                    total += n;
                    received.releaseAdd(n);
                }
                port.rxRelease();
                receivedFrames = total;
                emptyPolls = empty;
                nonEmptyBursts = bursts;
                fullBursts = full;
                badLength = bad;
                invalidDescriptors = port.stats().rxInvalidDescriptors();
            }
        }
    }
}

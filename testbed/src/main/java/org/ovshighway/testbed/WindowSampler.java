package org.ovshighway.testbed;

import java.io.PrintStream;
import java.util.function.BooleanSupplier;

/**
 * Samples a worker's {@link PublishedCounter} over a warm-up and then fixed windows of wall
 * time, on the calling thread (which sleeps in between, so it costs its core next to nothing).
 */
public final class WindowSampler {
    private final String label;
    private final int warmupMs;
    private final int windows;
    private final int windowMs;
    private final PrintStream progress;

    public WindowSampler(String label, int warmupMs, int windows, int windowMs, PrintStream progress) {
        this.label = label;
        this.warmupMs = warmupMs;
        this.windows = windows;
        this.windowMs = windowMs;
        this.progress = progress;
    }

    /**
     * Runs warm-up and windows; stops early (with fewer windows) when {@code workerAlive} turns
     * false.
     */
    public RateSamples sample(PublishedCounter counter, BooleanSupplier workerAlive) throws InterruptedException {
        RateSamples samples = new RateSamples(windows);
        Thread.sleep(warmupMs);
        for (int w = 0; w < windows && workerAlive.getAsBoolean(); w++) {
            long count0 = counter.acquire();
            long t0 = System.nanoTime();
            Thread.sleep(windowMs);
            long count1 = counter.acquire();
            long t1 = System.nanoTime();
            double mpps = samples.add(count1 - count0, t1 - t0);
            progress.printf("%s window %d/%d: %s Mpps%n", label, w + 1, windows, RateSamples.format(mpps));
        }
        return samples;
    }

    /** Total time {@link #sample} takes when the worker stays alive. */
    public long plannedMillis() {
        return warmupMs + (long) windows * windowMs;
    }
}

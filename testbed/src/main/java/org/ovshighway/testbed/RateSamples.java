package org.ovshighway.testbed;

import java.util.Arrays;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Per-window packet rates of one benchmark run, and their median. The median is the reported
 * figure because the machine is shared: a window in which another process took the core is an
 * outlier to ignore, not a part of the average.
 */
public final class RateSamples {
    private final double[] mpps;
    private int count;

    public RateSamples(int windows) {
        if (windows <= 0) {
            throw new IllegalArgumentException("windows=" + windows + " must be > 0");
        }
        this.mpps = new double[windows];
    }

    /** Records one window: {@code packets} counted over {@code nanos} of wall time. */
    public double add(long packets, long nanos) {
        if (count == mpps.length) {
            throw new IllegalStateException("all windows recorded: windows=" + mpps.length);
        }
        if (packets < 0 || nanos <= 0) {
            throw new IllegalArgumentException("packets=" + packets + " nanos=" + nanos
                    + ": need packets >= 0 and nanos > 0");
        }
        double rate = packets * 1000.0 / nanos;
        mpps[count++] = rate;
        return rate;
    }

    public int count() {
        return count;
    }

    /** Median of the recorded windows (mean of the middle two for an even count). */
    public double medianMpps() {
        if (count == 0) {
            throw new IllegalStateException("no window recorded");
        }
        double[] sorted = Arrays.copyOf(mpps, count);
        Arrays.sort(sorted);
        int mid = count / 2;
        return count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** The windows in recording order, comma-separated, two decimals (for the RESULT lines). */
    public String windowsCsv() {
        StringJoiner joiner = new StringJoiner(",");
        for (int i = 0; i < count; i++) {
            joiner.add(format(mpps[i]));
        }
        return joiner.toString();
    }

    public static String format(double mpps) {
        return String.format(Locale.ROOT, "%.2f", mpps);
    }
}

package org.ovshighway.testbed;

/**
 * The gaps between successive arrivals of a stream at a receiver: the largest one, and every
 * gap at least {@code thresholdNanos} long with the time it ended (System.nanoTime, which is
 * CLOCK_MONOTONIC on Linux and so comparable with times taken in other processes on the same
 * machine). A benchmark matches the recorded gaps against the times of its own events
 * (a link being established or reverted) afterwards.
 *
 * <p>Hot path: {@link #arrival} compares and stores into arrays allocated up front; nothing is
 * allocated. Gaps beyond the capacity are not recorded but counted ({@link #overflow()}), and
 * still count for {@link #maxGapNanos()}. One thread only (the receiving worker); read the
 * results after it stopped.
 */
final class ArrivalGaps {
    private final long thresholdNanos;
    private final long[] endNanos;
    private final long[] gapNanos;
    private int count;
    private long overflow;
    /** System.nanoTime of the last arrival, 0 before the first. */
    private long lastArrival;
    private long maxGap;

    /**
     * @param thresholdNanos shortest gap that is recorded (> 0)
     * @param capacity       most gaps recorded (> 0)
     */
    ArrivalGaps(long thresholdNanos, int capacity) {
        if (thresholdNanos <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("arrival gaps need thresholdNanos > 0 and capacity > 0: thresholdNanos="
                    + thresholdNanos + " capacity=" + capacity);
        }
        this.thresholdNanos = thresholdNanos;
        this.endNanos = new long[capacity];
        this.gapNanos = new long[capacity];
    }

    /** Something of the stream arrived at {@code now} (one call per received burst is enough). */
    void arrival(long now) {
        long last = lastArrival;
        lastArrival = now;
        if (last == 0) {
            return;
        }
        long gap = now - last;
        if (gap > maxGap) {
            maxGap = gap;
        }
        if (gap >= thresholdNanos) {
            if (count < endNanos.length) {
                endNanos[count] = now;
                gapNanos[count] = gap;
                count++;
            } else {
                overflow++;
            }
        }
    }

    /** Forgets the largest gap so far (end of a warm-up); recorded gaps stay. */
    void restartMax() {
        maxGap = 0;
    }

    /** Largest gap since the start or the last {@link #restartMax()}; 0 before two arrivals. */
    long maxGapNanos() {
        return maxGap;
    }

    long thresholdNanos() {
        return thresholdNanos;
    }

    /** Gaps recorded. */
    int count() {
        return count;
    }

    /** Gaps at or above the threshold that did not fit. */
    long overflow() {
        return overflow;
    }

    /** When recorded gap {@code i} ended (the arrival after it). */
    long endNanos(int i) {
        checkIndex(i);
        return endNanos[i];
    }

    /** Length of recorded gap {@code i}. */
    long gapNanos(int i) {
        checkIndex(i);
        return gapNanos[i];
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("gap index=" + i + " count=" + count);
        }
    }
}

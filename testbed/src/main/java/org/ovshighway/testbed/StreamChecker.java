package org.ovshighway.testbed;

/**
 * Checks one received stream of sequence-numbered frames (the peer numbers its frames 0, 1, 2,
 * ... and never skips a number for a frame it did not send).
 *
 * <p>Start-up: the first frame received becomes the baseline, whatever its number: frames the
 * peer sent before this receiver was listening (dropped by the switch for want of buffers) are
 * not counted. From then on:
 * <ul>
 *   <li>{@code lost}: numbers above the baseline that have not arrived (yet). A jump forward
 *       counts the skipped numbers; one of them arriving late takes it back out of {@code lost}
 *       and counts it as {@code reordered}.</li>
 *   <li>{@code reordered}: a frame that arrived after a higher-numbered one (each such frame
 *       once), including frames numbered below the baseline that arrive after it.</li>
 *   <li>{@code duplicated}: a number that had already arrived.</li>
 * </ul>
 * The checker remembers which of the last {@value #WINDOW} numbers below the highest one have
 * arrived; a frame older than that cannot be told apart and counts as {@code reordered}
 * ({@code lost} unchanged). Hot path: in-order frames cost a compare and one bit set, no
 * allocation.
 */
public final class StreamChecker {
    /** How many numbers below the next expected one are remembered (a power of two). */
    public static final int WINDOW = 4096;
    private static final int WORD_MASK = WINDOW / 64 - 1;

    /** Bit {@code n & (WINDOW-1)} set when number n (expected-WINDOW <= n < expected) arrived. */
    private final long[] seen = new long[WINDOW / 64];
    private boolean started;
    private long baseline;
    private long expected;
    private long received;
    private long lost;
    private long reordered;
    private long duplicated;

    /** Accounts one received frame numbered {@code sequence}. */
    public void accept(long sequence) {
        received++;
        if (sequence == expected && started) {
            expected = sequence + 1;
            mark(sequence);
        } else if (!started) {
            started = true;
            baseline = sequence;
            expected = sequence + 1;
            mark(sequence);
        } else if (sequence > expected) {
            jumpTo(sequence);
        } else {
            late(sequence);
        }
    }

    private void jumpTo(long sequence) {
        long gap = sequence - expected;
        lost += gap;
        if (gap >= WINDOW) {
            java.util.Arrays.fill(seen, 0L);
        } else {
            for (long n = expected; n < sequence; n++) {
                seen[(int) (n >>> 6) & WORD_MASK] &= ~(1L << n);
            }
        }
        expected = sequence + 1;
        mark(sequence);
    }

    private void late(long sequence) {
        if (sequence < baseline) {
            reordered++;
            return;
        }
        if (expected - sequence > WINDOW) {
            reordered++;
            return;
        }
        int word = (int) (sequence >>> 6) & WORD_MASK;
        long bit = 1L << sequence;
        if ((seen[word] & bit) != 0) {
            duplicated++;
        } else {
            seen[word] |= bit;
            lost--;
            reordered++;
        }
    }

    private void mark(long sequence) {
        seen[(int) (sequence >>> 6) & WORD_MASK] |= 1L << sequence;
    }

    /** Forgets everything: the next frame is a new baseline (end of a warm-up). */
    public void reset() {
        java.util.Arrays.fill(seen, 0L);
        started = false;
        baseline = 0;
        expected = 0;
        received = 0;
        lost = 0;
        reordered = 0;
        duplicated = 0;
    }

    /** Whether a first frame has arrived (before it, nothing counts). */
    public boolean started() {
        return started;
    }

    /** Number of the first frame received (meaningful once {@link #started()}). */
    public long baseline() {
        return baseline;
    }

    /** One past the highest number received. */
    public long expected() {
        return expected;
    }

    /** Frames accepted, in any order, duplicates included. */
    public long received() {
        return received;
    }

    public long lost() {
        return lost;
    }

    public long reordered() {
        return reordered;
    }

    public long duplicated() {
        return duplicated;
    }
}

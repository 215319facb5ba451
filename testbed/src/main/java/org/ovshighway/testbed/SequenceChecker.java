package org.ovshighway.testbed;

/**
 * Checks that a receiver sees sequence numbers 0, 1, 2, ... with nothing missing or out of
 * order. A jump forward counts the skipped numbers as lost; a number below the expected one
 * counts as reordered (or duplicated) and does not move the expectation back, so one stray
 * frame is one error, not a cascade.
 */
public final class SequenceChecker {
    private long expected;
    private long lost;
    private long reordered;

    /** Hot path: no allocation, no branch beyond the comparison in the common case. */
    public void accept(long sequence) {
        if (sequence == expected) {
            expected = sequence + 1;
        } else if (sequence > expected) {
            lost += sequence - expected;
            expected = sequence + 1;
        } else {
            reordered++;
        }
    }

    /** The next sequence number the checker expects, i.e. one past the highest in-order one. */
    public long expected() {
        return expected;
    }

    public long lost() {
        return lost;
    }

    public long reordered() {
        return reordered;
    }
}

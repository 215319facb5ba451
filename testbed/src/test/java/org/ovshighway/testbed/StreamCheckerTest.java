package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StreamCheckerTest {
    private static StreamChecker fed(long... sequences) {
        StreamChecker checker = new StreamChecker();
        for (long s : sequences) {
            checker.accept(s);
        }
        return checker;
    }

    private static void assertCounts(StreamChecker c, long received, long lost, long reordered, long duplicated) {
        assertEquals(received, c.received(), "received");
        assertEquals(lost, c.lost(), "lost");
        assertEquals(reordered, c.reordered(), "reordered");
        assertEquals(duplicated, c.duplicated(), "duplicated");
    }

    @Test
    void nothingCountsBeforeTheFirstFrame() {
        StreamChecker c = new StreamChecker();
        assertFalse(c.started());
        assertCounts(c, 0, 0, 0, 0);
    }

    @Test
    void firstFrameIsTheBaselineWhateverItsNumber() {
        StreamChecker c = fed(1000, 1001, 1002);
        assertTrue(c.started());
        assertEquals(1000, c.baseline());
        assertEquals(1003, c.expected());
        assertCounts(c, 3, 0, 0, 0);
    }

    @Test
    void longInOrderStreamIsClean() {
        StreamChecker c = new StreamChecker();
        for (long s = 7; s < 7 + 3 * StreamChecker.WINDOW + 5; s++) {
            c.accept(s);
        }
        assertCounts(c, 3 * StreamChecker.WINDOW + 5, 0, 0, 0);
    }

    @Test
    void gapCountsEachSkippedNumberAsLost() {
        assertCounts(fed(0, 1, 5, 6), 4, 3, 0, 0);
    }

    @Test
    void lateFrameMovesFromLostToReordered() {
        StreamChecker c = fed(0, 2, 3, 1, 4);
        assertCounts(c, 5, 0, 1, 0);
        assertEquals(5, c.expected());
    }

    @Test
    void repeatedNumberIsDuplicatedNotReordered() {
        assertCounts(fed(0, 1, 2, 2, 1, 3), 6, 0, 0, 2);
    }

    @Test
    void lateFrameArrivingTwiceIsReorderedThenDuplicated() {
        assertCounts(fed(0, 3, 1, 1, 2), 5, 0, 1 + 1, 1);
    }

    @Test
    void frameBelowTheBaselineIsReorderedAndNeverLost() {
        StreamChecker c = fed(10, 11, 9, 12);
        assertCounts(c, 4, 0, 1, 0);
    }

    @Test
    void frameOlderThanTheWindowIsReorderedWithoutTouchingLost() {
        StreamChecker c = fed(0, 2);
        for (long s = 3; s < 3 + StreamChecker.WINDOW; s++) {
            c.accept(s);
        }
        c.accept(1);
        assertCounts(c, 2 + StreamChecker.WINDOW + 1, 1, 1, 0);
    }

    @Test
    void jumpLargerThanTheWindowForgetsOlderArrivals() {
        StreamChecker c = fed(0, 1);
        c.accept(1 + 2L * StreamChecker.WINDOW);
        assertEquals(2L * StreamChecker.WINDOW - 1, c.lost());
        // a number inside the new window that never arrived: late, not a duplicate
        c.accept(1 + 2L * StreamChecker.WINDOW - 10);
        assertCounts(c, 4, 2L * StreamChecker.WINDOW - 2, 1, 0);
        // and the frame just after the jump is in order
        c.accept(2 + 2L * StreamChecker.WINDOW);
        assertEquals(0, c.duplicated());
    }

    @Test
    void bitsOfSkippedNumbersAreClearedWhenTheWindowWrapsOntoThem() {
        StreamChecker c = new StreamChecker();
        for (long s = 0; s < StreamChecker.WINDOW; s++) {
            c.accept(s);
        }
        // skip WINDOW+1 .. WINDOW+9: their bit positions were set by 1..9 one window earlier
        c.accept(StreamChecker.WINDOW);
        c.accept(StreamChecker.WINDOW + 10);
        c.accept(StreamChecker.WINDOW + 5);
        assertCounts(c, StreamChecker.WINDOW + 3, 8, 1, 0);
    }
}

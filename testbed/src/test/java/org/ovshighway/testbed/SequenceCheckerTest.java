package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SequenceCheckerTest {
    @Test
    void inOrderSequenceHasNoErrors() {
        SequenceChecker checker = new SequenceChecker();
        for (long s = 0; s < 1000; s++) {
            checker.accept(s);
        }
        assertEquals(1000, checker.expected());
        assertEquals(0, checker.lost());
        assertEquals(0, checker.reordered());
    }

    @Test
    void gapCountsEverySkippedNumberAsLost() {
        SequenceChecker checker = new SequenceChecker();
        checker.accept(0);
        checker.accept(1);
        checker.accept(5);
        checker.accept(6);
        assertEquals(3, checker.lost());
        assertEquals(0, checker.reordered());
        assertEquals(7, checker.expected());
    }

    @Test
    void lateFrameCountsOnceAndDoesNotResetExpectation() {
        SequenceChecker checker = new SequenceChecker();
        checker.accept(0);
        checker.accept(2);
        checker.accept(1);
        checker.accept(3);
        assertEquals(1, checker.lost());
        assertEquals(1, checker.reordered());
        assertEquals(4, checker.expected());
    }

    @Test
    void firstFrameNotZeroIsLoss() {
        SequenceChecker checker = new SequenceChecker();
        checker.accept(10);
        assertEquals(10, checker.lost());
    }
}

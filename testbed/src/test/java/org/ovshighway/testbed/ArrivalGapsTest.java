package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ArrivalGapsTest {

    @Test
    void recordsGapsAtOrAboveTheThresholdWithTheirEndAndKeepsTheLargest() {
        ArrivalGaps gaps = new ArrivalGaps(100, 10);
        gaps.arrival(1_000);
        gaps.arrival(1_050);   // 50: below the threshold
        gaps.arrival(1_150);   // 100: recorded
        gaps.arrival(1_400);   // 250: recorded
        assertEquals(2, gaps.count());
        assertEquals(1_150, gaps.endNanos(0));
        assertEquals(100, gaps.gapNanos(0));
        assertEquals(1_400, gaps.endNanos(1));
        assertEquals(250, gaps.gapNanos(1));
        assertEquals(250, gaps.maxGapNanos());
        assertEquals(0, gaps.overflow());
    }

    @Test
    void theFirstArrivalIsNoGap() {
        ArrivalGaps gaps = new ArrivalGaps(1, 4);
        gaps.arrival(5_000_000);
        assertEquals(0, gaps.count());
        assertEquals(0, gaps.maxGapNanos());
    }

    @Test
    void gapsBeyondTheCapacityAreCountedAndStillCountForTheMaximum() {
        ArrivalGaps gaps = new ArrivalGaps(10, 1);
        gaps.arrival(100);
        gaps.arrival(120);
        gaps.arrival(200);
        assertEquals(1, gaps.count());
        assertEquals(1, gaps.overflow());
        assertEquals(80, gaps.maxGapNanos());
    }

    @Test
    void restartingTheMaximumKeepsTheRecords() {
        ArrivalGaps gaps = new ArrivalGaps(10, 4);
        gaps.arrival(100);
        gaps.arrival(1_100);
        gaps.restartMax();
        gaps.arrival(1_120);
        assertEquals(20, gaps.maxGapNanos());
        assertEquals(2, gaps.count());
    }

    @Test
    void misuseIsRefusedWithDetail() {
        assertThrows(IllegalArgumentException.class, () -> new ArrivalGaps(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ArrivalGaps(1, 0));
        ArrivalGaps gaps = new ArrivalGaps(1, 1);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> gaps.endNanos(0));
        assertEquals("gap index=0 count=0", e.getMessage());
    }
}

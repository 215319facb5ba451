package org.ovshighway.hotplug.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DetachWaitsTest {
    private static final long SECOND = 1_000_000_000L;
    /** Near the wrap of nanoTime's range: the comparisons must hold across it. */
    private static final long T0 = Long.MAX_VALUE - 5 * SECOND;

    @Test
    void eachUnplugWaitsItsOwnTimeoutBeforeAStop() {
        DetachWaits waits = new DetachWaits(Duration.ofSeconds(30));
        assertFalse(waits.over(T0, T0 + 29 * SECOND));
        assertTrue(waits.over(T0, T0 + 31 * SECOND));
        long later = T0 + 40 * SECOND;
        assertFalse(waits.over(later, later + 29 * SECOND), "a later unplug gets its whole timeout");
    }

    @Test
    void afterTheStopBeganEveryUnplugEndsAtTheSharedDeadline() {
        DetachWaits waits = new DetachWaits(Duration.ofSeconds(30));
        long waitingSince = T0;
        assertTrue(waits.share(T0 + 10 * SECOND, Duration.ofSeconds(30)));
        assertTrue(waits.over(waitingSince, T0 + 31 * SECOND), "its own timeout still ends an earlier unplug");
        long second = T0 + 35 * SECOND;
        assertFalse(waits.over(second, T0 + 39 * SECOND));
        assertTrue(waits.over(second, T0 + 41 * SECOND), "a later unplug does not get a whole timeout of its own");
        long third = T0 + 45 * SECOND;
        assertTrue(waits.over(third, third), "after the shared deadline an unplug does not wait at all");
    }

    @Test
    void onlyTheFirstStopSetsTheDeadline() {
        DetachWaits waits = new DetachWaits(Duration.ofSeconds(30));
        assertTrue(waits.share(T0, Duration.ofSeconds(5)));
        assertFalse(waits.share(T0 + 4 * SECOND, Duration.ofSeconds(30)));
        assertTrue(waits.over(T0 + 4 * SECOND, T0 + 6 * SECOND));
        assertTrue(waits.describe().contains("stopWaitMs=5000"), waits.describe());
    }

    @Test
    void describesOnlyTheTimeoutBeforeAStop() {
        DetachWaits waits = new DetachWaits(Duration.ofMillis(1500));
        assertEquals("timeoutMs=1500", waits.describe());
    }

    @Test
    void refusesNonPositiveTimeoutsAndNegativeWaits() {
        assertThrows(IllegalArgumentException.class, () -> new DetachWaits(Duration.ZERO));
        DetachWaits waits = new DetachWaits(Duration.ofSeconds(1));
        assertThrows(IllegalArgumentException.class, () -> waits.share(T0, Duration.ofSeconds(-1)));
    }
}

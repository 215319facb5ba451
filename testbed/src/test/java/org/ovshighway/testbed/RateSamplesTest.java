package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RateSamplesTest {
    @Test
    void rateIsPacketsPerMicrosecond() {
        RateSamples samples = new RateSamples(1);
        assertEquals(48.5, samples.add(48_500_000, 1_000_000_000L), 1e-9);
    }

    @Test
    void medianOfOddCountIgnoresOutliers() {
        RateSamples samples = new RateSamples(5);
        samples.add(10_000_000, 1_000_000_000L);
        samples.add(1_000_000, 1_000_000_000L);
        samples.add(12_000_000, 1_000_000_000L);
        samples.add(11_000_000, 1_000_000_000L);
        samples.add(90_000_000, 1_000_000_000L);
        assertEquals(11.0, samples.medianMpps(), 1e-9);
        assertEquals("10.00,1.00,12.00,11.00,90.00", samples.windowsCsv());
    }

    @Test
    void medianOfEvenCountIsMeanOfMiddlePair() {
        RateSamples samples = new RateSamples(4);
        samples.add(1_000_000, 1_000_000_000L);
        samples.add(2_000_000, 1_000_000_000L);
        samples.add(4_000_000, 1_000_000_000L);
        samples.add(8_000_000, 1_000_000_000L);
        assertEquals(3.0, samples.medianMpps(), 1e-9);
    }

    @Test
    void misuseNamesTheProblem() {
        RateSamples samples = new RateSamples(1);
        assertThrows(IllegalStateException.class, samples::medianMpps);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> samples.add(5, 0));
        assertEquals("packets=5 nanos=0: need packets >= 0 and nanos > 0", bad.getMessage());
        samples.add(1, 1);
        assertThrows(IllegalStateException.class, () -> samples.add(1, 1));
    }
}

package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class BypassGapReportTest {

    private static final List<String> BENCH = List.of(
            "BYPASS_RUN run=1 link=7 sent_nanos=1000 barrier_nanos=1100 region_nanos=0 mapped_nanos=0 usable_nanos=0"
                    + " first_frame_nanos=2000 revert_sent_nanos=5000 revert_barrier_nanos=0 revert_done_nanos=6000"
                    + " establish_us=1.0",
            "BYPASS_RUN run=2 link=0 sent_nanos=9000 barrier_nanos=9100 region_nanos=0 mapped_nanos=0 usable_nanos=0"
                    + " first_frame_nanos=0 revert_sent_nanos=12000 revert_barrier_nanos=0 revert_done_nanos=0"
                    + " failure=\"no link region appeared\"",
            "BYPASS_ESTABLISH runs=2 completed=1");

    @Test
    void windowsComeFromCompletedPhasesOnlyWithTheMarginAdded() {
        List<BypassGapReport.Window> windows = BypassGapReport.windows(BENCH, 100);
        assertEquals(List.of(new BypassGapReport.Window(1, "establish", 1000, 2100),
                new BypassGapReport.Window(1, "revert", 5000, 6100)), windows);
    }

    @Test
    void aGapCountsForEveryWindowItOverlapsAndTheRestIsOutside() {
        List<BypassGapReport.Window> windows = BypassGapReport.windows(BENCH, 100);
        List<BypassGapReport.Gap> gaps = BypassGapReport.gaps(List.of(
                "TRAFFIC_GAP port=b end_nanos=1500 gap_ns=300",   // inside establish
                "TRAFFIC_GAP port=b end_nanos=1050 gap_ns=900",   // starts before, ends inside: counts
                "TRAFFIC_GAP port=b end_nanos=4000 gap_ns=1500",  // between the windows
                "TRAFFIC_GAP port=b end_nanos=6050 gap_ns=40",    // in the revert margin
                "TRAFFIC_GAP port=a end_nanos=1500 gap_ns=99999", // another port
                "TRAFFIC_SUMMARY port=b sent=0"), "b");
        BypassGapReport.Result r = BypassGapReport.join(windows, gaps);
        assertEquals(900, r.maxNanos("establish"));
        assertEquals(40, r.maxNanos("revert"));
        assertEquals(1500, r.worstOutside().length());
        assertEquals(1, r.worstRun().get("establish"));
        assertEquals(4, r.gaps());
    }

    @Test
    void aWarmupRunsGapsCountNeitherAsMeasuredWindowsNorAsOutside() {
        List<String> bench = List.of(
                "BYPASS_RUN run=0 link=6 sent_nanos=100 barrier_nanos=110 region_nanos=0 mapped_nanos=0 usable_nanos=0"
                        + " first_frame_nanos=500 revert_sent_nanos=600 revert_barrier_nanos=0 revert_done_nanos=700",
                BENCH.getFirst());
        List<BypassGapReport.Window> windows = BypassGapReport.windows(bench, 0);
        assertEquals(new BypassGapReport.Window(0, "warmup-establish", 100, 500), windows.getFirst());
        BypassGapReport.Result r = BypassGapReport.join(windows, List.of(new BypassGapReport.Gap(400, 250),
                new BypassGapReport.Gap(1800, 100)));
        assertEquals(100, r.maxNanos("establish"), "the warm-up's 250 ns gap is not the measured runs'");
        assertEquals(250, r.maxNanos("warmup-establish"));
        assertNull(r.worstOutside());
    }

    @Test
    void windowsAfterTheLastRecordedGapAreUncoveredWhenTheReceiverOverflowed() {
        List<BypassGapReport.Window> windows = BypassGapReport.windows(BENCH, 100);
        List<BypassGapReport.Gap> gaps = List.of(new BypassGapReport.Gap(3000, 300)); // after establish, before revert
        assertEquals(1, BypassGapReport.join(windows, gaps, true).uncovered());
        assertEquals(0, BypassGapReport.join(windows, gaps, false).uncovered());
    }

    @Test
    void gapLinesOfOtherPortsOrPrefixesAreNotTheirsAndMalformedOnesAreErrors() {
        assertEquals(new BypassGapReport.Gap(1500, 300),
                BypassGapReport.gap("TRAFFIC_GAP port=b end_nanos=1500 gap_ns=300", "b"));
        assertNull(BypassGapReport.gap("TRAFFIC_GAP port=bb end_nanos=1500 gap_ns=300", "b"));
        assertNull(BypassGapReport.gap("TRAFFIC_SUMMARY port=b sent=0", "b"));
        assertThrows(IllegalArgumentException.class, () -> BypassGapReport.gap("TRAFFIC_GAP port=b end_nanos=x", "b"));
    }

    @Test
    void noGapsMeansZeroAndNoOutside() {
        BypassGapReport.Result r = BypassGapReport.join(BypassGapReport.windows(BENCH, 0), List.of());
        assertEquals(0, r.maxNanos("establish"));
        assertNull(r.worstOutside());
    }

    @Test
    void aBrokenLineIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BypassGapReport.gaps(List.of("TRAFFIC_GAP port=b end_nanos=x gap_ns=1"), "b"));
        assertEquals("field=end_nanos value=x is not a number in line: TRAFFIC_GAP port=b end_nanos=x gap_ns=1",
                e.getMessage());
    }

    @Test
    void theMedianIsOverEachWindowsLargestGapWithAQuietWindowAsZero() {
        List<BypassGapReport.Window> windows = List.of(new BypassGapReport.Window(1, "establish", 0, 100),
                new BypassGapReport.Window(2, "establish", 1000, 1100), new BypassGapReport.Window(3, "establish", 2000, 2100),
                new BypassGapReport.Window(1, "revert", 500, 600));
        BypassGapReport.Result r = BypassGapReport.join(windows, List.of(new BypassGapReport.Gap(50, 30),
                new BypassGapReport.Gap(90, 60), new BypassGapReport.Gap(1050, 20), new BypassGapReport.Gap(550, 7)));
        // establish windows' largest gaps: 60, 20 and 0 (none in the third)
        assertEquals(20, r.medianNanos("establish"));
        assertEquals(60, r.maxNanos("establish"));
        assertEquals(7, r.medianNanos("revert"));
        assertEquals(0, r.medianNanos("warmup-establish"), "a kind without windows");
    }
}

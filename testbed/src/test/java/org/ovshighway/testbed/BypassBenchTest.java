package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BypassBenchTest {

    @Test
    void nearestRankPercentiles() {
        long[] hundred = new long[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = i + 1;
        }
        assertEquals(50, BypassBench.percentile(hundred, 50));
        assertEquals(99, BypassBench.percentile(hundred, 99));
        assertEquals(100, BypassBench.percentile(hundred, 100));
        assertEquals(3, BypassBench.percentile(new long[] {1, 2, 3}, 99));
        assertEquals(2, BypassBench.percentile(new long[] {1, 2, 3}, 50));
        assertEquals(-1, BypassBench.percentile(new long[0], 50));
        assertThrows(IllegalArgumentException.class, () -> BypassBench.percentile(hundred, 0));
    }

    @Test
    void summaryLineInMillisecondsOverCompletedRuns() {
        assertEquals("BYPASS_ESTABLISH runs=3 completed=2 p50_ms=1.000 p99_ms=3.500 max_ms=3.500 min_ms=1.000",
                BypassBench.summary("BYPASS_ESTABLISH", new long[] {3_500_000, 1_000_000}, 3));
        assertEquals("BYPASS_REVERT runs=3 completed=0 p50_ms=na p99_ms=na max_ms=na min_ms=na",
                BypassBench.summary("BYPASS_REVERT", new long[0], 3));
    }

    @Test
    void openflowTargetsAsOvsOfctlSpellsThem() {
        assertEquals(java.net.UnixDomainSocketAddress.of("/run/x/br0.mgmt"),
                OpenFlowBenchClient.parseTarget("unix:/run/x/br0.mgmt"));
        assertEquals(new java.net.InetSocketAddress("127.0.0.1", 6653), OpenFlowBenchClient.parseTarget("tcp:127.0.0.1:6653"));
        assertThrows(IllegalArgumentException.class, () -> OpenFlowBenchClient.parseTarget("ssl:1.2.3.4:6653"));
        assertThrows(IllegalArgumentException.class, () -> OpenFlowBenchClient.parseTarget("tcp:host:port"));
    }
}

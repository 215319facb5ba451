package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A CI-sized run of {@code testbed/bench wakeup} (the C ping-pong built with gcc and run in its
 * three placements, and the cache line ping-pong): it ends with a RESULT line whose round trips are positive. No timing is
 * asserted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WakeupBenchTest {

    @Test
    void everyPlacementIsMeasuredAndReported() throws Exception {
        Path bench = Path.of(System.getProperty("user.dir")).resolve("bench");
        Process process = new ProcessBuilder(bench.toString(), "wakeup", "--rounds", "1", "--trips", "2000",
                "--quiet-wait", "0").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(100, TimeUnit.SECONDS), "bench wakeup finished");
        assertEquals(0, process.exitValue(), out);
        String result = out.lines().filter(l -> l.startsWith("RESULT wakeup ")).findFirst()
                .orElseThrow(() -> new AssertionError("no RESULT line in: " + out));
        Map<String, String> f = KeyValueLine.fields(result);
        for (String key : List.of("same_cpu_rtt_us", "cross_cpu_rtt_us", "unpinned_rtt_us", "getppid_ns", "cacheline_rtt_ns")) {
            assertTrue(Double.parseDouble(f.get(key)) > 0, key + " in " + result);
        }
        assertEquals("1", f.get("rounds"));
        assertEquals("2000", f.get("trips"));
    }
}

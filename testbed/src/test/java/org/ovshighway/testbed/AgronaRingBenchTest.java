package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Correctness of the Agrona harness (every message arrives once, in order); no timing asserted. */
class AgronaRingBenchTest {
    @Test
    void messagesArriveInOrderWithoutLoss() throws InterruptedException {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        AgronaRingBench.Result result = AgronaRingBench.run(4096, 0, 2, 50, -1, -1,
                new PrintStream(progress, true, StandardCharsets.UTF_8));
        assertTrue(result.received() > 0, "received=" + result.received());
        assertEquals(0, result.lost());
        assertEquals(0, result.reordered());
        assertEquals(2, result.samples().count());
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("agrona window 2/2"));
    }
}

package org.ovshighway.proxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** A CI-sized run of the relay fuzzer; {@code testbed/fuzz-proxy} runs the long one. */
class RelayFuzzTest {

    @Test
    void twentyThousandMutatedMessagesNeverCrashMisrelayOrLeak() {
        Logger relayLog = Logger.getLogger(RelayedConnection.class.getName());
        Level before = relayLog.getLevel();
        relayLog.setLevel(Level.OFF);
        try {
            RelayFuzz.Report report = RelayFuzz.run(20261122L, 20_000);
            System.out.println(report.resultLine());
            assertTrue(report.passed(), report.resultLine() + " first=" + report.firstFailure());
            assertTrue(report.malformedCloses() > 0 && report.holds() > 0 && report.mutatedCases() > 0,
                    "the run exercised bad headers, holds and mutations: " + report.resultLine());
        } finally {
            relayLog.setLevel(before);
        }
    }
}

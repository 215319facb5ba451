package org.ovshighway.proxy.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every captured exchange of real OVS (OpenFlow 1.0 standard and Nicira, 1.3, 1.4, 1.5, multipart
 * included) replayed through the rewriter with the scenario's extras; the oracle is real
 * {@code ovs-ofctl ofp-print}: the rewritten reply must print exactly as the original with the
 * extras added to the numbers and nothing else changed. Requests are relayed unchanged.
 */
class CapturedRepliesTest {

    @TestFactory
    List<DynamicTest> everyCapturedReplyPrintsOvsCountersPlusExtras() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/ovs-ofctl")), "ovs-ofctl (openvswitch-common) is installed by testbed scripts");
        List<DynamicTest> tests = new ArrayList<>();
        for (CapturedExchanges file : CapturedExchanges.all()) {
            List<CapturedExchanges.Exchange> exchanges = file.exchanges();
            for (int i = 0; i < exchanges.size(); i++) {
                CapturedExchanges.Exchange ex = exchanges.get(i);
                int phase = ScenarioExtras.phaseOf(i, exchanges.size());
                tests.add(DynamicTest.dynamicTest(file.resource() + ": " + ex.command(), () -> replay(ex, phase)));
            }
        }
        return tests;
    }

    private static void replay(CapturedExchanges.Exchange ex, int phase) throws Exception {
        ExtraCounters counters = ScenarioExtras.counters(phase);
        CounterMergingRewriter rewriter = new CounterMergingRewriter("captured", counters);
        long[] aggregate = ex.command().contains("dump-aggregate")
                ? ScenarioExtras.aggregate(ex.command().replaceFirst(".*dump-aggregate\\s*", "").strip(), phase)
                : null;
        int statsReplies = 0;
        for (CapturedExchanges.Frame frame : ex.frames()) {
            ByteBuf buf = frame.buf();
            if (frame.towardSwitch()) {
                rewriter.towardSwitch(buf);
                assertTrue(Arrays.equals(frame.bytes(), toArray(buf)), "request changed: " + frame.hex());
                continue;
            }
            rewriter.towardController(buf);
            byte[] rewritten = toArray(buf);
            String before = OfctlText.ofpPrint(frame.bytes());
            if (!before.matches("(?s)(OFPST|NXST)_[A-Z]+ reply.*")) {
                assertTrue(Arrays.equals(frame.bytes(), rewritten), "non-statistics frame changed: " + before);
                continue;
            }
            statsReplies++;
            String expected = OfctlText.withExtras(before, ScenarioExtras::flow, counters::port, aggregate);
            assertEquals(expected, OfctlText.ofpPrint(rewritten), "command=" + ex.command());
        }
        assertTrue(statsReplies > 0, "exchange has no statistics reply: " + ex.command());
        assertEquals(0, rewriter.malformedFrames(), "malformed");
        assertEquals(0, rewriter.aggregatesWithoutRequest(), "aggregate without request");
    }

    static byte[] toArray(ByteBuf buf) {
        byte[] b = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), b);
        return b;
    }
}

package org.ovshighway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BusyPollSelectStrategyTest {

    /** A selectNow that finds nothing {@code emptyPolls} times, then {@code ready} channels. */
    private static IntSupplier readyAfter(int emptyPolls, int ready, AtomicInteger calls) {
        return () -> calls.incrementAndGet() > emptyPolls ? ready : 0;
    }

    @Test
    void withTasksQueuedItLooksWithoutBlockingOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        SelectStrategy strategy = BusyPollSelectStrategy.factory(Duration.ofMillis(10)).newSelectStrategy();
        assertEquals(0, strategy.calculateStrategy(readyAfter(5, 3, calls), true),
                "tasks wait for nothing: one poll, its result returned even when empty");
        assertEquals(1, calls.get());
    }

    @Test
    void aZeroWindowBlocksAtOnceWithoutPolling() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        SelectStrategy strategy = BusyPollSelectStrategy.factory(Duration.ZERO).newSelectStrategy();
        assertEquals(SelectStrategy.SELECT, strategy.calculateStrategy(readyAfter(0, 1, calls), false));
        assertEquals(0, calls.get());
    }

    @Test
    void readinessFoundWhilePollingIsReturnedForProcessing() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        // A window far longer than this test could take: the readiness, not the clock, ends the poll.
        SelectStrategy strategy = BusyPollSelectStrategy.factory(Duration.ofMillis(10)).newSelectStrategy();
        int result = strategy.calculateStrategy(readyAfter(3, 2, calls), false);
        if (calls.get() == 4) {
            assertEquals(2, result, "the channels the fourth poll found are handed to the loop");
        } else {
            // The window ran out first (a descheduled test thread): then the loop must block.
            assertEquals(SelectStrategy.SELECT, result);
            assertTrue(calls.get() < 4, "polls=" + calls.get());
        }
    }

    @Test
    void anEmptyWindowEndsInABlockingSelect() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        SelectStrategy strategy = BusyPollSelectStrategy.factory(Duration.ofNanos(50_000)).newSelectStrategy();
        assertEquals(SelectStrategy.SELECT, strategy.calculateStrategy(readyAfter(Integer.MAX_VALUE, 1, calls), false));
        assertTrue(calls.get() >= 1, "polled at least once before blocking: polls=" + calls.get());
    }

    @Test
    void windowsOutsideTheRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> BusyPollSelectStrategy.factory(Duration.ofNanos(-1)));
        assertThrows(IllegalArgumentException.class,
                () -> BusyPollSelectStrategy.factory(BusyPollSelectStrategy.MAX_WINDOW.plusNanos(1)));
        assertThrows(IllegalArgumentException.class, () -> new ProxyConfig(java.util.List.of(),
                java.util.Optional.of(new ProxyRoute(new java.net.InetSocketAddress("127.0.0.1", 0),
                        OpenFlowTarget.parse("tcp:127.0.0.1:6653"))), RelayPolicy.plain(), java.util.Optional.empty(),
                ProxyConfig.DEFAULT_CONNECT_TIMEOUT, Duration.ofSeconds(1)));
    }
}

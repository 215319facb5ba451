package org.ovshighway.guest.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ThreadUsageTest {
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** The kernel splits a thread's runtime into user and system in whole ticks: allow a few. */
    private static final long SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(40);

    @Test
    void computeLoopCountsAsUserTimeAndNeverMoreThanTheWallClock() throws Exception {
        long wallStart = System.nanoTime();
        ThreadUsage start = ThreadUsage.current();
        ThreadUsage used = new ThreadUsage(0, 0, 0);
        long sink = 0;
        while (used.userNanos() < TimeUnit.MILLISECONDS.toNanos(100) && System.nanoTime() - wallStart < TIMEOUT_NANOS) {
            for (int i = 0; i < 1_000_000; i++) {
                sink += i * 31L ^ sink;
            }
            used = ThreadUsage.current().since(start);
        }
        long wall = System.nanoTime() - wallStart;
        assertTrue(sink != 1, "keeps the loop");
        assertTrue(used.userNanos() >= TimeUnit.MILLISECONDS.toNanos(100), "user time grows: " + used);
        assertTrue(used.userNanos() + used.systemNanos() <= wall + SLACK_NANOS,
                "one thread cannot use more CPU than wall time: used=" + used + " wall_ns=" + wall);
        assertTrue(used.systemNanos() < used.userNanos(), "a compute loop is mostly user time: " + used);
        assertTrue(used.runNanos() <= wall, "the precise clock never exceeds wall time: used=" + used + " wall_ns=" + wall);
        assertTrue(Math.abs(used.runNanos() - (used.userNanos() + used.systemNanos())) <= SLACK_NANOS,
                "the precise clock agrees with user plus system over 100 ms: " + used);
    }

    @Test
    void systemCallsCountAsSystemTime() throws Exception {
        long wallStart = System.nanoTime();
        ThreadUsage start = ThreadUsage.current();
        ThreadUsage used = new ThreadUsage(0, 0, 0);
        while (used.systemNanos() < TimeUnit.MILLISECONDS.toNanos(20) && System.nanoTime() - wallStart < TIMEOUT_NANOS) {
            // each reading is a system call
            used = ThreadUsage.current().since(start);
        }
        assertTrue(used.systemNanos() >= TimeUnit.MILLISECONDS.toNanos(20), "system time grows: " + used);
        assertTrue(used.userNanos() >= 0, "monotonic: " + used);
    }

    @Test
    void sinceSubtractsBothTimes() {
        assertEquals(new ThreadUsage(7, 3, 9), new ThreadUsage(10, 5, 12).since(new ThreadUsage(3, 2, 3)));
    }

    @Test
    void readingsOfOneThreadNeverGoBack() throws Exception {
        ThreadUsage previous = ThreadUsage.current();
        for (int i = 0; i < 10_000; i++) {
            ThreadUsage now = ThreadUsage.current();
            assertTrue(now.userNanos() >= previous.userNanos() && now.systemNanos() >= previous.systemNanos()
                            && now.runNanos() > previous.runNanos(),
                    "previous=" + previous + " now=" + now);
            previous = now;
        }
    }

    @Test
    void theThreadClockSeesAMillisecondOfWork() throws Exception {
        // what getrusage may miss: a running thread's time since its last tick
        for (int attempt = 0; attempt < 20; attempt++) {
            ThreadUsage start = ThreadUsage.current();
            long wallStart = System.nanoTime();
            long sink = 0;
            while (System.nanoTime() - wallStart < TimeUnit.MILLISECONDS.toNanos(1)) {
                sink += sink * 31 + 7;
            }
            ThreadUsage used = ThreadUsage.current().since(start);
            long wall = System.nanoTime() - wallStart;
            assertTrue(sink != 1, "keeps the loop");
            assertTrue(used.runNanos() <= wall + TimeUnit.MICROSECONDS.toNanos(200), "used=" + used + " wall_ns=" + wall);
            if (used.runNanos() >= TimeUnit.MICROSECONDS.toNanos(500)) {
                return;
            }
        }
        throw new AssertionError("the thread clock never showed half of a millisecond of work in 20 attempts");
    }
}

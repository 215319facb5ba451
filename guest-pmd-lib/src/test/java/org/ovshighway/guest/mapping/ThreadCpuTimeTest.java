package org.ovshighway.guest.mapping;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ThreadCpuTimeTest {
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    @Test
    void aComputeLoopCountsAndNeverMoreThanTheWallClock() throws Exception {
        long wallStart = System.nanoTime();
        long start = ThreadCpuTime.nanos();
        long used = 0;
        long sink = 0;
        while (used < TimeUnit.MILLISECONDS.toNanos(100) && System.nanoTime() - wallStart < TIMEOUT_NANOS) {
            for (int i = 0; i < 1_000_000; i++) {
                sink += i * 31L ^ sink;
            }
            used = ThreadCpuTime.nanos() - start;
        }
        long wall = System.nanoTime() - wallStart;
        assertTrue(sink != 1, "keeps the loop");
        assertTrue(used >= TimeUnit.MILLISECONDS.toNanos(100), "CPU time grows: used_ns=" + used);
        assertTrue(used <= wall, "one thread cannot use more CPU than wall time: used_ns=" + used + " wall_ns=" + wall);
    }

    @Test
    void aSleepingThreadUsesAlmostNothing() throws Exception {
        long start = ThreadCpuTime.nanos();
        Thread.sleep(200);
        long used = ThreadCpuTime.nanos() - start;
        assertTrue(used < TimeUnit.MILLISECONDS.toNanos(50), "asleep 200 ms: used_ns=" + used);
    }

    @Test
    void theClockSeesAMillisecondOfWork() throws Exception {
        // what getrusage may miss: a running thread's time since its last tick
        for (int attempt = 0; attempt < 20; attempt++) {
            long start = ThreadCpuTime.nanos();
            long wallStart = System.nanoTime();
            long sink = 0;
            while (System.nanoTime() - wallStart < TimeUnit.MILLISECONDS.toNanos(1)) {
                sink += sink * 31 + 7;
            }
            long used = ThreadCpuTime.nanos() - start;
            long wall = System.nanoTime() - wallStart;
            assertTrue(sink != 1, "keeps the loop");
            assertTrue(used <= wall + TimeUnit.MICROSECONDS.toNanos(200), "used_ns=" + used + " wall_ns=" + wall);
            if (used >= TimeUnit.MICROSECONDS.toNanos(500)) {
                return;
            }
        }
        throw new AssertionError("the thread clock never showed half of a millisecond of work in 20 attempts");
    }

    @Test
    void readingsOfOneThreadNeverGoBackAndEachThreadHasItsOwn() throws Exception {
        long previous = ThreadCpuTime.nanos();
        for (int i = 0; i < 10_000; i++) {
            long now = ThreadCpuTime.nanos();
            assertTrue(now >= previous, "previous=" + previous + " now=" + now);
            previous = now;
        }
        long[] fresh = new long[1];
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                fresh[0] = ThreadCpuTime.nanos();
            } catch (NativeCallException e) {
                fresh[0] = -1;
            }
        });
        t.join();
        assertTrue(fresh[0] >= 0 && fresh[0] < previous, "a new thread's clock starts near 0: fresh=" + fresh[0]
                + " this thread=" + previous);
    }
}

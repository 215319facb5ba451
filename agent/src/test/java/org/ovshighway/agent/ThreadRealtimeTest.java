package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** sched_setscheduler on the calling thread only, read back from /proc. */
class ThreadRealtimeTest {

    /** Runs {@code body} on a fresh thread (so the test runner's thread keeps its policy) and returns its result. */
    private static <T> T onFreshThread(Callable<T> body) throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                result.set(body.call());
            } catch (Exception e) {
                result.set(e);
            }
        });
        t.join();
        if (result.get() instanceof Exception e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        T value = (T) result.get();
        return value;
    }

    @Test
    void fifoAppliesToTheCallingThreadAloneAndNotToTheThreadsItStarts() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "a real-time policy needs root");
        ThreadRealtime.Policy before = ThreadRealtime.Policy.ofCallingThread();
        ThreadRealtime.Policy[] seen = onFreshThread(() -> {
            ThreadRealtime.setCallingThread(7);
            ThreadRealtime.Policy self = ThreadRealtime.Policy.ofCallingThread();
            // SCHED_RESET_ON_FORK: a thread started from here begins at the normal policy
            ThreadRealtime.Policy child = onFreshThread(ThreadRealtime.Policy::ofCallingThread);
            return new ThreadRealtime.Policy[] {self, child};
        });
        assertEquals(new ThreadRealtime.Policy(ThreadRealtime.SCHED_FIFO, 7), seen[0]);
        assertEquals(new ThreadRealtime.Policy(ThreadRealtime.SCHED_OTHER, 0), seen[1], "started by the FIFO thread");
        assertEquals(before, ThreadRealtime.Policy.ofCallingThread(), "the caller's own thread is untouched");
    }

    @Test
    void prioritiesOutsideTheKernelsRangeAreRefusedBeforeTheCall() {
        assertThrows(IllegalArgumentException.class, () -> ThreadRealtime.setCallingThread(0));
        assertThrows(IllegalArgumentException.class, () -> ThreadRealtime.setCallingThread(100));
    }
}

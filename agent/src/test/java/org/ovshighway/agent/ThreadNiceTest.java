package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** setpriority on the calling thread only, read back from /proc. */
class ThreadNiceTest {

    /** Runs {@code body} on a fresh thread (so the test runner's thread keeps its priority) and returns its result. */
    private static int onFreshThread(java.util.concurrent.Callable<Integer> body) throws Exception {
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
        return (Integer) result.get();
    }

    @Test
    void aHigherNiceValueAppliesToTheCallingThreadAlone() throws Exception {
        int before = ThreadNice.ofCallingThread();
        assertEquals(7, onFreshThread(() -> {
            ThreadNice.setCallingThread(7);
            return ThreadNice.ofCallingThread();
        }));
        assertEquals(before, ThreadNice.ofCallingThread(), "the caller's own thread is untouched");
    }

    @Test
    void aLowerNiceValueAsRoot() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "lowering a nice value needs root");
        assertEquals(-10, onFreshThread(() -> {
            ThreadNice.setCallingThread(-10);
            return ThreadNice.ofCallingThread();
        }));
    }

    @Test
    void valuesOutsideTheKernelsRangeAreRefusedBeforeTheCall() {
        assertThrows(IllegalArgumentException.class, () -> ThreadNice.setCallingThread(20));
        assertThrows(IllegalArgumentException.class, () -> ThreadNice.setCallingThread(-21));
    }
}
